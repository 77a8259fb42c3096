import { useStores, useAudit } from '../../state/stores.tsx';
import { DataTable } from '../../components/DataTable.tsx';
import { ErrorPanel } from '../../components/ErrorPanel.tsx';
import { formatUtc } from '../../components/format.ts';
import type { AuditChainReport, AuditEvent } from '../../../shared/domain/audit.ts';
import { AuditAppealLink } from '../appeals/AuditAppealLink.tsx';

function ChainStatus({ chain }: { chain: AuditChainReport }) {
  return chain.ok ? (
    <span className="pill ok" data-testid="chain-status">Chain intact · {chain.checked} events re-hashed</span>
  ) : (
    <span className="pill bad" data-testid="chain-status">
      Chain broken at #{chain.firstBrokenSeq ?? '?'}: {chain.reason ?? 'no reason given'}
    </span>
  );
}

function reasonOf(e: AuditEvent): string {
  return typeof e.payload.reason === 'string' ? e.payload.reason : '';
}

/**
 * The hash-chained audit trail, newest first, with the chain re-verified by the workbench
 * (`audit.verifyChain`). New events arrive live and are fetched as they are announced.
 */
export function AuditSection() {
  const { audit } = useStores();
  const status = useAudit((s) => s.status);
  const events = useAudit((s) => s.events);
  const chain = useAudit((s) => s.chain);
  const error = useAudit((s) => s.error);
  const loadingEarlier = useAudit((s) => s.loadingEarlier);
  const newestFirst = [...events].reverse();
  const first = events[0]?.seq ?? 1;

  return (
    <section className="panel" aria-labelledby="audit-title">
      <header className="panel-head">
        <h2 id="audit-title">Audit trail</h2>
        <div className="panel-tools">
          {chain && <ChainStatus chain={chain} />}
          <button type="button" className="button" onClick={() => void audit.getState().load()} disabled={status === 'loading'}>
            Re-verify
          </button>
        </div>
      </header>
      {status === 'loading' && <p className="muted" role="status">Verifying the chain and loading events…</p>}
      {status === 'error' && error && <ErrorPanel error={error} context="Audit trail" onRetry={() => void audit.getState().load()} />}
      {status === 'ready' && (
        <>
          <DataTable
            columns={['#', 'Time', 'Actor', 'Action', 'Resource', 'Decision', 'Reason', 'Appeal']}
            testId="audit-table"
            caption={`Audit events, newest first (${events.length} shown)`}
          >
            {newestFirst.map((e) => (
              <tr key={e.seq}>
                <td className="num"><span title={`hash ${e.hash}`}>{e.seq}</span></td>
                <td className="nowrap">{formatUtc(e.at)}</td>
                <td>{e.actorId}</td>
                <td><code>{e.action}</code></td>
                <td className="wrap">{e.resourceType}/{e.resourceId}</td>
                <td><span className={`badge decision-${e.decision}`}>{e.decision}</span></td>
                <td className="wrap">{reasonOf(e)}</td>
                <td>{e.appealTicketId ? <AuditAppealLink ticketId={e.appealTicketId} /> : ''}</td>
              </tr>
            ))}
          </DataTable>
          <footer className="panel-foot">
            <span className="muted">
              {events.length ? `Events #${first}–#${events.at(-1)!.seq}` : 'No events yet'}
            </span>
            {first > 1 && (
              <button type="button" className="button" onClick={() => void audit.getState().loadEarlier()} disabled={loadingEarlier}>
                {loadingEarlier ? 'Loading…' : 'Load earlier events'}
              </button>
            )}
          </footer>
        </>
      )}
    </section>
  );
}
