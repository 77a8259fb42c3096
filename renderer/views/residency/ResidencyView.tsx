import { useState, type FormEvent } from 'react';
import { useStore, type StoreApi } from 'zustand';
import type { ResidencyReport } from '../../../shared/api/residency.ts';
import { ActionFeedback } from '../../components/ActionFeedback.tsx';
import { DataTable } from '../../components/DataTable.tsx';
import { ErrorPanel } from '../../components/ErrorPanel.tsx';
import { saveBlob } from '../../components/save-blob.ts';
import { usePolicyFollowingStore } from '../use-policy-following-store.ts';
import { InventoryChart, ViolationsChart } from './ResidencyCharts.tsx';
import { windowResidencyClient, type ResidencyClient } from './residency-client.ts';
import { createResidencyStore, type ResidencyState } from './residency-store.ts';
import './residency.css';

/**
 * Where each tenant's data is held, which exceptions let it move, every attempted
 * violation over time, and a reconciliation that says "reconciled" only when every check
 * holds. Exports are the workbench's own bytes (canonical JSON or CSV) with their digest.
 */
export function ResidencyView({ client, store: given }: { client?: ResidencyClient; store?: StoreApi<ResidencyState> } = {}) {
  const store = usePolicyFollowingStore(given, client, windowResidencyClient, createResidencyStore);
  const status = useStore(store, (s) => s.status);
  const report = useStore(store, (s) => s.report);
  const error = useStore(store, (s) => s.error);

  return (
    <article className="view residency-view" aria-labelledby="view-title">
      <header className="view-head">
        <h1 id="view-title">Residency</h1>
        <p className="lede">Data by region and tenant, the exceptions that let it move, and every attempt to move it without one.</p>
      </header>
      <Feedback store={store} />
      {status === 'loading' && <p className="muted" role="status">Building the residency report…</p>}
      {status === 'error' && error && <ErrorPanel error={error} context="Residency report" onRetry={() => void store.getState().load()} />}
      {report && (
        <>
          <Reconciliation report={report} store={store} />
          <Inventory report={report} store={store} />
          <Exceptions report={report} store={store} />
          <Violations report={report} />
        </>
      )}
    </article>
  );
}

function Feedback({ store }: { store: StoreApi<ResidencyState> }) {
  const notice = useStore(store, (s) => s.notice);
  const actionError = useStore(store, (s) => s.actionError);
  return <ActionFeedback notice={notice} error={actionError} context="Residency" />;
}

function Reconciliation({ report, store }: { report: ResidencyReport; store: StoreApi<ResidencyState> }) {
  const busy = useStore(store, (s) => s.busy);
  const r = report.reconciliation;
  const exportAs = async (format: 'json' | 'csv') => {
    const file = await store.getState().exportAs(format);
    if (file) saveBlob(file.content, file.filename, `${file.mediaType};charset=utf-8`);
  };
  return (
    <section className="panel" aria-labelledby="recon-title">
      <header className="panel-head">
        <h2 id="recon-title">Reconciliation</h2>
        <div className="panel-tools">
          <span className="muted">
            as of <time dateTime={report.at}>{report.at}</time> · policy epoch {report.epoch}
          </span>
          <button type="button" className="button" disabled={busy} onClick={() => void exportAs('json')}>
            Export JSON
          </button>
          <button type="button" className="button" disabled={busy} onClick={() => void exportAs('csv')}>
            Export CSV
          </button>
        </div>
      </header>
      <p className={`verdict ${r.reconciled ? 'verdict-ok' : 'verdict-bad'}`} data-testid="reconciliation-statement">
        {r.statement}
      </p>
      <ul className="checks">
        {r.checks.map((c) => (
          <li key={c.id} className={c.ok ? 'check-ok' : 'check-bad'}>
            <span className="check-mark" aria-hidden="true">
              {c.ok ? '✓' : '✗'}
            </span>{' '}
            <strong>{c.label}</strong> <span className="sr-only">{c.ok ? 'holds' : 'does not hold'}</span>
            <div className="muted">{c.detail}</div>
          </li>
        ))}
      </ul>
    </section>
  );
}

