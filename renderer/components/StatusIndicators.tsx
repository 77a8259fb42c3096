import { useShell } from '../state/stores.tsx';
import type { ConnectionStatus } from '../transport/event-socket.ts';

const LIVE_TEXT: Record<ConnectionStatus, string> = {
  idle: 'Live updates off',
  connecting: 'Connecting…',
  open: 'Live',
  reconnecting: 'Reconnecting…',
};

/**
 * Whether the workbench needs a network, whether there is one, and whether live updates
 * flow. A local store works with no network at all; a shared PostgreSQL store does not.
 */
export function StatusIndicators() {
  const info = useShell((s) => s.info);
  const online = useShell((s) => s.online);
  const connection = useShell((s) => s.connection);
  if (!info) return null;
  const networkNeeded = !info.offline;
  return (
    <div className="status-indicators" role="status" aria-live="polite" aria-label="Connection status">
      {info.offline ? (
        <span className="pill ok" title="Nothing configured reaches the network: the workbench works fully offline.">Offline-ready</span>
      ) : (
        <span className="pill info" title="A shared store or a remote source is configured: some work needs the network.">Uses network</span>
      )}
      {!online && (
        <span className={`pill ${networkNeeded ? 'bad' : 'warn'}`} data-testid="no-network">
          {networkNeeded ? 'No network: shared store unreachable' : 'No network'}
        </span>
      )}
      {connection && <span className={`pill ${connection.status === 'open' ? 'ok' : 'warn'}`}>{LIVE_TEXT[connection.status]}</span>}
    </div>
  );
}
