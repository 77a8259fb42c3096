import { useState, type FormEvent } from 'react';
import type { DecideInput } from '../../../shared/api/appeals.ts';
import type { AppealOutcome } from '../../../shared/domain/decision-artifact.ts';
import type { Labels } from '../../../shared/domain/evidence.ts';

const OUTCOMES: Array<{ id: AppealOutcome; label: string; help: string }> = [
  { id: 'upheld', label: 'Uphold the denial', help: 'The policy decided rightly; nothing changes.' },
  { id: 'overturned', label: 'Overturn it', help: 'The request should have been allowed; you may grant a time-bounded exception.' },
  { id: 'modified', label: 'Allow a narrower request', help: 'Allow the request with narrower labels (e.g. internal fields only, or a narrower purpose).' },
];

/** `YYYY-MM-DDTHH:MM` in a datetime-local input, read as UTC. */
function utcFromLocalInput(v: string): string | null {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(v) ? `${v}:00.000Z` : null;
}

/**
 * The reviewer's decision: outcome, rationale, evidence links, and for an overturn or a
 * narrower allowance an optional exception with an end time. The workbench signs it.
 */
export function DecisionForm({ ticketId, onDecide, busy }: { ticketId: string; onDecide(input: DecideInput): Promise<void>; busy: boolean }) {
  const [outcome, setOutcome] = useState<AppealOutcome>('upheld');
  const [rationale, setRationale] = useState('');
  const [links, setLinks] = useState('');
  const [grant, setGrant] = useState(false);
  const [until, setUntil] = useState('');
  const [sensitivity, setSensitivity] = useState<'' | Labels['sensitivity']>('');
  const [purpose, setPurpose] = useState('');

  const exceptionAllowed = outcome !== 'upheld';
  const validUntil = utcFromLocalInput(until);
  const labels: Partial<Labels> = { ...(sensitivity ? { sensitivity } : {}), ...(purpose.trim() ? { purpose: purpose.trim() } : {}) };
  const incomplete =
    rationale.trim() === '' || (exceptionAllowed && grant && (validUntil === null || (outcome === 'modified' && Object.keys(labels).length === 0)));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const evidenceLinks = links
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    await onDecide({
      ticketId,
      outcome,
      rationale,
      evidenceLinks,
      ...(exceptionAllowed && grant && validUntil ? { exception: { validUntil, ...(outcome === 'modified' ? { labels } : {}) } } : {}),
    });
  };

  return (
    <form className="ap-decision" onSubmit={(e) => void submit(e)} aria-labelledby="decision-title" data-testid="decision-form">
      <h3 id="decision-title">Decision</h3>
      <fieldset className="ap-outcomes">
        <legend>Outcome</legend>
        {OUTCOMES.map((o) => (
          <label key={o.id} className="ap-outcome">
            <input type="radio" name="outcome" value={o.id} checked={outcome === o.id} onChange={() => setOutcome(o.id)} />
            <span>
              <strong>{o.label}</strong>
              <span className="help muted"> — {o.help}</span>
            </span>
          </label>
        ))}
      </fieldset>
      <div className="form-grid">
        <label className="span-2">
          Rationale (goes into the signed decision)
          <textarea required rows={4} value={rationale} onChange={(e) => setRationale(e.target.value)} data-testid="decision-rationale" />
        </label>
        <label className="span-2">
          Evidence links, one per line <span className="help">(e.g. evidence:ev-004, audit:ae-000003, https://…)</span>
          <textarea rows={2} value={links} onChange={(e) => setLinks(e.target.value)} />
        </label>
        {exceptionAllowed && (
          <fieldset className="span-2 ap-exception">
            <legend>
              <label className="ap-inline">
                <input type="checkbox" checked={grant} onChange={() => setGrant(!grant)} data-testid="decision-grant" /> Grant a time-bounded policy exception
              </label>
            </legend>
            {grant && (
              <div className="form-grid">
                <label>
                  Valid until (UTC)
                  <input type="datetime-local" value={until} onChange={(e) => setUntil(e.target.value)} data-testid="decision-until" />
                </label>
                {outcome === 'modified' && (
                  <>
                    <label>
                      Narrowed sensitivity
                      <select value={sensitivity} onChange={(e) => setSensitivity(e.target.value as typeof sensitivity)}>
                        <option value="">unchanged</option>
                        <option value="public">public</option>
                        <option value="internal">internal</option>
                        <option value="confidential">confidential</option>
                      </select>
                    </label>
                    <label>
                      Narrowed purpose
                      <input type="text" value={purpose} onChange={(e) => setPurpose(e.target.value)} placeholder="unchanged" />
                    </label>
                  </>
                )}
              </div>
            )}
          </fieldset>
        )}
      </div>
      <div className="form-actions">
        <button type="submit" className="button primary" disabled={busy || incomplete} data-testid="decision-submit">
          {busy ? 'Signing…' : 'Sign and record the decision'}
        </button>
      </div>
    </form>
  );
}