function Inventory({ report, store }: { report: ResidencyReport; store: StoreApi<ResidencyState> }) {
  const busy = useStore(store, (s) => s.busy);
  const inv = report.inventory;
  return (
    <section className="panel" aria-labelledby="inventory-title">
      <header className="panel-head">
        <h2 id="inventory-title">Data by region and tenant</h2>
        <span className="muted">{inv.total} stored objects</span>
      </header>
      <InventoryChart report={report} />
      <div className="table-wrap">
        <table className="data-table" data-testid="inventory-table">
          <thead>
            <tr>
              <th scope="col">Type</th>
              <th scope="col">Tenant</th>
              <th scope="col">Region</th>
              <th scope="col">Pinned</th>
              <th scope="col">Unpinned</th>
              <th scope="col">Total</th>
            </tr>
          </thead>
          <tbody>
            {inv.rows.map((r) => (
              <tr key={`${r.resourceType}/${r.tenant}/${r.region}`}>
                <td>{r.resourceType}</td>
                <td>{r.tenant}</td>
                <td>{r.region}</td>
                <td className="num">{r.pinned}</td>
                <td className={`num${r.unpinned ? ' warn' : ''}`}>{r.unpinned}</td>
                <td className="num">{r.total}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row" colSpan={5}>
                Total
              </th>
              <td className="num">{inv.total}</td>
            </tr>
          </tfoot>
        </table>
      </div>
      {inv.unpinnedCount > 0 && (
        <div className="callout" role="note">
          <p>
            <strong>{inv.unpinnedCount} rows are not pinned</strong> (stored before residency pinning, or around the ingest path). Their labels
            decide until someone pins them; nothing was assigned for you.
          </p>
          <p className="muted">{inv.unpinned.map((u) => `${u.resourceId} (${u.tenant}/${u.region})`).join(', ')}</p>
          <button type="button" className="button primary" disabled={busy} onClick={() => void store.getState().pinUnpinned()}>
            Pin all to their labelled region
          </button>
        </div>
      )}
      {inv.mismatches.length > 0 && (
        <div className="callout warn" role="alert">
          <strong>Labels that disagree with their pin</strong> (the pin decides):
          <ul>
            {inv.mismatches.map((m) => (
              <li key={m.resourceId}>
                <code>{m.resourceId}</code>: labels {m.labelTenant}/{m.labelRegion}, pin {m.pinTenant}/{m.pinRegion}
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}

const EMPTY_GRANT = { tenant: '', fromRegion: '', toRegion: '', actions: 'data-read', validFrom: '', validUntil: '', justification: '' };

function Exceptions({ report, store }: { report: ResidencyReport; store: StoreApi<ResidencyState> }) {
  const busy = useStore(store, (s) => s.busy);
  const [form, setForm] = useState(EMPTY_GRANT);
  const field = (k: keyof typeof EMPTY_GRANT) => ({ value: form[k], onChange: (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value }) });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const ok = await store.getState().grantException({
      tenant: form.tenant.trim(),
      fromRegion: form.fromRegion.trim(),
      toRegion: form.toRegion.trim(),
      actions: form.actions.split(/[\s,]+/).filter(Boolean),
      validFrom: new Date(form.validFrom).toISOString(),
      validUntil: new Date(form.validUntil).toISOString(),
      justification: form.justification,
    });
    if (ok) setForm(EMPTY_GRANT);
  };
  const valid = form.tenant && form.fromRegion && form.toRegion && form.validFrom && form.validUntil && !Number.isNaN(Date.parse(form.validFrom)) && !Number.isNaN(Date.parse(form.validUntil));
  return (
    <section className="panel" aria-labelledby="exceptions-title">
      <header className="panel-head">
        <h2 id="exceptions-title">Exceptions</h2>
        <span className="muted">{report.exceptions.filter((e) => e.status === 'in-force').length} in force</span>
      </header>
      {report.exceptions.length === 0 ? (
        <p className="empty">No residency exception has been recorded.</p>
      ) : (
        <DataTable columns={['Id', 'Tenant', 'Route', 'Actions', 'Window (UTC)', 'Status', 'Uses', 'Why', '']} testId="exceptions-table">
          {report.exceptions.map((e) => (
            <tr key={e.id}>
              <td>
                <code>{e.id}</code>
              </td>
              <td>{e.tenant}</td>
              <td className="nowrap">
                {e.fromRegion} → {e.toRegion}
              </td>
              <td>{e.actions.join(', ')}</td>
              <td className="nowrap">
                {e.validFrom} – {e.validUntil}
              </td>
              <td>
                <span className={`badge status-${e.status}`}>{e.status}</span>
              </td>
              <td className="num">{e.uses}</td>
              <td className="wrap">
                {e.justification} <span className="muted">({e.grantedBy})</span>
              </td>
              <td>
                {e.status !== 'revoked' && e.status !== 'expired' && (
                  <button type="button" className="button" disabled={busy} onClick={() => void store.getState().revokeException(e.id)}>
                    Revoke
                  </button>
                )}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      <form className="grant-form form-grid" aria-label="Grant a residency exception" onSubmit={(e) => void submit(e)}>
        <label>
          Tenant
          <input {...field('tenant')} placeholder="globex" />
        </label>
        <label>
          From region
          <input {...field('fromRegion')} placeholder="eu-central-1" />
        </label>
        <label>
          To region
          <input {...field('toRegion')} placeholder="us-west-2" />
        </label>
        <label>
          Actions
          <input {...field('actions')} placeholder="data-read" />
        </label>
        <label>
          Valid from (UTC)
          <input {...field('validFrom')} placeholder="2026-11-28T12:00:00Z" />
        </label>
        <label>
          Valid until (UTC, at most 90 days later)
          <input {...field('validUntil')} placeholder="2026-12-05T12:00:00Z" />
        </label>
        <label className="wide">
          Justification
          <textarea rows={2} {...field('justification')} />
        </label>
        <div className="form-actions">
          <button type="submit" className="button primary" disabled={busy || !valid}>
            Record exception
          </button>
        </div>
      </form>
    </section>
  );
}

function Violations({ report }: { report: ResidencyReport }) {
  const v = report.violations;
  return (
    <section className="panel" aria-labelledby="violations-title">
      <header className="panel-head">
        <h2 id="violations-title">Attempted violations</h2>
        <span className="muted" data-testid="violation-counts">
          {v.total} attempts: {v.denied} denied, {v.allowed} allowed without an exception · {report.crossingsUnderException.total} moves under an exception
        </span>
      </header>
      <ViolationsChart report={report} />
      {v.recent.length > 0 && (
        <DataTable
          columns={['When (UTC)', 'Actor', 'Action', 'Resource', 'Tenant', 'From → to', 'Outcome', 'Decision']}
          testId="violations-table"
          caption="Latest attempted violations, newest first"
        >
          {v.recent.map((x) => (
            <tr key={x.decisionId}>
              <td className="nowrap">{x.at}</td>
              <td>{x.actorId}</td>
              <td>
                <code>{x.action}</code>
              </td>
              <td>
                <code>
                  {x.resourceType}/{x.resourceId}
                </code>
              </td>
              <td>{x.tenant}</td>
              <td className="nowrap">
                {x.fromRegion} → {x.toRegion}
              </td>
              <td>
                <span className={`badge decision-${x.outcome === 'denied' ? 'deny' : 'allow'}`}>{x.outcome}</span>
              </td>
              <td>
                <code>{x.decisionId}</code>
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </section>
  );
}
