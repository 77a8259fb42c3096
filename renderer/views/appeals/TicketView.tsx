import { useEffect, useState, type FormEvent } from 'react';
import type { DecideInput, MilestoneStatus, TicketDetail, TicketPriority } from '../../../shared/api/appeals.ts';
import type { Actor } from '../../../shared/domain/actors.ts';
import { asWorkbenchError, type WorkbenchError } from '../../../shared/api/errors.ts';
import { ErrorPanel } from '../../components/ErrorPanel.tsx';
import { formatUtc, shortHash } from '../../components/format.ts';
import { APPEALS_TOPICS, type AppealsClient } from './appeals-client.ts';
import { MILESTONE_LABELS, STATE_LABELS, describeEntry, dueText, formatDuration, slaHeadline } from './appeals-format.ts';
import { ArtifactPanel } from './ArtifactPanel.tsx';
import { DecisionForm } from './DecisionForm.tsx';
import { useLoad } from './use-load.ts';

function Milestone({ m, at }: { m: MilestoneStatus; at: string }) {
  const pill = { running: 'info', paused: 'warn', met: 'ok', breached: 'bad' }[m.state];
  return (
    <tr data-testid={`milestone-${m.milestone}`}>
      <th scope="row">{MILESTONE_LABELS[m.milestone]}</th>
      <td>{formatDuration(m.targetMinutes * 60_000)}</td>
      <td>{m.dueAt ? formatUtc(m.dueAt) : '—'}</td>
      <td>{m.completedAt ? formatUtc(m.completedAt) : m.state === 'paused' ? 'paused' : dueText(m.dueAt, at)}</td>
      <td>{m.pausedMs ? formatDuration(m.pausedMs) : '—'}</td>
      <td>
        <span className={`pill ${pill}`}>{m.state}</span>
      </td>
    </tr>
  );
}

function TextAction({ label, placeholder, busy, onSubmit, testId }: { label: string; placeholder: string; busy: boolean; onSubmit(text: string): Promise<boolean>; testId: string }) {
  const [text, setText] = useState('');
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (await onSubmit(text)) setText('');
  };
  return (
    <form className="ap-text-action" onSubmit={(e) => void submit(e)}>
      <label>
        {label}
        <textarea rows={3} value={text} onChange={(e) => setText(e.target.value)} placeholder={placeholder} data-testid={`${testId}-text`} />
      </label>
      <button type="submit" className="button" disabled={busy || text.trim() === ''} data-testid={`${testId}-submit`}>
        {label}
      </button>
    </form>
  );
}

/**
 * One ticket: its state and SLA clock, the denial it appeals, the full timeline (each entry
 * names the audit event that records it), the conversation, what the caller may do next,
 * and — once decided — the signed decision.
 */
