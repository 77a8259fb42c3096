import { WorkbenchError } from '../../shared/api/errors.ts';
import type { CallContext } from '../../shared/api/contract.ts';
import type { Actor } from '../../shared/domain/actors.ts';
import type { SessionView } from '../../shared/api/system.ts';
import type { Store } from '../store/store.ts';
import type { Pdp } from '../policy/pdp.ts';

/** Role preference for the actor a session gets when it names none. */
const DEFAULT_ROLE_ORDER = ['auditor', 'admin', 'ombuds', 'data_steward', 'analyst'];

/**
 * Who a call acts as. The workbench is a single-user desktop program: the launch token
 * (HTTP) or the window (IPC) authenticates the local user, who may act as any actor of the
 * store (the actor switcher). Every sensitive action is still decided for that actor.
 */
export class SessionService {
  readonly #store: Store;
  readonly #pdp: Pdp;

  constructor(deps: { store: Store; pdp: Pdp }) {
    this.#store = deps.store;
    this.#pdp = deps.pdp;
  }

  async actor(ctx: CallContext): Promise<Actor> {
    const id = ctx.session.actorId;
    if (id !== undefined) {
      const actor = await this.#store.getActor(id);
      if (!actor) throw new WorkbenchError('UNAUTHENTICATED', `unknown actor ${JSON.stringify(id)}`, { actorId: id });
      return actor;
    }
    const actors = await this.#store.listActors();
    const preferred = DEFAULT_ROLE_ORDER.map((role) => actors.find((a) => a.roles.includes(role))).find(Boolean) ?? actors[0];
    if (!preferred) throw new WorkbenchError('UNAVAILABLE', 'the store has no actors yet');
    return preferred;
  }

  async actors(): Promise<Actor[]> {
    return this.#store.listActors();
  }

  async whoami(ctx: CallContext): Promise<SessionView> {
    return { actor: await this.actor(ctx), epoch: this.#pdp.epoch() };
  }
}
