import type { ReactNode } from 'react';
import type { Capability } from '../../shared/api/system.ts';
import { useShell } from '../state/stores.tsx';

/**
 * The honest stand-in for a view whose capability this build does not have: what the view
 * will show and do, and no made-up data.
 */
export function CapabilityPending({ title, capability, summary, children }: { title: string; capability: Capability; summary: string; children: ReactNode }) {
  const built = useShell((s) => s.info?.capabilities[capability]);
  return (
    <article className="view pending-view" aria-labelledby="view-title">
      <header className="view-head">
        <h1 id="view-title">{title}</h1>
        <p className="lede">{summary}</p>
      </header>
      <div className="notice" role="note" data-testid="capability-pending">
        <strong>{built ? 'This view is not in this renderer build yet.' : 'Not built yet.'}</strong>{' '}
        {built
          ? `The workbench reports the ${capability} capability, but this screen has not been replaced with its view.`
          : `This workbench does not have the ${capability} capability yet (system.info reports it absent). When it does, this view will show:`}
      </div>
      <div className="plan">{children}</div>
    </article>
  );
}
