import { useEffect, useState, type FormEvent } from 'react';
import { useStore, type StoreApi } from 'zustand';
import type { DiffView, JobView } from '../../../shared/api/redaction.ts';
import { DEFAULT_BATCH_SIZES } from '../../../shared/domain/purge-batches.ts';
import { DataTable } from '../../components/DataTable.tsx';
import { ErrorPanel } from '../../components/ErrorPanel.tsx';
import { ShardChart } from './ShardChart.tsx';
import { windowRedactionClient, type RedactionClient } from './redaction-client.ts';
import { formatCount, formatEta, formatRate } from './redaction-format.ts';
import { createRedactionStore, type LiveJob, type RedactionState } from './redaction-store.ts';
import './redaction.css';

let nextProgress = 0;
const newProgressId = () => `redaction-dry-run-${Date.now()}-${++nextProgress}`;

/**
 * Vector governance: pick a retention policy, see exactly what a purge would erase (per
 * shard, sample ids, the logged queries that returned them), apply it with live progress,
 * cancel and resume, and read each batch's receipt and the signed erasure certificate.
 */
export function RedactionView({ client, store: given }: { client?: RedactionClient; store?: StoreApi<RedactionState> } = {}) {
  const [c] = useState(() => client ?? windowRedactionClient());
  const [store] = useState(() => given ?? createRedactionStore(c, newProgressId));
  const actionError = useStore(store, (s) => s.actionError);
  const diff = useStore(store, (s) => s.dryRun.diff);

  useEffect(() => {
    void store.getState().load();
    return c.$events.subscribe((e) => store.getState().noteEvent(e.topic, e.payload));
  }, [store, c]);

  return (
    <article className="view redaction-view" aria-labelledby="view-title">
      <header className="view-head">
        <h1 id="view-title">Redaction</h1>
        <p className="lede">
          Erase vectors past their retention — after seeing exactly which ones. A dry-run lists every id per shard and the logged queries that returned them; applying recalls
          them at once (hidden from every query, reversible during the grace window), then purges them in checkpointed batches, each with a receipt in the audit trail,
          and ends with a signed erasure certificate.
        </p>
      </header>
      <BacklogBanner store={store} />
      {actionError && <ErrorPanel error={actionError} context="Redaction" />}
      <PolicyPanel store={store} />
      {diff && <DiffPanel diff={diff} store={store} />}
      {diff && <ApplyPanel diff={diff} store={store} />}
      <JobsPanel store={store} />
      <JobDetail store={store} />
    </article>
  );
}

function BacklogBanner({ store }: { store: StoreApi<RedactionState> }) {
  const backlog = useStore(store, (s) => s.backlog);
  const alert = useStore(store, (s) => s.backlogAlert);
  if (!backlog || !alert) return null;
  return (
    <p className="callout warn" role="alert" data-testid="backlog-alert">
      <strong>Recall backlog above its threshold:</strong> {formatCount(backlog.vectors)} vectors in {backlog.jobs} jobs are recalled and not yet erased (alert above{' '}
      {formatCount(backlog.threshold)}).
    </p>
  );
}

