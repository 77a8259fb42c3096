import { useShell } from '../state/stores.tsx';
import { ErrorPanel } from './ErrorPanel.tsx';

export function rolesText(roles: readonly string[]): string {
  return roles.length ? roles.join(', ') : 'no role';
}

/**
 * Who the local user acts as. Every sensitive call is decided for this actor; switching
 * re-asks the workbench (`session.whoami`) and shows what it says.
 */
export function ActorSwitcher() {
  const actors = useShell((s) => s.actors);
  const session = useShell((s) => s.session);
  const switching = useShell((s) => s.switching);
  const switchError = useShell((s) => s.switchError);
  const switchActor = useShell((s) => s.switchActor);
  if (!session) return null;
  const { actor } = session;
  return (
    <div className="actor-switcher">
      <label htmlFor="actor-select">Acting as</label>
      <select
        id="actor-select"
        value={actor.id}
        disabled={switching}
        aria-describedby="actor-summary"
        onChange={(e) => void switchActor(e.target.value)}
      >
        {actors.map((a) => (
          <option key={a.id} value={a.id}>
            {a.displayName} ({rolesText(a.roles)})
          </option>
        ))}
      </select>
      <span id="actor-summary" className="actor-summary" data-testid="actor-summary">
        <span className="role-badge">{rolesText(actor.roles)}</span>
        <span className="muted">
          {actor.tenant} · {actor.region}
        </span>
      </span>
      {switchError && (
        <div className="popover">
          <ErrorPanel error={switchError} context="Switching actor" />
        </div>
      )}
    </div>
  );
}
