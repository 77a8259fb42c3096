import { useState } from 'react';
import type { VerifyRequest } from '../../../shared/api/verify.ts';
import type { VerifyReport } from '../../../shared/domain/provenance.ts';
import { DataTable } from '../../components/DataTable.tsx';
import { formatUtc, shortHash } from '../../components/format.ts';

function Hex({ value }: { value: string | null }) {
  return value ? <code className="hex" title={value}>{value}</code> : <span className="muted">—</span>;
}

/** The verify report as the workbench returned it: verdict, pack, Merkle root, plugins, files. */
export function VerifyReportView({ report, request }: { report: VerifyReport; request: VerifyRequest | undefined }) {
  const [problemsOnly, setProblemsOnly] = useState(false);
  const files = problemsOnly ? report.files.filter((f) => f.status !== 'ok') : report.files;
  const { pack, merkle, counts } = report;
  return (
    <section className="panel" aria-labelledby="report-title" data-testid="verify-report">
      <header className={`verdict ${report.verified ? 'verdict-ok' : 'verdict-bad'}`}>
        <h2 id="report-title" data-testid="verdict">{report.verified ? 'Verified' : 'Not verified'}</h2>
        <span>
          {request?.path && <code>{request.path}</code>} at {formatUtc(report.referenceTime)}
        </span>
      </header>

      {report.errors.length > 0 && (
        <div className="report-block">
          <h3>Errors</h3>
          <ul className="problems" data-testid="verify-errors">
            {report.errors.map((e, i) => (
              <li key={i}>{e}</li>
            ))}
          </ul>
        </div>
      )}
      {report.warnings.length > 0 && (
        <div className="report-block">
          <h3>Warnings</h3>
          <ul className="warnings">
            {report.warnings.map((w, i) => (
              <li key={i}>{w}</li>
            ))}
          </ul>
        </div>
      )}

      <dl className="facts">
        <dt>Pack format</dt>
        <dd>{pack.formatVersion ?? '—'}</dd>
        <dt>Created</dt>
        <dd>{pack.createdAt ? formatUtc(pack.createdAt) : '—'}</dd>
        <dt>Signer</dt>
        <dd>{pack.signer ? <>{pack.signer.subject} <span className="muted">({pack.signer.kind})</span></> : '—'}</dd>
        <dt>Key fingerprint</dt>
        <dd><Hex value={pack.signer?.keyFingerprint ?? null} /></dd>
        <dt>Manifest SHA-256</dt>
        <dd><Hex value={pack.manifestSha256} /></dd>
        <dt>Merkle root</dt>
        <dd>
          <span className={`badge ${merkle.match ? 'decision-allow' : 'decision-deny'}`}>{merkle.match ? 'match' : 'mismatch'}</span>{' '}
          <Hex value={merkle.computedRoot} />
          {!merkle.match && (
            <div className="muted">
              expected <Hex value={merkle.expectedRoot} />
            </div>
          )}
        </dd>
      </dl>

      <div className="report-block">
        <h3>Attestations</h3>
        {report.plugins.length === 0 ? (
          <p className="muted">No attestation plugin ran.</p>
        ) : (
          <DataTable columns={['Plugin', 'Result', 'Errors', 'Warnings', 'Details']} testId="plugin-table">
            {report.plugins.map((p) => (
              <tr key={p.name}>
                <td><code>{p.name}</code></td>
                <td><span className={`badge ${p.ok ? 'decision-allow' : 'decision-deny'}`}>{p.ok ? 'ok' : 'failed'}</span></td>
                <td className="wrap">{p.errors.join('; ')}</td>
                <td className="wrap">{p.warnings.join('; ')}</td>
                <td className="wrap"><PluginDetails details={p.details} /></td>
              </tr>
            ))}
          </DataTable>
        )}
      </div>

      <div className="report-block">
        <div className="panel-head">
          <h3>
            Files{' '}
            <span className="counts">
              <span className="pill ok">{counts.ok} ok</span>
              <span className={`pill ${counts.missing ? 'bad' : 'info'}`}>{counts.missing} missing</span>
              <span className={`pill ${counts.modified ? 'bad' : 'info'}`}>{counts.modified} modified</span>
              <span className={`pill ${counts.unexpected ? 'warn' : 'info'}`}>{counts.unexpected} unexpected</span>
            </span>
          </h3>
          <label className="check">
            <input type="checkbox" checked={problemsOnly} onChange={(e) => setProblemsOnly(e.target.checked)} />
            Only problems
          </label>
        </div>
        <DataTable columns={['Path', 'Status', 'Size (expected / actual)', 'SHA-256 (expected)', 'SHA-256 (actual)']} testId="file-table">
          {files.map((f) => (
            <tr key={f.path}>
              <td className="wrap"><code>{f.path}</code></td>
              <td><span className={`badge file-${f.status}`}>{f.status}</span></td>
              <td className="num">{f.expectedSize ?? '—'} / {f.actualSize ?? '—'}</td>
              <td><code title={f.expectedSha256 ?? ''}>{shortHash(f.expectedSha256)}</code></td>
              <td><code title={f.actualSha256 ?? ''}>{shortHash(f.actualSha256)}</code></td>
            </tr>
          ))}
        </DataTable>
      </div>
    </section>
  );
}

/** Plugin facts worth reading: scalars as `key: value`, certificate chains as subjects, nested checks summarised. */
function PluginDetails({ details }: { details: Record<string, unknown> }) {
  const rows: Array<[string, string]> = [];
  for (const [k, v] of Object.entries(details)) {
    if (v === null || v === undefined) continue;
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') rows.push([k, String(v)]);
    else if (Array.isArray(v) && v.every((x) => x && typeof x === 'object' && 'subject' in x)) rows.push([k, v.map((x) => String((x as { subject: unknown }).subject)).join(' → ')]);
    else if (!Array.isArray(v) && typeof v === 'object' && 'checked' in v) rows.push([k, (v as { checked: boolean }).checked ? `checked (${JSON.stringify(v)})` : 'not checked']);
  }
  if (rows.length === 0) return <span className="muted">—</span>;
  return (
    <dl className="plugin-details">
      {rows.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd><code>{v}</code></dd>
        </div>
      ))}
    </dl>
  );
}