function PolicyPanel({ store }: { store: StoreApi<RedactionState> }) {
  const form = useStore(store, (s) => s.form);
  const policies = useStore(store, (s) => s.policies);
  const dry = useStore(store, (s) => s.dryRun);
  const running = dry.status === 'running';
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void store.getState().runDryRun();
  };
  const set = store.getState().setForm;
  return (
    <section className="panel" aria-labelledby="policy-title">
      <header className="panel-head">
        <h2 id="policy-title">Retention policy</h2>
      </header>
      <form className="policy-form" onSubmit={submit}>
        <label>
          Stored policy
          <select value={form.stored} onChange={(e) => set({ stored: e.target.value })} disabled={running}>
            <option value="">— enter cases and purposes —</option>
            {policies.map((p) => (
              <option key={p.name} value={p.name}>
                {p.name} ({p.cases.length} cases, {p.purposes.join(', ')}, {p.retention})
              </option>
            ))}
          </select>
        </label>
        {form.stored === '' && (
          <>
            <label>
              Cases
              <textarea value={form.cases} rows={2} placeholder="CASE-123, CASE-124" onChange={(e) => set({ cases: e.target.value })} disabled={running} />
            </label>
            <label>
              Purposes
              <input value={form.purposes} placeholder="research" onChange={(e) => set({ purposes: e.target.value })} disabled={running} />
            </label>
            <label>
              Retention
              <input value={form.retention} placeholder="90d" onChange={(e) => set({ retention: e.target.value })} disabled={running} />
            </label>
          </>
        )}
        <label>
          Reference time
          <input value={form.at} placeholder="now (or 2026-11-28T12:00:00.000Z)" onChange={(e) => set({ at: e.target.value })} disabled={running} />
        </label>
        <div className="form-actions">
          <button className="button primary" type="submit" disabled={running}>
            {running ? 'Running dry-run…' : 'Dry-run'}
          </button>
        </div>
      </form>
      {running && (
        <p className="muted" role="status">
          {dry.progress ? (
            <>
              Scanning shard {dry.progress.done} of {dry.progress.total} <progress max={dry.progress.total} value={dry.progress.done} />
            </>
          ) : (
            'Starting the dry-run…'
          )}
        </p>
      )}
      {dry.status === 'error' && dry.error && <ErrorPanel error={dry.error} context="Dry-run" />}
    </section>
  );
}

function DiffPanel({ diff, store }: { diff: DiffView; store: StoreApi<RedactionState> }) {
  const selected = useStore(store, (s) => s.selectedShard);
  const shard = diff.shards.find((s) => s.shard === selected);
  return (
    <section className="panel" aria-labelledby="diff-title" data-testid="diff">
      <header className="panel-head">
        <h2 id="diff-title">What the purge would erase</h2>
        <code className="hex" title="plan hash">
          {diff.planHash}
        </code>
      </header>
      <p className="diff-summary">
        <strong>{formatCount(diff.totals.vectors)} vectors</strong> in {diff.totals.shards} of {diff.store.shards} shards — created before{' '}
        <time dateTime={diff.policy.cutoff}>{diff.policy.cutoff}</time> ({diff.policy.retention} before <time dateTime={diff.policy.at}>{diff.policy.at}</time>), cases{' '}
        {diff.policy.cases.length <= 6 ? diff.policy.cases.join(', ') : `${diff.policy.cases.slice(0, 6).join(', ')} and ${diff.policy.cases.length - 6} more`}, purposes{' '}
        {diff.policy.purposes.join(', ')}. <span className="muted">{formatCount(diff.totals.affectedQueries)} logged queries returned some of them.</span>
      </p>
      <ShardChart diff={diff} />
      <div className="diff-grid">
        <DataTable columns={['Shard', { label: 'Vectors', className: 'num' }, 'Ranges']} label="Vectors per shard">
          {diff.shards.map((s) => (
            <tr key={s.shard} className={s.shard === selected ? 'selected' : undefined}>
              <td>
                <button type="button" className="link" onClick={() => store.getState().selectShard(s.shard)} aria-pressed={s.shard === selected}>
                  shard {s.shard}
                </button>
              </td>
              <td className="num">{formatCount(s.count)}</td>
              <td className="muted">{s.ranges.length}</td>
            </tr>
          ))}
        </DataTable>
        <div className="shard-detail" aria-live="polite">
          {shard ? (
            <>
              <h3>Shard {shard.shard}</h3>
              {shard.count === 0 ? (
                <p className="empty">Nothing to erase here.</p>
              ) : (
                <>
                  <p className="muted">
                    First {shard.sampleIds.length} of {formatCount(shard.count)} ids (the plan file lists all):
                  </p>
                  <p className="sample-ids" data-testid="sample-ids">
                    {shard.sampleIds.map((id) => (
                      <code key={id}>{id}</code>
                    ))}
                  </p>
                  <ul className="ranges">
                    {shard.ranges.map((r) => (
                      <li key={`${r.caseId}/${r.purpose}`}>
                        {r.caseId} · {r.purpose}: {formatCount(r.count)}
                      </li>
                    ))}
                  </ul>
                </>
              )}
            </>
          ) : (
            <p className="empty">Pick a shard to see its ids.</p>
          )}
        </div>
      </div>
      <h3>Affected queries</h3>
      {diff.affectedQueries.length === 0 ? (
        <p className="empty">No logged query returned any of these vectors.</p>
      ) : (
        <DataTable columns={['Query', 'When', 'Who', 'Erased ids it returned']} label="Affected queries">
          {diff.affectedQueries.map((q) => (
            <tr key={q.queryId}>
              <td>
                <code>{q.queryId}</code>
              </td>
              <td>
                <time dateTime={q.at}>{q.at}</time>
              </td>
              <td>{q.actorId}</td>
              <td className="wrap">{q.ids.join(', ')}</td>
            </tr>
          ))}
        </DataTable>
      )}
      {diff.affectedQueriesTruncated && <p className="muted">Showing the first {diff.affectedQueries.length}; the plan file lists all {formatCount(diff.totals.affectedQueries)}.</p>}
    </section>
  );
}

