import type { FormEvent } from 'react';
import { useStore, type StoreApi } from 'zustand';
import { DOWNLOADS, type AuditPackBuild, type BuildDetail } from '../../../shared/api/auditpack.ts';
import { DataTable } from '../../components/DataTable.tsx';
import { ActionFeedback } from '../../components/ActionFeedback.tsx';
import { ErrorPanel } from '../../components/ErrorPanel.tsx';
import { windowAuditPackClient, type AuditPackClient } from './auditpack-client.ts';
import { DOWNLOAD_LABELS, SECTION_TITLES, formatBytes, groupBySection, progressText } from './auditpack-format.ts';
import { createAuditPackStore, type AuditPackState } from './auditpack-store.ts';
import { usePolicyFollowingStore } from '../use-policy-following-store.ts';
import { saveDownload } from './download.ts';
import './auditpack.css';

let nextProgress = 0;
const newProgressId = () => `auditpack-build-${Date.now()}-${++nextProgress}`;

/**
 * The audit pack: one click builds the signed, reproducible pack an auditor verifies
 * offline (progress live while it builds); past builds with their digests; each build's
 * files by section; and downloads of the pack, its index and its control map.
 */
export function AuditPackView({ client, store: given }: { client?: AuditPackClient; store?: StoreApi<AuditPackState> } = {}) {
  const store = usePolicyFollowingStore(given, client, windowAuditPackClient, (c) => createAuditPackStore(c, newProgressId));
  const notice = useStore(store, (s) => s.notice);
  const actionError = useStore(store, (s) => s.actionError);

  return (
    <article className="view auditpack-view" aria-labelledby="view-title">
      <header className="view-head">
        <h1 id="view-title">Audit pack</h1>
        <p className="lede">
          One signed, reproducible archive of the evidence an auditor signs off on: policies, simulations, provenance packs, SLO and chaos evidence, budgets, the
          audit trail and its chain check, residency, appeal decisions, an SBOM and the control map. The same store and reference time give the same bytes;{' '}
          <code>prov-verify verify</code> checks it offline.
        </p>
      </header>
      <ActionFeedback notice={notice} error={actionError} context="Audit pack" noticeTestId="auditpack-notice" />
      <BuildPanel store={store} />
      <BuildsPanel store={store} />
      <DetailPanel store={store} />
    </article>
  );
}

function BuildPanel({ store }: { store: StoreApi<AuditPackState> }) {
  const form = useStore(store, (s) => s.form);
  const run = useStore(store, (s) => s.run);
  const running = run.status === 'running';
  const set = store.getState().setForm;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void store.getState().build();
  };
  return (
    <section className="panel" aria-labelledby="build-title">
      <header className="panel-head">
        <h2 id="build-title">Build a pack</h2>
      </header>
      <form className="build-form form-grid" aria-label="Build an audit pack" onSubmit={submit}>
        <label>
          Organisation
          <input type="text" value={form.org} onChange={(e) => set({ org: e.target.value })} disabled={running} required data-testid="auditpack-org" />
        </label>
        <label>
          Reference time (UTC)
          <input type="text" value={form.at} placeholder="now (or 2026-11-28T12:00:00Z)" onChange={(e) => set({ at: e.target.value })} disabled={running} data-testid="auditpack-at" />
          <span className="help">Every judgement (stale, in force, SLA) is made as of this time.</span>
        </label>
        <label>
          From (UTC)
          <input type="text" value={form.from} placeholder="365 days before the reference time" onChange={(e) => set({ from: e.target.value })} disabled={running} />
        </label>
        <label>
          To (UTC, exclusive)
          <input type="text" value={form.to} placeholder="the reference time" onChange={(e) => set({ to: e.target.value })} disabled={running} />
        </label>
        <div className="form-actions">
          <button className="button primary" type="submit" disabled={running || form.org.trim() === ''} data-testid="auditpack-build">
            {running ? 'Building audit pack…' : 'Build audit pack'}
          </button>
          {running && (
            <button className="button" type="button" onClick={() => void store.getState().cancel()}>
              Cancel
            </button>
          )}
        </div>
      </form>
      {running && (
        <div className="build-progress" role="status" data-testid="auditpack-progress">
          {run.progress ? (
            <>
              <span>{progressText(run.progress)}</span>{' '}
              {run.progress.total !== null && run.progress.total > 0 ? (
                <progress max={run.progress.total} value={Math.min(run.progress.done, run.progress.total)} aria-label="Build progress" />
              ) : (
                <progress aria-label="Build progress" />
              )}
            </>
          ) : (
            'Starting the build…'
          )}
        </div>
      )}
      {run.status === 'done' && run.result && (
        <p className="verdict verdict-ok" data-testid="auditpack-built">
          Built <code>{run.result.fileName}</code>: {run.result.index.files} files, {formatBytes(run.result.bytes)}; controls {run.result.controls.present} present,{' '}
          {run.result.controls.stale} stale, {run.result.controls.missing} missing.
        </p>
      )}
      {run.status === 'error' && run.error && <ErrorPanel error={run.error} context="Build audit pack" />}
    </section>
  );
}

