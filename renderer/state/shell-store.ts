import { createStore, type StoreApi } from 'zustand/vanilla';
import type { WorkbenchClient } from '../../shared/api/client.ts';
import { asWorkbenchError, type WorkbenchError } from '../../shared/api/errors.ts';
import type { SessionView, SystemInfo } from '../../shared/api/system.ts';
import type { Actor } from '../../shared/domain/actors.ts';
import type { ConnectionState } from '../transport/event-socket.ts';

/** The chosen actor survives a reload of this tab, not a new launch. */
export const ACTOR_STORAGE_KEY = 'workbench.actorId';

export interface ShellState {
  phase: 'booting' | 'ready' | 'failed';
  info: SystemInfo | undefined;
  actors: Actor[];
  session: SessionView | undefined;
  bootError: WorkbenchError | undefined;
  switching: boolean;
  switchError: WorkbenchError | undefined;
  /** `navigator.onLine`: whether this machine has a network at all. */
  online: boolean;
  /** The browser-mode event socket; undefined in the desktop app, where IPC cannot drop. */
  connection: ConnectionState | undefined;
  boot(): Promise<void>;
  switchActor(actorId: string): Promise<void>;
  refreshSession(): Promise<void>;
  setOnline(online: boolean): void;
  setConnection(connection: ConnectionState | undefined): void;
}

export interface ShellDeps {
  client: WorkbenchClient;
  storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;
  online: boolean;
}

/**
 * The shell's state: what the workbench runs with, who acts, and whether it is reachable.
 * Who acts lives in the client's session header; this store mirrors what `session.whoami`
 * says about it, never what the UI merely asked for.
 */
export function createShellStore({ client, storage, online }: ShellDeps): StoreApi<ShellState> {
  const adopt = (view: SessionView) => {
    client.$session.set({ actorId: view.actor.id, epoch: view.epoch });
    storage.setItem(ACTOR_STORAGE_KEY, view.actor.id);
  };

  return createStore<ShellState>()((set, get) => ({
    phase: 'booting',
    info: undefined,
    actors: [],
    session: undefined,
    bootError: undefined,
    switching: false,
    switchError: undefined,
    online,
    connection: undefined,

    async boot() {
      set({ phase: 'booting', bootError: undefined });
      try {
        const [info, actors] = await Promise.all([client.system.info({}), client.session.actors({})]);
        const remembered = storage.getItem(ACTOR_STORAGE_KEY);
        let view: SessionView;
        if (remembered) {
          client.$session.set({ actorId: remembered });
          try {
            view = await client.session.whoami({});
          } catch (e) {
            // The remembered actor may be gone (another store, a reset): fall back to the default actor.
            if (asWorkbenchError(e).code !== 'UNAUTHENTICATED') throw e;
            storage.removeItem(ACTOR_STORAGE_KEY);
            client.$session.set({});
            view = await client.session.whoami({});
          }
        } else {
          client.$session.set({});
          view = await client.session.whoami({});
        }
        adopt(view);
        set({ phase: 'ready', info, actors, session: view });
      } catch (e) {
        set({ phase: 'failed', bootError: asWorkbenchError(e) });
      }
    },

    async switchActor(actorId) {
      if (get().session?.actor.id === actorId) return;
      const previous = client.$session.get();
      set({ switching: true, switchError: undefined });
      client.$session.set({ actorId });
      try {
        const view = await client.session.whoami({});
        adopt(view);
        set({ session: view, switching: false });
      } catch (e) {
        client.$session.set(previous);
        set({ switching: false, switchError: asWorkbenchError(e) });
      }
    },

    async refreshSession() {
      try {
        const view = await client.session.whoami({});
        adopt(view);
        set({ session: view });
      } catch (e) {
        set({ switchError: asWorkbenchError(e) });
      }
    },

    setOnline(next) {
      set({ online: next });
    },

    setConnection(connection) {
      set({ connection });
    },
  }));
}