function ApplyPanel({ diff, store }: { diff: DiffView; store: StoreApi<RedactionState> }) {
  const busy = useStore(store, (s) => s.busy);
  const [grace, setGrace] = useState('0s');
  const [batchSize, setBatchSize] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const n = Number(batchSize);
    void store.getState().apply({ grace: grace.trim(), ...(batchSize.trim() !== '' && Number.isInteger(n) ? { batchSize: n } : {}) });
  };
  return (
    <section className="panel" aria-labelledby="apply-title">
      <header className="panel-head">
        <h2 id="apply-title">Apply this plan</h2>
      </header>
      <form className="apply-form" onSubmit={submit}>
        <p className="muted">
          Applies exactly plan <code>{diff.planHash.slice(0, 16)}…</code>: if the data changed since this dry-run, nothing is done and the differences are shown.
        </p>
        <label>
          Grace window
          <input value={grace} onChange={(e) => setGrace(e.target.value)} placeholder="0s, 24h, 7d" />
        </label>
        <label>
          Batch size
          <input value={batchSize} onChange={(e) => setBatchSize(e.target.value)} placeholder={String(DEFAULT_BATCH_SIZES[diff.store.kind])} inputMode="numeric" />
        </label>
        <div className="form-actions">
          <button className="button primary" type="submit" disabled={busy || diff.totals.vectors === 0}>
            Recall and purge {formatCount(diff.totals.vectors)} vectors
          </button>
        </div>
      </form>
    </section>
  );
}

function JobProgress({ job, live }: { job: JobView; live: LiveJob | undefined }) {
  const erased = live && live.erased >= job.erased ? live.erased : job.erased;
  return (
    <div className="job-progress">
      <progress max={Math.max(1, job.total)} value={erased} aria-label={`${job.id} progress`} />
      <span>
        {formatCount(erased)} / {formatCount(job.total)}
      </span>
      {job.running && live && live.state === 'purging' && (
        <span className="muted">
          {formatRate(live.rate)} · ETA {formatEta(live.etaSeconds)} · {live.concurrency} shard{live.concurrency === 1 ? '' : 's'} at once
        </span>
      )}
    </div>
  );
}

