import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { DenialContext, TicketPriority } from '../../../shared/api/appeals.ts';
import { asWorkbenchError, type WorkbenchError } from '../../../shared/api/errors.ts';
import { ErrorPanel } from '../../components/ErrorPanel.tsx';
import { formatUtc } from '../../components/format.ts';
import type { AppealsClient } from './appeals-client.ts';
import { useLoad } from './use-load.ts';

const LABEL_NAMES: Record<string, string> = { tenant: 'Tenant', region: 'Region', sensitivity: 'Sensitivity', purpose: 'Purpose' };

function DenialFacts({ ctx }: { ctx: DenialContext }) {
  const d = ctx.denial;
  return (
    <dl className="facts ap-denial-facts">
      <dt>Action</dt>
      <dd>
        <code>{d.action}</code> on <code>{d.resourceType}/{d.resourceId}</code>
      </dd>
      <dt>Reason</dt>
      <dd data-testid="appeal-denial-reason">{d.reason}</dd>
      <dt>Policies</dt>
      <dd>
        {d.policyIds.map((p) => (
          <code key={p} className="policy-id">
            {p}
          </code>
        ))}
      </dd>
      <dt>Decision</dt>
      <dd>
        <code>{d.eventId}</code> at {formatUtc(d.at)}, policy epoch {d.epoch}
      </dd>
    </dl>
  );
}

export function Minimization({ ctx }: { ctx: DenialContext }) {
  return (
    <section className="ap-minimize" aria-labelledby="minimize-title">
      <h3 id="minimize-title">What caused it, and a narrower request</h3>
      {ctx.causes.length > 0 ? (
        <ul className="ap-causes" data-testid="denial-causes">
          {ctx.causes.map((c) => (
            <li key={c.label}>
              <strong>{LABEL_NAMES[c.label]}</strong> <span className={`badge sens-${c.label === 'sensitivity' ? c.value : 'internal'}`}>{c.value}</span> — the
              policy would allow this request with {c.label} <code>{c.allowedWith}</code>.
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">No single label explains this denial; the reason above is the policy’s.</p>
      )}
      {ctx.suggestions.length > 0 ? (
        <ul className="ap-suggestions" data-testid="minimization-suggestions">
          {ctx.suggestions.map((s) => (
            <li key={s.id} className="ap-suggestion">
              <div className="ap-suggestion-head">
                <span className="pill ok">allowed now</span> <strong>{s.title}</strong>
              </div>
              <p>{s.description}</p>
              <p className="muted">
                Request <code>{s.request.action}</code> on <code>{s.request.resourceId}</code> with{' '}
                {Object.entries(s.request.labels).map(([k, v]) => (
                  <code key={k} className="ap-label">
                    {k}={v}
                  </code>
                ))}{' '}
                — allowed by {s.allowedBy.join(', ')} (epoch {s.epoch}). You can make this request now instead of appealing.
              </p>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted" data-testid="minimization-none">
          No narrower request (fewer fields, a narrower purpose, a redacted export) would be allowed under the current policy.
        </p>
      )}
    </section>
  );
}

/**
 * The Appeal dialog the appeal link of a denial opens: why it was denied, the labels that
 * caused it, narrower requests the current policy allows, and the appeal form.
 */
export function AppealDialog({
  client,
  denialEventId,
  navigate,
  onClose,
}: {
  client: AppealsClient;
  denialEventId: string | undefined;
  navigate(hash: string): void;
  onClose(): void;
}) {
  const ctx = useLoad(denialEventId ?? '', () =>
    denialEventId ? client.appeals.denial({ denialEventId }) : Promise.reject(new Error('the appeal link names no denial (#/appeals/new?denial=<audit event id>)')),
  );
  const [justification, setJustification] = useState('');
  const [priority, setPriority] = useState<TicketPriority>('normal');
  const [submitting, setSubmitting] = useState(false);
  const [submitError, setSubmitError] = useState<WorkbenchError | undefined>();
  const dialogRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    dialogRef.current?.focus();
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (e.key === 'Escape') onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!denialEventId) return;
    setSubmitting(true);
    setSubmitError(undefined);
    try {
      const detail = await client.appeals.open({ denialEventId, justification, priority });
      navigate(`#/appeals/${encodeURIComponent(detail.ticket.id)}`);
    } catch (err) {
      setSubmitError(asWorkbenchError(err));
      setSubmitting(false);
    }
  };

  const c = ctx.value;
  return (
    <div className="ap-overlay">
      <div className="ap-dialog" role="dialog" aria-modal="true" aria-labelledby="appeal-title" tabIndex={-1} ref={dialogRef} data-testid="appeal-dialog">
        <header className="ap-dialog-head">
          <h2 id="appeal-title">Appeal a denial</h2>
          <button type="button" className="button" onClick={onClose} aria-label="Close the appeal dialog">
            Close
          </button>
        </header>
        {ctx.loading && !c && <p className="muted">Loading the denial…</p>}
        {ctx.error && <ErrorPanel error={ctx.error} context="Appeal" />}
        {c && !ctx.error && (
          <>
            <DenialFacts ctx={c} />
            <Minimization ctx={c} />
            {c.appealable ? (
              <form className="form-grid ap-appeal-form" onSubmit={(e) => void submit(e)}>
                <label className="span-2">
                  Why should this be allowed?
                  <textarea
                    required
                    rows={5}
                    value={justification}
                    onChange={(e) => setJustification(e.target.value)}
                    placeholder="What you need, for what purpose, and why the narrower request above does not serve it."
                    data-testid="appeal-justification"
                  />
                </label>
                <label>
                  Priority
                  <select value={priority} onChange={(e) => setPriority(e.target.value as TicketPriority)}>
                    <option value="low">low</option>
                    <option value="normal">normal</option>
                    <option value="high">high</option>
                    <option value="urgent">urgent</option>
                  </select>
                </label>
                <div className="form-actions span-2">
                  <button type="submit" className="button primary" disabled={submitting || justification.trim() === ''}>
                    {submitting ? 'Filing…' : 'File appeal'}
                  </button>
                  <button type="button" className="button" onClick={onClose}>
                    Cancel
                  </button>
                </div>
                {submitError && (
                  <div className="span-2">
                    <ErrorPanel error={submitError} context="Filing the appeal" />
                  </div>
                )}
              </form>
            ) : (
              <p className="notice" data-testid="not-appealable">
                This denial cannot be appealed here: {c.notAppealableReason}.{' '}
                {c.existingTicketId && <a href={`#/appeals/${encodeURIComponent(c.existingTicketId)}`}>Open ticket {c.existingTicketId}</a>}
              </p>
            )}
          </>
        )}
      </div>
    </div>
  );
}
