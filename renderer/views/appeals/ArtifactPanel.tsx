import { useState } from 'react';
import type { DecisionArtifact } from '../../../shared/domain/decision-artifact.ts';
import { ErrorPanel } from '../../components/ErrorPanel.tsx';
import { formatUtc, shortHash } from '../../components/format.ts';
import type { AppealsClient } from './appeals-client.ts';
import { useLoad } from './use-load.ts';

/**
 * A decision artifact as an auditor checks it: what was decided, by whom and why, the
 * hashes that chain it, and the workbench's own verification of hash, signature, chain link
 * and the denial event it pins.
 */
export function ArtifactPanel({ client, artifact }: { client: AppealsClient; artifact: DecisionArtifact }) {
  const view = useLoad(artifact.id, () => client.appeals.artifact({ artifactId: artifact.id }));
  const [showJson, setShowJson] = useState(false);
  const v = view.value?.verification;
  return (
    <section className="panel ap-artifact" aria-labelledby="artifact-title" data-testid="decision-artifact">
      <header className="panel-head">
        <h2 id="artifact-title">Decision {artifact.id}</h2>
        <div className="panel-tools">
          {v && (
            <span className={`pill ${v.ok ? 'ok' : 'bad'}`} data-testid="artifact-verified">
              {v.ok ? 'Signature and chain verified' : 'Verification failed'}
            </span>
          )}
          <button type="button" className="button" onClick={() => setShowJson(!showJson)} aria-expanded={showJson}>
            {showJson ? 'Hide JSON' : 'Show JSON'}
          </button>
        </div>
      </header>
      <dl className="facts">
        <dt>Outcome</dt>
        <dd>
          <span className={`ap-outcome-badge ap-outcome-${artifact.outcome}`} data-testid="artifact-outcome">
            {artifact.outcome}
          </span>
        </dd>
        <dt>Reviewer</dt>
        <dd>
          {artifact.reviewer.displayName} ({artifact.reviewer.id}), {formatUtc(artifact.timestamps.decidedAt)}
        </dd>
        <dt>Rationale</dt>
        <dd className="ap-prose">{artifact.rationale}</dd>
        {artifact.evidenceLinks.length > 0 && (
          <>
            <dt>Evidence</dt>
            <dd>
              {artifact.evidenceLinks.map((l) => (
                <code key={l} className="ap-label">
                  {l}
                </code>
              ))}
            </dd>
          </>
        )}
        <dt>Decides</dt>
        <dd>
          denial <code>{artifact.denial.eventId}</code> (hash <code title={artifact.denial.eventHash}>{shortHash(artifact.denial.eventHash)}</code>) of{' '}
          <code>{artifact.denial.action}</code> by {artifact.denial.actorId}; policies {artifact.policy.ids.join(', ') || 'none named'}, epoch{' '}
          {artifact.policy.denialEpoch} → {artifact.policy.decisionEpoch}
        </dd>
        {artifact.exception && (
          <>
            <dt>Exception</dt>
            <dd data-testid="artifact-exception">
              <code>{artifact.exception.id}</code> allows <code>{artifact.exception.action}</code> on <code>{artifact.exception.resourceId}</code>
              {artifact.exception.labels ? ` with ${Object.entries(artifact.exception.labels).map(([k, x]) => `${k}=${x}`).join(', ')}` : ''} until{' '}
              {formatUtc(artifact.exception.validUntil)}
            </dd>
          </>
        )}
        <dt>Hash</dt>
        <dd>
          <code className="hex" data-testid="artifact-hash">
            {artifact.hash}
          </code>
        </dd>
        <dt>Previous</dt>
        <dd>
          <code className="hex">{artifact.previousHash}</code>
        </dd>
        <dt>Signed by</dt>
        <dd>
          Ed25519 key <code title={artifact.signature.keyId}>{shortHash(artifact.signature.keyId)}</code>
        </dd>
      </dl>
      {view.error && <ErrorPanel error={view.error} context="Verifying the decision" onRetry={view.reload} />}
      {v && (
        <ul className="ap-checks" aria-label="Verification checks">
          {v.checks.map((c) => (
            <li key={c.name} className={c.ok ? 'ok' : 'bad'}>
              <span aria-hidden="true">{c.ok ? '✓' : '✗'}</span> <strong>{c.name}</strong> <span className="muted">{c.detail}</span>
            </li>
          ))}
          {v.error && <li className="bad">{v.error}</li>}
        </ul>
      )}
      {showJson && <pre className="ap-json">{JSON.stringify(artifact, null, 2)}</pre>}
    </section>
  );
}
