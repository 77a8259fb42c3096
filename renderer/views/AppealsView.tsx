import { CapabilityPending } from '../components/CapabilityPending.tsx';
import type { ViewProps } from './view-props.ts';

export function AppealsView({ route }: ViewProps) {
  const denial = route.rest[0] === 'new' ? route.params.denial : undefined;
  return (
    <CapabilityPending title="Appeals" capability="appeals" summary="The ombuds queue: appeals of policy denials, each with an SLA clock.">
      {denial && (
        <p className="callout" data-testid="appeal-denial">
          You followed the appeal link for denial <code>{denial}</code>. Once appeals are built, this page opens an appeal of that decision: you
          write a justification and the workbench files an ombuds ticket linked to the audit event.
        </p>
      )}
      <ul>
        <li>The queue of tickets — new, in triage, decided — with requester, assignee, priority and the time left on each SLA.</li>
        <li>Opening an appeal from any denial's “Appeal this decision” link, with a written justification.</li>
        <li>Ombuds decisions as signed decision artifacts, linked back to the audit event that was appealed.</li>
      </ul>
    </CapabilityPending>
  );
}
