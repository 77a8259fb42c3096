import { useEffect, useRef, type KeyboardEvent } from 'react';
import { useStore, type StoreApi } from 'zustand';
import type { ControlMapResult } from '../../../shared/api/auditpack.ts';
import { ActionFeedback } from '../../components/ActionFeedback.tsx';
import { DataTable } from '../../components/DataTable.tsx';
import { ErrorPanel } from '../../components/ErrorPanel.tsx';
import { windowAuditPackClient, type AuditPackClient } from '../auditpack/auditpack-client.ts';
import { formatBytes } from '../auditpack/auditpack-format.ts';
import { saveDownload } from '../auditpack/download.ts';
import { usePolicyFollowingStore } from '../use-policy-following-store.ts';
import { createControlMapStore, statusCounts, visibleRows, type ControlMapState, type FrameworkFilter, type StatusFilter } from './controlmap-store.ts';
import './controlmap.css';

const FRAMEWORKS: Array<[FrameworkFilter, string]> = [
  ['all', 'All'],
  ['SOC2', 'SOC 2'],
  ['ISO27001', 'ISO/IEC 27001:2022'],
];
const STATUSES: Array<[StatusFilter, string]> = [
  ['all', 'Any status'],
  ['present', 'Present'],
  ['stale', 'Stale'],
  ['missing', 'Missing'],
];

/**
 * Every control the workbench maps (its own id, the SOC 2 trust services criteria and
 * ISO/IEC 27001:2022 Annex A ids it supports), the evidence inside the latest audit pack
 * and whether that evidence is present, stale or missing. Evidence opens in a panel, read
 * from the pack and checked against its index.
 */
export function ControlMapView({ client, store: given }: { client?: AuditPackClient; store?: StoreApi<ControlMapState> } = {}) {
  const store = usePolicyFollowingStore(given, client, windowAuditPackClient, createControlMapStore);
  const status = useStore(store, (s) => s.status);
  const result = useStore(store, (s) => s.result);
  const error = useStore(store, (s) => s.error);
  const notice = useStore(store, (s) => s.notice);
  const actionError = useStore(store, (s) => s.actionError);

  return (
    <article className="view controlmap-view" aria-labelledby="view-title">
      <header className="view-head">
        <h1 id="view-title">Control map</h1>
        <p className="lede">
          Each workbench control mapped to SOC 2 trust services criteria and ISO/IEC 27001:2022 Annex A controls (ids only), with the evidence in the audit pack that
          supports it and whether that evidence is present, stale or missing.
        </p>
      </header>
      <ActionFeedback notice={notice} error={actionError} context="Control map" />
      {status === 'loading' && (
        <p className="muted" role="status">
          Loading the control map…
        </p>
      )}
      {status === 'error' && error && <ErrorPanel error={error} context="Control map" onRetry={() => void store.getState().load()} />}
      {result && result.build === null && (
        <section className="panel" data-testid="controlmap-empty">
          <p className="empty">{result.message ?? 'No audit pack has been built yet.'}</p>
          <a className="button primary" href="#/audit-pack">
            Build an audit pack
          </a>
        </section>
      )}
      {result && result.build !== null && <MapPanel result={result} store={store} />}
      <EvidencePanel store={store} />
    </article>
  );
}

