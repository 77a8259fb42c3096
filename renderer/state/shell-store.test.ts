import { describe, expect, it } from 'vitest';
import { ACTOR_STORAGE_KEY, createShellStore } from './shell-store.ts';
import { actor, createFakeWorkbench } from '../testing/fake-workbench.ts';

function memoryStorage(initial: Record<string, string> = {}) {
  const m = new Map(Object.entries(initial));
  return { map: m, getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), removeItem: (k: string) => void m.delete(k) };
}

const ACTORS = [actor('alice', ['auditor']), actor('arun', ['analyst'])];

describe('shell store', () => {
  it('boots with the info, the actors and the actor the workbench says this session acts as', async () => {
    const fake = createFakeWorkbench(ACTORS);
    const storage = memoryStorage();
    const shell = createShellStore({ client: fake.client, storage, online: true });
    await shell.getState().boot();
    const s = shell.getState();
    expect(s.phase).toBe('ready');
    expect(s.info?.store.display).toBe('/data/workbench.sqlite');
    expect(s.actors.map((a) => a.id)).toEqual(['alice', 'arun']);
    expect(s.session?.actor.id).toBe('alice');
    // Later calls name the actor and present the epoch whoami returned.
    expect(fake.client.$session.get()).toEqual({ actorId: 'alice', epoch: 4 });
    expect(storage.map.get(ACTOR_STORAGE_KEY)).toBe('alice');
  });

  it('switches actor through session.whoami and remembers it for the tab', async () => {
    const fake = createFakeWorkbench(ACTORS);
    const storage = memoryStorage();
    const shell = createShellStore({ client: fake.client, storage, online: true });
    await shell.getState().boot();
    await shell.getState().switchActor('arun');
    expect(shell.getState().session?.actor.roles).toEqual(['analyst']);
    expect(fake.client.$session.get()).toEqual({ actorId: 'arun', epoch: 4 });
    expect(storage.map.get(ACTOR_STORAGE_KEY)).toBe('arun');
    expect(fake.calls.at(-1)).toBe('session.whoami(arun)');
  });

  it('a refused switch keeps the previous actor and shows the error', async () => {
    const fake = createFakeWorkbench(ACTORS);
    const shell = createShellStore({ client: fake.client, storage: memoryStorage(), online: true });
    await shell.getState().boot();
    await shell.getState().switchActor('mallory');
    const s = shell.getState();
    expect(s.session?.actor.id).toBe('alice');
    expect(fake.client.$session.get()).toEqual({ actorId: 'alice', epoch: 4 });
    expect([s.switchError?.code, s.switchError?.message]).toEqual(['UNAUTHENTICATED', 'unknown actor "mallory"']);
    expect(s.switching).toBe(false);
  });

  it('a remembered actor is used on reload; one the store no longer has falls back to the default', async () => {
    const fake = createFakeWorkbench(ACTORS);
    const kept = createShellStore({ client: fake.client, storage: memoryStorage({ [ACTOR_STORAGE_KEY]: 'arun' }), online: true });
    await kept.getState().boot();
    expect(kept.getState().session?.actor.id).toBe('arun');

    const storage = memoryStorage({ [ACTOR_STORAGE_KEY]: 'gone' });
    const fallback = createShellStore({ client: fake.client, storage, online: true });
    await fallback.getState().boot();
    expect(fallback.getState().session?.actor.id).toBe('alice');
    expect(storage.map.get(ACTOR_STORAGE_KEY)).toBe('alice');
  });

  it('a failing start is phase failed with the typed error', async () => {
    const fake = createFakeWorkbench([]);
    const shell = createShellStore({ client: fake.client, storage: memoryStorage(), online: false });
    fake.client.system.info = async () => {
      throw new TypeError('boom');
    };
    await shell.getState().boot();
    expect(shell.getState().phase).toBe('failed');
    expect([shell.getState().bootError?.code, shell.getState().bootError?.message]).toEqual(['INTERNAL', 'boom']);
    expect(shell.getState().online).toBe(false);
  });
});
