import { useEffect, useState, type FormEvent } from 'react';
import { useStore, type StoreApi } from 'zustand';
import type { Hint, HintPayload } from '../../../shared/api/costguard.ts';
import { ErrorPanel } from '../../components/ErrorPanel.tsx';
import { windowCostguardClient, type CostguardClient } from './optimizer-client.ts';
import { COST_MODEL_LABEL, costChange, formatCost, segmentsOf } from './optimizer-format.ts';
import { createOptimizerStore, type OptimizerState } from './optimizer-store.ts';
import { UsageChart } from './UsageChart.tsx';
import './optimizer.css';

/**
 * Cost Guard: paste a query (or pick one analyzed before), read the hints where they apply,
 * compare the plan cost before and after the verified rewrite, and copy it. Below, how each
 * namespace used its rate budget and how often rewrites were adopted.
 */
export function OptimizerView({ client, store: given }: { client?: CostguardClient; store?: StoreApi<OptimizerState> } = {}) {
  const [store] = useState(() => given ?? createOptimizerStore(client ?? windowCostguardClient()));
  const status = useStore(store, (s) => s.status);
  const payload = useStore(store, (s) => s.payload);
  const error = useStore(store, (s) => s.error);

  useEffect(() => {
    void store.getState().refresh();
  }, [store]);

  return (
    <article className="view optimizer-view" aria-labelledby="view-title">
      <header className="view-head">
        <h1 id="view-title">Optimizer</h1>
        <p className="lede">Why a query is expensive, from its real plan, and a rewrite verified on a scratch copy before you see it.</p>
      </header>
      <QueryForm store={store} />
      {status === 'analyzing' && (
        <p className="muted" role="status">
          Reading the plan…
        </p>
      )}
      {status === 'error' && error && <ErrorPanel error={error} context="Query analysis" />}
      {status === 'ready' && payload && (
        <>
          <Annotated payload={payload} sql={store.getState().sql} />
          <Rewrite payload={payload} store={store} />
        </>
      )}
      <Side store={store} />
    </article>
  );
}

function QueryForm({ store }: { store: StoreApi<OptimizerState> }) {
  const sql = useStore(store, (s) => s.sql);
  const dialect = useStore(store, (s) => s.dialect);
  const log = useStore(store, (s) => s.log);
  const busy = useStore(store, (s) => s.status === 'analyzing');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void store.getState().analyze();
  };
  return (
    <section className="panel" aria-labelledby="query-title">
      <header className="panel-head">
        <h2 id="query-title">Query</h2>
        <div className="panel-tools">
          <label>
            Recent{' '}
            <select
              value=""
              aria-label="Pick a recently analyzed query"
              onChange={(e) => {
                const entry = log.find((l) => l.queryId === e.target.value);
                if (entry) void store.getState().pick(entry);
              }}
            >
              <option value="">{log.length === 0 ? 'none yet' : `${log.length} analyzed`}</option>
              {log.map((l) => (
                <option key={l.queryId} value={l.queryId}>
                  {l.sql.length > 70 ? `${l.sql.slice(0, 69)}…` : l.sql} ({l.hintTypes.length} hints)
                </option>
              ))}
            </select>
          </label>
        </div>
      </header>
      <form onSubmit={submit} className="query-form">
        <textarea
          className="sql-input"
          aria-label="SQL or Cypher query"
          spellCheck={false}
          rows={6}
          value={sql}
          placeholder="SELECT id, status FROM audit_events WHERE action = 'evidence.read'"
          onChange={(e) => store.getState().setSql(e.target.value)}
        />
        <div className="form-row">
          <label>
            Dialect{' '}
            <select value={dialect ?? ''} onChange={(e) => store.getState().setDialect(e.target.value === '' ? undefined : (e.target.value as 'sqlite' | 'postgres' | 'cypher'))}>
              <option value="">the store's</option>
              <option value="sqlite">SQLite</option>
              <option value="postgres">PostgreSQL</option>
              <option value="cypher">Cypher</option>
            </select>
          </label>
          <button type="submit" className="button primary" disabled={busy || sql.trim() === ''}>
            Analyze
          </button>
        </div>
      </form>
    </section>
  );
}

function Bubble({ hint }: { hint: Hint }) {
  return (
    <span className={`hint-bubble severity-${hint.severity}`} role="note">
      <strong>{hint.type}</strong> {hint.message} <em>Try:</em> <code>{hint.suggested}</code>{' '}
      <a href={hint.docs} target="_blank" rel="noreferrer">
        docs
      </a>
    </span>
  );
}