export function TicketView({ client, actor, ticketId, navigate }: { client: AppealsClient; actor: Actor; ticketId: string; navigate(hash: string): void }) {
  const detail = useLoad(ticketId, () => client.appeals.get({ ticketId }));
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<WorkbenchError | undefined>();
  const [priority, setPriority] = useState<TicketPriority | ''>('');
  const { reload } = detail;

  useEffect(
    () =>
      client.$events.subscribe((e) => {
        if (APPEALS_TOPICS.has(e.topic) && (e.payload as { ticketId?: string }).ticketId === ticketId) reload();
      }),
    [client, ticketId, reload],
  );

  const act = async (fn: () => Promise<TicketDetail>): Promise<boolean> => {
    setBusy(true);
    setActionError(undefined);
    try {
      detail.replace(await fn());
      return true;
    } catch (e) {
      setActionError(asWorkbenchError(e));
      return false;
    } finally {
      setBusy(false);
    }
  };
  const decide = async (input: DecideInput) => {
    await act(async () => (await client.appeals.decide(input)).detail);
  };

  const d = detail.value;
  if (detail.error && !d) return <ErrorPanel error={detail.error} context={`Ticket ${ticketId}`} onRetry={reload} />;
  if (!d) return <p className="muted">Loading ticket {ticketId}…</p>;
  const t = d.ticket;
  const comments = new Map(d.comments.map((c) => [c.id, c]));

  return (
    <div className="ap-ticket" data-testid="ticket-view" data-state={t.state}>
      <section className="panel" aria-labelledby="ticket-title">
        <header className="panel-head">
          <h2 id="ticket-title">
            Ticket <code>{t.id}</code>
          </h2>
          <div className="panel-tools">
            <span className={`ap-state ap-state-${t.state}`} data-testid="ticket-state">
              {STATE_LABELS[t.state]}
            </span>
            <span className={`ap-prio ap-prio-${t.priority}`}>{t.priority}</span>
            <span className={`pill ${d.sla.breached ? 'bad' : d.sla.clock === 'paused' ? 'warn' : 'ok'}`} data-testid="sla-headline">
              {slaHeadline(d.sla)}
            </span>
          </div>
        </header>
        <dl className="facts">
          <dt>Requester</dt>
          <dd>{t.requester}</dd>
          <dt>Assignee</dt>
          <dd>{t.assignee ?? <span className="muted">unassigned</span>}</dd>
          <dt>Opened</dt>
          <dd>{formatUtc(t.createdAt)}</dd>
          <dt>Justification</dt>
          <dd className="ap-prose">{t.justification}</dd>
          {d.denial && (
            <>
              <dt>Appeals</dt>
              <dd data-testid="ticket-denial">
                denial <code>{d.denial.eventId}</code> (hash <code title={d.denial.eventHash}>{shortHash(d.denial.eventHash)}</code>): <code>{d.denial.action}</code> on{' '}
                <code>
                  {d.denial.resourceType}/{d.denial.resourceId}
                </code>{' '}
                — {d.denial.reason} <span className="muted">({d.denial.policyIds.join(', ')}, epoch {d.denial.epoch})</span>
              </dd>
            </>
          )}
        </dl>
        <table className="data-table ap-sla" aria-label={`SLA clock, policy v${d.sla.policyVersion}`}>
          <thead>
            <tr>
              <th scope="col">Target</th>
              <th scope="col">Allowed</th>
              <th scope="col">Due</th>
              <th scope="col">Done / left</th>
              <th scope="col">Paused</th>
              <th scope="col">State</th>
            </tr>
          </thead>
          <tbody>
            <Milestone m={d.sla.triage} at={d.sla.at} />
            <Milestone m={d.sla.decision} at={d.sla.at} />
          </tbody>
        </table>
      </section>

      {d.artifact && <ArtifactPanel client={client} artifact={d.artifact} />}

      {(d.can.triage || d.can.requestInfo || d.can.provideInfo || d.can.comment || d.can.decide) && (
        <section className="panel" aria-labelledby="actions-title">
          <header className="panel-head">
            <h2 id="actions-title">Next steps</h2>
          </header>
          {actionError && <ErrorPanel error={actionError} context="That step" />}
          <div className="ap-actions">
            {d.can.triage && (
              <div className="ap-triage">
                {t.state === 'new' && (
                  <button type="button" className="button primary" disabled={busy} onClick={() => void act(() => client.appeals.triage({ ticketId }))} data-testid="triage-start">
                    Start triage{t.assignee ? '' : ' and take it'}
                  </button>
                )}
                {t.state !== 'new' && t.assignee !== actor.id && (
                  <button type="button" className="button" disabled={busy} onClick={() => void act(() => client.appeals.triage({ ticketId, assignee: actor.id }))}>
                    Assign to me
                  </button>
                )}
                <label className="ap-inline">
                  Priority
                  <select value={priority || t.priority} onChange={(e) => setPriority(e.target.value as TicketPriority)}>
                    <option value="urgent">urgent</option>
                    <option value="high">high</option>
                    <option value="normal">normal</option>
                    <option value="low">low</option>
                  </select>
                </label>
                <button
                  type="button"
                  className="button"
                  disabled={busy || !priority || priority === t.priority}
                  onClick={() => void act(() => client.appeals.triage({ ticketId, priority: priority as TicketPriority }))}
                >
                  Re-prioritise
                </button>
              </div>
            )}
            {d.can.requestInfo && (
              <TextAction
                label="Ask the requester"
                placeholder="What do you need to know? The SLA clock pauses until they answer."
                busy={busy}
                testId="request-info"
                onSubmit={(question) => act(() => client.appeals.requestInfo({ ticketId, question }))}
              />
            )}
            {d.can.provideInfo && (
              <TextAction
                label="Answer"
                placeholder="Your answer to the reviewer's question."
                busy={busy}
                testId="provide-info"
                onSubmit={(answer) => act(() => client.appeals.provideInfo({ ticketId, answer }))}
              />
            )}
            {d.can.comment && !d.can.provideInfo && (
              <TextAction label="Comment" placeholder="A note on this ticket." busy={busy} testId="comment" onSubmit={(body) => act(() => client.appeals.comment({ ticketId, body }))} />
            )}
          </div>
          {d.can.decide && <DecisionForm ticketId={ticketId} busy={busy} onDecide={decide} />}
        </section>
      )}

      <section className="panel" aria-labelledby="timeline-title">
        <header className="panel-head">
          <h2 id="timeline-title">Timeline</h2>
          <span className="muted">{d.timeline.length} entries, each recorded in the audit trail</span>
        </header>
        <ol className="ap-timeline" data-testid="ticket-timeline">
          {d.timeline.map((e) => {
            const comment = typeof e.data.commentId === 'string' ? comments.get(e.data.commentId) : undefined;
            return (
              <li key={e.seq} className={`ap-entry ap-entry-${e.kind}`} data-kind={e.kind}>
                <div className="ap-entry-head">
                  <time dateTime={e.at}>{formatUtc(e.at)}</time>
                  <span className="ap-entry-actor">{e.actorId}</span>
                  <span className="ap-entry-text">{describeEntry(e)}</span>
                  {e.auditEventId ? <code className="ap-entry-audit">{e.auditEventId}</code> : <span className="muted">derived</span>}
                </div>
                {comment && (
                  <blockquote className={`ap-comment ap-comment-${comment.kind}`} data-testid={`comment-${comment.kind}`}>
                    {comment.body}
                  </blockquote>
                )}
              </li>
            );
          })}
        </ol>
      </section>
      <p>
        <a href="#/appeals" onClick={(e) => (e.preventDefault(), navigate('#/appeals'))}>
          ← Back to the queue
        </a>
      </p>
    </div>
  );
}