function BuildsPanel({ store }: { store: StoreApi<AuditPackState> }) {
  const status = useStore(store, (s) => s.status);
  const list = useStore(store, (s) => s.list);
  const error = useStore(store, (s) => s.error);
  const selectedId = useStore(store, (s) => s.selectedId);
  return (
    <section className="panel" aria-labelledby="builds-title">
      <header className="panel-head">
        <h2 id="builds-title">Past builds</h2>
        {list?.running && (
          <span className="muted" data-testid="auditpack-running">
            {list.running.org} is being built by {list.running.startedBy} since {list.running.startedAt}
          </span>
        )}
      </header>
      {status === 'loading' && (
        <p className="muted" role="status">
          Loading builds…
        </p>
      )}
      {status === 'error' && error && <ErrorPanel error={error} context="Past builds" onRetry={() => void store.getState().load()} />}
      {list && list.builds.length === 0 && <p className="empty">No audit pack has been built yet.</p>}
      {list && list.builds.length > 0 && (
        <DataTable columns={['Built (UTC)', 'By', 'Organisation', 'As of', 'Files', 'Size', 'Controls', 'SHA-256', '']} testId="auditpack-builds">
          {list.builds.map((b) => (
            <tr key={b.id} aria-current={b.id === selectedId ? 'true' : undefined} className={b.id === selectedId ? 'selected' : undefined}>
              <td className="nowrap">{b.createdAt}</td>
              <td>{b.createdBy}</td>
              <td>{b.org}</td>
              <td className="nowrap">{b.at}</td>
              <td className="num">{b.index.files}</td>
              <td className="num">{formatBytes(b.bytes)}</td>
              <td>
                <ControlCounts build={b} />
              </td>
              <td>
                <code className="hex" title={b.sha256}>
                  {b.sha256.slice(0, 16)}…
                </code>
              </td>
              <td>
                <button type="button" className="button" onClick={() => void store.getState().select(b.id)} aria-label={`Show files of ${b.fileName}`}>
                  Show files
                </button>
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      {list && list.problems.length > 0 && (
        <ul className="problems" aria-label="Unreadable build records">
          {list.problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
    </section>
  );
}

function ControlCounts({ build }: { build: AuditPackBuild }) {
  const c = build.controls;
  return (
    <span className="counts">
      <span className="pill ok">{c.present} present</span>
      {c.stale > 0 && <span className="pill warn">{c.stale} stale</span>}
      {c.missing > 0 && <span className="pill bad">{c.missing} missing</span>}
    </span>
  );
}

function DetailPanel({ store }: { store: StoreApi<AuditPackState> }) {
  const detail = useStore(store, (s) => s.detail);
  if (!detail) return null;
  if (detail.status === 'loading') {
    return (
      <p className="muted" role="status">
        Loading {detail.buildId}…
      </p>
    );
  }
  if (detail.status === 'error' && detail.error) return <ErrorPanel error={detail.error} context={`Build ${detail.buildId}`} />;
  return detail.data ? <BuildFiles data={detail.data} store={store} /> : null;
}

function BuildFiles({ data, store }: { data: BuildDetail; store: StoreApi<AuditPackState> }) {
  const { build, index } = data;
  const downloading = useStore(store, (s) => s.downloading);
  const download = async (what: (typeof DOWNLOADS)[number]) => {
    const file = await store.getState().download(build.id, what);
    if (file) saveDownload(file);
  };
  return (
    <section className="panel" aria-labelledby="detail-title" data-testid="auditpack-detail">
      <header className="panel-head">
        <h2 id="detail-title">{build.fileName}</h2>
        <a className="button" href="#/control-map">
          Control map
        </a>
      </header>
      <dl className="facts build-facts">
        <dt>SHA-256 of the pack</dt>
        <dd>
          <code className="hex" data-testid="auditpack-sha256">
            {build.sha256}
          </code>
        </dd>
        <dt>Merkle root</dt>
        <dd>
          <code className="hex" data-testid="auditpack-merkle-root">
            {build.merkleRoot}
          </code>
        </dd>
        <dt>Signed by</dt>
        <dd>
          workbench key <code className="hex">{build.signerKeyId}</code>
        </dd>
        <dt>Period</dt>
        <dd>
          <time dateTime={build.period.from}>{build.period.from}</time> – <time dateTime={build.period.to}>{build.period.to}</time>, as of{' '}
          <time dateTime={build.at}>{build.at}</time>
        </dd>
        <dt>Built</dt>
        <dd>
          {build.createdAt} by {build.createdBy}
        </dd>
      </dl>
      <div className="downloads" role="group" aria-label="Downloads">
        {DOWNLOADS.map((what) => (
          <button key={what} type="button" className="button" disabled={downloading !== undefined} onClick={() => void download(what)} data-testid={`download-${what}`}>
            {DOWNLOAD_LABELS[what]}
          </button>
        ))}
      </div>
      <div className="table-wrap">
        <table className="data-table files-table" data-testid="auditpack-files">
          <caption className="sr-only">Files of the pack, by section</caption>
          <thead>
            <tr>
              <th scope="col">Path</th>
              <th scope="col">Title</th>
              <th scope="col">Type</th>
              <th scope="col">Size</th>
              <th scope="col">Records</th>
              <th scope="col">SHA-256</th>
            </tr>
          </thead>
          {groupBySection(index.entries).map((g) => (
            <tbody key={g.section}>
              <tr className="section-row">
                <th scope="rowgroup" colSpan={6}>
                  {SECTION_TITLES[g.section]} <span className="muted">({g.section}/ · {g.entries.length} files, {formatBytes(g.bytes)})</span>
                </th>
              </tr>
              {g.entries.map((e) => (
                <tr key={e.path}>
                  <td>
                    <code>{e.path}</code>
                  </td>
                  <td className="wrap">{e.title}</td>
                  <td className="nowrap">{e.mediaType}</td>
                  <td className="num">{formatBytes(e.size)}</td>
                  <td className="num">{e.records ?? ''}</td>
                  <td>
                    <code className="hex" title={e.sha256}>
                      {e.sha256.slice(0, 12)}…
                    </code>
                  </td>
                </tr>
              ))}
            </tbody>
          ))}
        </table>
      </div>
    </section>
  );
}
