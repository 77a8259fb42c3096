import { useStores, useEvidence, useShell } from '../../state/stores.tsx';
import { DataTable } from '../../components/DataTable.tsx';
import { ErrorPanel } from '../../components/ErrorPanel.tsx';
import { distinctSorted, formatUtc, shortHash } from '../../components/format.ts';

/** Evidence items the current actor may read, through `evidence.list` (every read is decided and audited). */
export function EvidenceSection() {
  const { evidence } = useStores();
  const status = useEvidence((s) => s.status);
  const items = useEvidence((s) => s.items);
  const filter = useEvidence((s) => s.filter);
  const error = useEvidence((s) => s.error);
  const nextAfterId = useEvidence((s) => s.nextAfterId);
  const loadingMore = useEvidence((s) => s.loadingMore);
  const actors = useShell((s) => s.actors);
  // The tenants and regions the store's actors work in are the ones evidence is labelled with.
  const tenants = distinctSorted(actors.map((a) => a.tenant));
  const regions = distinctSorted(actors.map((a) => a.region));

  return (
    <section className="panel" aria-labelledby="evidence-title">
      <header className="panel-head">
        <h2 id="evidence-title">Evidence</h2>
        <form className="filters" aria-label="Evidence filters" onSubmit={(e) => e.preventDefault()}>
          <label>
            Tenant
            <select value={filter.tenant} onChange={(e) => void evidence.getState().load({ ...filter, tenant: e.target.value })}>
              <option value="">All tenants</option>
              {tenants.map((t) => (
                <option key={t} value={t}>{t}</option>
              ))}
            </select>
          </label>
          <label>
            Region
            <select value={filter.region} onChange={(e) => void evidence.getState().load({ ...filter, region: e.target.value })}>
              <option value="">All regions</option>
              {regions.map((r) => (
                <option key={r} value={r}>{r}</option>
              ))}
            </select>
          </label>
          <button type="button" className="button" onClick={() => void evidence.getState().load()} disabled={status === 'loading'}>
            Refresh
          </button>
        </form>
      </header>
      {status === 'loading' && <p className="muted" role="status">Loading evidence…</p>}
      {status === 'error' && error && <ErrorPanel error={error} context="Evidence" onRetry={() => void evidence.getState().load()} />}
      {status === 'ready' && items.length === 0 && <p className="empty">No evidence matches these filters.</p>}
      {status === 'ready' && items.length > 0 && (
        <>
          <DataTable
            columns={['ID', 'Title', 'Kind', 'Tenant', 'Region', 'Sensitivity', 'Purpose', 'Created', 'SHA-256']}
            testId="evidence-table"
            caption={`Evidence items (${items.length} shown)`}
          >
            {items.map((item) => (
              <tr key={item.id}>
                <td><code>{item.id}</code></td>
                <td className="wrap">{item.title}</td>
                <td>{item.kind}</td>
                <td>{item.labels.tenant}</td>
                <td>{item.labels.region}</td>
                <td><span className={`badge sens-${item.labels.sensitivity}`}>{item.labels.sensitivity}</span></td>
                <td>{item.labels.purpose}</td>
                <td className="nowrap">{formatUtc(item.createdAt)}</td>
                <td><code title={item.sha256 ?? 'no content'}>{shortHash(item.sha256)}</code></td>
              </tr>
            ))}
          </DataTable>
          <footer className="panel-foot">
            <span className="muted">{items.length} item{items.length === 1 ? '' : 's'}</span>
            {nextAfterId && (
              <button type="button" className="button" onClick={() => void evidence.getState().loadMore()} disabled={loadingMore}>
                {loadingMore ? 'Loading…' : 'Load more'}
              </button>
            )}
          </footer>
        </>
      )}
    </section>
  );
}