/** The query with each hint attached where it applies. */
function Annotated({ payload, sql }: { payload: HintPayload; sql: string }) {
  const { segments, unplaced } = segmentsOf(sql, payload.hints);
  return (
    <section className="panel" aria-labelledby="hints-title">
      <header className="panel-head">
        <h2 id="hints-title">
          {payload.hints.length === 0 ? 'No hints' : `${payload.hints.length} hint${payload.hints.length === 1 ? '' : 's'}`}
        </h2>
        <div className="panel-tools muted">
          {COST_MODEL_LABEL[payload.costModel]} {formatCost(payload.estimatedCost)}
          {payload.estimatedRows !== null ? ` · about ${formatCost(payload.estimatedRows)} rows` : ''}
        </div>
      </header>
      <pre className="annotated-sql" data-testid="annotated-sql">
        {segments.map((s, i) =>
          s.hints.length === 0 ? (
            <span key={i}>{s.text}</span>
          ) : (
            <mark key={i} className={`hinted severity-${s.hints[0]!.severity}`} title={s.hints.map((h) => h.type).join(', ')}>
              {s.text}
            </mark>
          ),
        )}
      </pre>
      <ul className="hint-list">
        {[...payload.hints.filter((h) => !unplaced.includes(h)), ...unplaced].map((h, i) => (
          <li key={i}>
            <Bubble hint={h} />
          </li>
        ))}
      </ul>
      <details>
        <summary>Plan</summary>
        <pre className="plan">{payload.plan.join('\n')}</pre>
      </details>
    </section>
  );
}

function Rewrite({ payload, store }: { payload: HintPayload; store: StoreApi<OptimizerState> }) {
  const notice = useStore(store, (s) => s.notice);
  const rw = payload.rewrite;
  return (
    <section className="panel" aria-labelledby="rewrite-title">
      <header className="panel-head">
        <h2 id="rewrite-title">Rewrite</h2>
        {rw && <span className="cost-change" data-testid="cost-change">{costChange(payload)}</span>}
      </header>
      {!rw && <p className="muted">No rewrite was verified cheaper{payload.rejected.length > 0 ? ':' : '.'}</p>}
      {rw && (
        <>
          {rw.changesResults && (
            <p className="callout warn" role="note">
              This rewrite returns different rows on purpose (see the steps below).
            </p>
          )}
          <pre className="rewrite-sql">{rw.script}</pre>
          <div className="form-row">
            <button type="button" className="button primary" onClick={() => void store.getState().copyRewrite((t) => navigator.clipboard.writeText(t))}>
              Copy fixed query
            </button>
            {notice && (
              <span className="notice" role="status">
                {notice}
              </span>
            )}
          </div>
          <ol className="steps">
            {rw.steps.map((s, i) => (
              <li key={i}>
                <strong>{s.type}</strong> ({s.effect === 'same-rows' ? 'same rows, verified' : 'changes the rows'}): {s.note} — cost {formatCost(s.costBefore)} → {formatCost(s.costAfter)}
              </li>
            ))}
          </ol>
        </>
      )}
      {payload.rejected.length > 0 && (
        <ul className="rejected muted">
          {payload.rejected.map((r, i) => (
            <li key={i}>
              {r.type}: {r.reason}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function Side({ store }: { store: StoreApi<OptimizerState> }) {
  const usage = useStore(store, (s) => s.usage);
  const adoption = useStore(store, (s) => s.adoption);
  const sideError = useStore(store, (s) => s.sideError);
  return (
    <>
      {sideError && <ErrorPanel error={sideError} context="Cost Guard" />}
      <section className="panel" aria-labelledby="usage-title">
        <header className="panel-head">
          <h2 id="usage-title">Rate shaping</h2>
          {usage && (
            <span className="muted">
              {usage.policies.map((p) => `${p.namespace === '*' ? 'other namespaces' : p.namespace}: ${p.quota}/${p.windowSeconds}s, burst ${p.burst}`).join(' · ')}
            </span>
          )}
        </header>
        {usage ? <UsageChart report={usage} /> : <p className="muted">Loading usage…</p>}
      </section>
      <section className="panel" aria-labelledby="adoption-title">
        <header className="panel-head">
          <h2 id="adoption-title">Adoption</h2>
        </header>
        {adoption ? (
          <p data-testid="adoption">
            {adoption.analyzed} queries analyzed, {adoption.withRewrite} with a verified rewrite; rewrites copied {adoption.copied}×, run {adoption.ran}× — adoption{' '}
            {(adoption.adoptionRate * 100).toFixed(0)}%.
          </p>
        ) : (
          <p className="muted">Loading…</p>
        )}
        {adoption && adoption.byHintType.length > 0 && (
          <table className="adoption-table">
            <thead>
              <tr>
                <th scope="col">Hint</th>
                <th scope="col">Queries</th>
                <th scope="col">Adopted</th>
              </tr>
            </thead>
            <tbody>
              {adoption.byHintType.map((r) => (
                <tr key={r.type}>
                  <td>{r.type}</td>
                  <td className="num">{r.queries}</td>
                  <td className="num">{r.adopted}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}