function JobsPanel({ store }: { store: StoreApi<RedactionState> }) {
  const jobs = useStore(store, (s) => s.jobs);
  const live = useStore(store, (s) => s.live);
  const busy = useStore(store, (s) => s.busy);
  const selected = useStore(store, (s) => s.selectedJob);
  const st = store.getState();
  return (
    <section className="panel" aria-labelledby="jobs-title">
      <header className="panel-head">
        <h2 id="jobs-title">Jobs</h2>
      </header>
      {jobs.length === 0 ? (
        <p className="empty">No redaction jobs yet.</p>
      ) : (
        <DataTable columns={['Job', 'State', 'Progress', 'Recalled', 'Grace until', '']} label="Redaction jobs">
          {jobs.map((j) => {
            const liveJob = live[j.id];
            const inGrace = j.state === 'recalled';
            return (
              <tr key={j.id} className={j.id === selected ? 'selected' : undefined}>
                <td>
                  <button type="button" className="link" onClick={() => void st.openJob(j.id)}>
                    <code>{j.id}</code>
                  </button>
                </td>
                <td>
                  <span className={`badge job-${j.state}`}>{j.state}</span>
                  {j.error && <div className="job-error">{j.error}</div>}
                </td>
                <td className="wrap">
                  <JobProgress job={j} live={liveJob} />
                </td>
                <td>
                  <time dateTime={j.createdAt}>{j.createdAt}</time> <span className="muted">by {j.createdBy}</span>
                </td>
                <td>
                  <time dateTime={j.graceUntil}>{j.graceUntil}</time>
                </td>
                <td className="actions">
                  {j.running && (
                    <button type="button" className="button" disabled={busy} onClick={() => void st.cancel(j.id)}>
                      Cancel
                    </button>
                  )}
                  {!j.running && ['paused', 'failed', 'purging', 'recalled'].includes(j.state) && (
                    <button type="button" className="button" disabled={busy} onClick={() => void st.resume(j.id)}>
                      {j.state === 'recalled' ? 'Purge now' : 'Resume'}
                    </button>
                  )}
                  {inGrace && (
                    <button type="button" className="button" disabled={busy} onClick={() => void st.restore(j.id)}>
                      Restore
                    </button>
                  )}
                </td>
              </tr>
            );
          })}
        </DataTable>
      )}
    </section>
  );
}

function JobDetail({ store }: { store: StoreApi<RedactionState> }) {
  const jobId = useStore(store, (s) => s.selectedJob);
  const receipts = useStore(store, (s) => s.receipts);
  const certificate = useStore(store, (s) => s.certificate);
  if (!jobId) return null;
  return (
    <section className="panel" aria-labelledby="job-detail-title" data-testid="job-detail">
      <header className="panel-head">
        <h2 id="job-detail-title">
          Job <code>{jobId}</code>
        </h2>
      </header>
      <h3>Receipts</h3>
      {!receipts || receipts.jobId !== jobId ? (
        <p className="muted">Loading receipts…</p>
      ) : receipts.rows.length === 0 ? (
        <p className="empty">No batch has been erased yet.</p>
      ) : (
        <DataTable
          columns={[{ label: 'Batch', className: 'num' }, { label: 'Shard', className: 'num' }, 'Id range', { label: 'Vectors', className: 'num' }, 'SHA-256 of ids', 'Audit event']}
          label="Batch receipts"
        >
          {receipts.rows.map((r) => (
            <tr key={r.batch}>
              <td className="num">{r.batch}</td>
              <td className="num">{r.shard}</td>
              <td>
                {r.firstId}…{r.lastId}
              </td>
              <td className="num">{formatCount(r.count)}</td>
              <td>
                <code className="hex" title={r.digest}>
                  {r.digest.slice(0, 16)}…
                </code>
              </td>
              <td>
                <code>{r.auditEventId}</code>
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      {receipts && receipts.jobId === jobId && receipts.total > receipts.rows.length && (
        <p className="muted">
          Showing {receipts.rows.length} of {receipts.total} receipts.
        </p>
      )}
      <h3>Erasure certificate</h3>
      {certificate && certificate.jobId === jobId ? (
        <>
          <ul className="checks">
            {certificate.checks.map((ch) => (
              <li key={ch.name} className={ch.ok ? 'check-ok' : 'check-bad'}>
                <strong>{ch.name}</strong>: {ch.detail}
              </li>
            ))}
          </ul>
          <p>
            {formatCount(certificate.certificate.body.erased.vectors)} vectors erased in {certificate.certificate.body.erased.batches} batches; {certificate.certificate.body.remainingMatching}{' '}
            still match the policy. Issued <time dateTime={certificate.certificate.body.issuedAt}>{certificate.certificate.body.issuedAt}</time>, signed by key{' '}
            <code className="hex">{certificate.certificate.body.issuer.keyId.slice(0, 16)}…</code>.
          </p>
          <details>
            <summary>Certificate (JSON)</summary>
            <pre className="certificate-json">{JSON.stringify(certificate.certificate, null, 2)}</pre>
          </details>
        </>
      ) : (
        <p className="muted">Issued when the purge completes.</p>
      )}
    </section>
  );
}