function MapPanel({ result, store }: { result: ControlMapResult; store: StoreApi<ControlMapState> }) {
  const framework = useStore(store, (s) => s.framework);
  const statusFilter = useStore(store, (s) => s.statusFilter);
  const downloading = useStore(store, (s) => s.downloading);
  const build = result.build!;
  const inFramework = visibleRows(result.rows, framework, 'all');
  const rows = visibleRows(result.rows, framework, statusFilter);
  const counts = statusCounts(inFramework);
  const download = async (what: 'control-map.json' | 'control-map.csv' | 'control-map.pdf') => {
    const file = await store.getState().download(what);
    if (file) saveDownload(file);
  };
  return (
    <section className="panel" aria-labelledby="map-title">
      <header className="panel-head">
        <h2 id="map-title">Controls</h2>
        <div className="panel-tools">
          <span className="muted">
            from <code>{build.fileName}</code>, as of <time dateTime={build.at}>{build.at}</time>
          </span>
          <button type="button" className="button" disabled={downloading} onClick={() => void download('control-map.json')} data-testid="controlmap-download-json">
            JSON
          </button>
          <button type="button" className="button" disabled={downloading} onClick={() => void download('control-map.csv')} data-testid="controlmap-download-csv">
            CSV
          </button>
          <button type="button" className="button" disabled={downloading} onClick={() => void download('control-map.pdf')} data-testid="controlmap-download-pdf">
            PDF
          </button>
        </div>
      </header>
      <div className="filters controlmap-filters">
        <fieldset className="framework-filter">
          <legend>Framework</legend>
          {FRAMEWORKS.map(([value, label]) => (
            <label key={value} className="check">
              <input type="radio" name="controlmap-framework" value={value} checked={framework === value} onChange={() => store.getState().setFramework(value)} />
              {label}
            </label>
          ))}
        </fieldset>
        <label>
          Status
          <select value={statusFilter} onChange={(e) => store.getState().setStatusFilter(e.target.value as StatusFilter)} data-testid="controlmap-status-filter">
            {STATUSES.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <p className="counts" data-testid="controlmap-counts" aria-live="polite">
          <span className="pill info">{counts.total} controls</span>
          <span className="pill ok">{counts.present} present</span>
          <span className="pill warn">{counts.stale} stale</span>
          <span className="pill bad">{counts.missing} missing</span>
        </p>
      </div>
      {rows.length === 0 ? (
        <p className="empty">No control matches these filters.</p>
      ) : (
        <DataTable columns={['Control', 'Title', 'SOC 2', 'ISO 27001', 'Evidence', 'Status']} testId="controlmap-table" caption="Controls, their criteria, evidence and status">
          {rows.map((r) => (
            <tr key={r.controlId} data-control={r.controlId}>
              <th scope="row">
                <code>{r.controlId}</code>
                <div className="muted kind">{r.kind === 'user-action' ? 'user action' : 'system control'}</div>
              </th>
              <td className="wrap">{r.title}</td>
              <td>
                <Ids ids={r.soc2} />
              </td>
              <td>
                <Ids ids={r.iso27001} />
              </td>
              <td>
                <ul className="evidence-list">
                  {r.evidence.map((p) => (
                    <li key={p}>
                      <button type="button" className="link-button" onClick={() => void store.getState().openEvidence(p)} aria-label={`Open evidence ${p} for ${r.controlId}`}>
                        <code>{p}</code>
                      </button>
                    </li>
                  ))}
                </ul>
              </td>
              <td className="wrap">
                <span className={`badge control-${r.status}`} data-testid="control-status">
                  {r.status}
                </span>
                {r.statusReason && <div className="muted reason">{r.statusReason}</div>}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </section>
  );
}

function Ids({ ids }: { ids: readonly string[] }) {
  if (ids.length === 0) return <span className="muted">—</span>;
  return (
    <span className="ids">
      {ids.map((id) => (
        <code key={id} className="criterion">
          {id}
        </code>
      ))}
    </span>
  );
}

function EvidencePanel({ store }: { store: StoreApi<ControlMapState> }) {
  const evidence = useStore(store, (s) => s.evidence);
  const heading = useRef<HTMLHeadingElement>(null);
  const path = evidence?.path;
  useEffect(() => {
    // Move focus to the panel it opened, so keyboard and screen-reader users land on the evidence.
    if (path !== undefined) heading.current?.focus();
  }, [path]);
  if (!evidence) return null;
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Escape') store.getState().closeEvidence();
  };
  const v = evidence.view;
  return (
    <section className="panel evidence-panel" aria-labelledby="evidence-title" data-testid="evidence-panel" onKeyDown={onKey}>
      <header className="panel-head">
        <h2 id="evidence-title" tabIndex={-1} ref={heading}>
          Evidence: <code>{evidence.path}</code>
        </h2>
        <button type="button" className="button" onClick={() => store.getState().closeEvidence()}>
          Close
        </button>
      </header>
      {evidence.status === 'loading' && (
        <p className="muted" role="status">
          Reading {evidence.path} from the pack…
        </p>
      )}
      {evidence.status === 'error' && evidence.error && <ErrorPanel error={evidence.error} context={`Evidence ${evidence.path}`} />}
      {v && v.kind === 'file' && v.entry && (
        <>
          <dl className="facts">
            <dt>Title</dt>
            <dd>{v.entry.title}</dd>
            <dt>Section</dt>
            <dd>{v.entry.section}</dd>
            <dt>Type</dt>
            <dd>
              {v.entry.mediaType}, {formatBytes(v.entry.size)}
              {v.entry.records !== undefined ? `, ${v.entry.records} records` : ''}
            </dd>
            {v.entry.asOf && (
              <>
                <dt>Evidence as of</dt>
                <dd>
                  <time dateTime={v.entry.asOf}>{v.entry.asOf}</time>
                </dd>
              </>
            )}
            <dt>SHA-256</dt>
            <dd>
              <code className="hex">{v.entry.sha256}</code>{' '}
              {v.verified && (
                <span className="pill ok" data-testid="evidence-verified">
                  matches the index
                </span>
              )}
            </dd>
          </dl>
          {v.text !== null ? (
            <pre className="evidence-text" data-testid="evidence-text" tabIndex={0} aria-label={`Content of ${v.path}`}>
              {v.text}
            </pre>
          ) : (
            <p className="muted" data-testid="evidence-note">
              {v.note}
            </p>
          )}
        </>
      )}
      {v && v.kind === 'folder' && (
        <>
          <p className="muted">{v.note}</p>
          <ul className="evidence-list" data-testid="evidence-children">
            {v.children.map((e) => (
              <li key={e.path}>
                <button type="button" className="link-button" onClick={() => void store.getState().openEvidence(e.path)}>
                  <code>{e.path}</code>
                </button>{' '}
                <span className="muted">
                  {e.title} · {formatBytes(e.size)}
                </span>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
