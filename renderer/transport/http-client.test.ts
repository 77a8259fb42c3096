import { describe, expect, it } from 'vitest';
import type { FetchFn } from './http-call.ts';
import { createHttpWorkbench, installWorkbench, type BrowserEnv } from './http-client.ts';
import type { SocketLike } from './event-socket.ts';

function browserEnv(hash: string) {
  const posted: Array<{ url: string; headers: unknown; body: unknown }> = [];
  const sockets: Array<{ url: string; protocols: string[] }> = [];
  const storage = new Map<string, string>();
  const fetch: FetchFn = async (url, init) => {
    posted.push({ url, headers: init.headers, body: JSON.parse(String(init.body)) });
    return { status: 200, text: async () => '{"ok":true,"result":{"actor":{"id":"alice"},"epoch":0}}' };
  };
  const env: BrowserEnv = {
    location: { hash, pathname: '/', search: '', protocol: 'http:', host: '127.0.0.1:4321' },
    history: { state: null, replaceState: () => undefined },
    storage: { getItem: (k) => storage.get(k) ?? null, setItem: (k, v) => void storage.set(k, v) },
    fetch,
    createSocket: (url, protocols) => {
      sockets.push({ url, protocols });
      return { onopen: null, onmessage: null, onclose: null, onerror: null, close: () => undefined } satisfies SocketLike;
    },
    timers: { setTimeout: () => 0, clearTimeout: () => undefined },
  };
  return { env, posted, sockets };
}

describe('createHttpWorkbench', () => {
  it('builds a typed client that posts with the launch token and the session header', async () => {
    const { env, posted } = browserEnv('#token=s3cret');
    const { client, hasToken } = createHttpWorkbench(env);
    expect(hasToken).toBe(true);
    expect(client.$transport).toBe('http');
    client.$session.set({ actorId: 'alice', epoch: 2 });
    await client.session.whoami({});
    expect(posted).toEqual([{ url: '/api/session.whoami', headers: { 'content-type': 'application/json', authorization: 'Bearer s3cret' }, body: { input: {}, session: { actorId: 'alice', epoch: 2 } } }]);
  });

  it('opens the event socket on the same host with the token as a subprotocol, on first subscribe', () => {
    const { env, sockets } = browserEnv('#token=s3cret');
    const { client } = createHttpWorkbench(env);
    expect(sockets).toEqual([]);
    client.$events.subscribe(() => undefined);
    expect(sockets).toEqual([{ url: 'ws://127.0.0.1:4321/events', protocols: ['workbench.v1', 'token.s3cret'] }]);
  });
});

describe('installWorkbench', () => {
  it('leaves a workbench the preload provided alone', () => {
    const provided = { $transport: 'ipc' };
    const win = { workbench: provided } as unknown as Parameters<typeof installWorkbench>[0];
    expect(installWorkbench(win)).toBeUndefined();
    expect(win.workbench).toBe(provided);
  });
});
