import { useEffect } from 'react';
import { useShell, useStores } from '../state/stores.tsx';
import { EvidenceSection } from './home/EvidenceSection.tsx';
import { AuditSection } from './home/AuditSection.tsx';

/** The foundation's own data: the evidence the actor may read and the audit trail of every decision. */
export function HomeView() {
  const { evidence, audit } = useStores();
  const actorId = useShell((s) => s.session?.actor.id);

  useEffect(() => {
    if (!actorId) return;
    void evidence.getState().load();
    void audit.getState().load();
    // Leaving the view, or acting as someone else: drop the rows and stop live refreshes.
    // Reading the trail is itself audited, so a hidden view must not keep reading it.
    return () => {
      evidence.getState().reset();
      audit.getState().reset();
    };
  }, [actorId, evidence, audit]);

  return (
    <article className="view" aria-labelledby="view-title">
      <header className="view-head">
        <h1 id="view-title">Evidence &amp; audit</h1>
        <p className="lede">
          Every read below is decided by policy for the actor you act as, and every decision — allowed or denied — is appended to the
          hash-chained audit trail.
        </p>
      </header>
      <EvidenceSection />
      <AuditSection />
    </article>
  );
}
