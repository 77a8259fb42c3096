import { useShell, useStores } from '../../state/stores.tsx';
import type { ViewProps } from '../view-props.ts';
import type { AppealsClient } from './appeals-client.ts';
import { AppealsScreen } from './AppealsScreen.tsx';

function navigate(hash: string): void {
  window.location.hash = hash;
}

/**
 * The Appeals view as the shell mounts it (`VIEWS.appeals`): the shell's client and the
 * actor the session acts as. Switching actors re-keys everything below, so nothing from one
 * actor's view of the queue survives into another's.
 */
export function AppealsView({ route }: ViewProps) {
  const { client } = useStores();
  const actor = useShell((s) => s.session?.actor);
  if (!actor) return <p className="muted">Waiting for the session…</p>;
  // The shell's client carries every namespace of the contract; this view uses `appeals`.
  return <AppealsScreen client={client as unknown as AppealsClient} actor={actor} route={route} navigate={navigate} />;
}
