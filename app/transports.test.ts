import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { resolveConfig } from '../main/config.ts';
import { createWorkbench, type Workbench } from '../main/workbench.ts';
import { createInProcessClient } from '../main/in-process-client.ts';
import { createWorkbenchClient, type WorkbenchClient } from '../shared/api/client.ts';
import { WorkbenchError } from '../shared/api/errors.ts';
import { api } from '../shared/api/index.ts';
import { methodsOf } from '../shared/api/contract.ts';
import type { WorkbenchEvent } from '../shared/api/events.ts';
import type { Actor } from '../shared/domain/actors.ts';
import { startServer, WS_PROTOCOL, type RunningServer } from './serve/server.ts';
import { registerIpc, type IpcMainLike } from './desktop/ipc.ts';

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function rawPost(server: RunningServer, path: string, body: string, headers: Record<string, string>): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, method: 'POST', headers }, (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (data += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: data }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A stand-in for Electron's ipcMain: records handlers and lets the test invoke them as a frame would. */
class FakeIpcMain implements IpcMainLike {
  handlers = new Map<string, (event: unknown, ...args: unknown[]) => unknown>();
  handle(channel: string, fn: (event: never, ...args: never[]) => unknown): void {
    this.handlers.set(channel, fn as (event: unknown, ...args: unknown[]) => unknown);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  invoke(frame: { url: string; parent: unknown }, channel: string, envelope: unknown): Promise<unknown> {
    const h = this.handlers.get(channel);
    if (!h) return Promise.reject(new Error(`No handler registered for '${channel}'`));
    return Promise.resolve(h({ senderFrame: frame }, envelope));
  }
}

const APP_FRAME = { url: 'workbench://app/index.html', parent: null };

describe('one contract over three transports', () => {
  let dataDir: string;
  let wb: Workbench;
  let server: RunningServer;
  let ipc: FakeIpcMain;
  let auditor: Actor;
  let analyst: Actor;
  const clients: Record<string, WorkbenchClient> = {};

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'wb-transports-'));
    wb = await createWorkbench(resolveConfig({}, { dataDir, now: () => new Date('2026-11-28T12:00:00.000Z') }));
    server = await startServer({ dispatch: wb.dispatch, bus: wb.bus });
    ipc = new FakeIpcMain();
    registerIpc(ipc, wb.dispatch);
    clients['in-process'] = createInProcessClient(wb);
    clients.http = createWorkbenchClient({
      transport: 'http',
      subscribe: () => () => undefined,
      call: async (method, envelope) => {
        const res = await fetch(`${server.origin}/api/${method}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${server.token}` },
          body: JSON.stringify(envelope),
        });
        return res.json();
      },
    });
    clients.ipc = createWorkbenchClient({
      transport: 'ipc',
      subscribe: () => () => undefined,
      call: (method, envelope) => ipc.invoke(APP_FRAME, `wb:${method}`, envelope),
    });
    const actors = await clients['in-process']!.session.actors({});
    auditor = actors.find((a) => a.roles.includes('auditor'))!;
    analyst = actors.find((a) => a.roles.length === 1 && a.roles[0] === 'analyst')!;
    expect(auditor).toBeDefined();
    expect(analyst).toBeDefined();
  });

  afterAll(async () => {
    await server?.close();
    await wb?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('registers one IPC handler per contract method and nothing else', () => {
    expect([...ipc.handlers.keys()].sort()).toEqual(methodsOf(api).map(([name]) => `wb:${name}`).sort());
    expect(ipc.handlers.has('wb:system.info')).toBe(true);
  });

  it('gives identical results in-process, over HTTP and over IPC', async () => {
    const results: Record<string, unknown[]> = {};
    for (const [name, client] of Object.entries(clients)) {
      client.$session.set({ actorId: auditor.id });
      const page = await client.evidence.list({ limit: 5 });
      results[name] = [
        await client.system.info({}),
        await client.session.actors({}),
        await client.session.whoami({}),
        page,
        await client.evidence.get({ id: page.items[0]!.id }),
      ];
    }
    expect(results.http).toEqual(results['in-process']);
    expect(results.ipc).toEqual(results['in-process']);
    const [info, , whoami, page] = results.http as [{ store: { kind: string } }, unknown, { actor: Actor }, { items: unknown[] }];
    expect(info.store.kind).toBe('sqlite');
    expect(whoami.actor.id).toBe(auditor.id);
    expect(page.items).toHaveLength(5);
  });

  it('carries the same typed denial over every transport', async () => {
    for (const client of Object.values(clients)) {
      client.$session.set({ actorId: analyst.id });
      const err = (await client.audit.list({}).catch((e: unknown) => e)) as WorkbenchError;
      expect(err).toBeInstanceOf(WorkbenchError);
      expect(err.code).toBe('DENIED');
      expect(err.details).toMatchObject({ policyIds: ['role.audit.read'], reason: 'audit.read needs one of the roles auditor, ombuds, admin' });
      expect(String(err.details?.appealLink)).toMatch(/^#\/appeals\/new\?denial=/);
    }
  });

  it('reports bad input with the path over HTTP as 400', async () => {
    const res = await rawPost(server, '/api/evidence.list', JSON.stringify({ input: { limit: -1 } }), {
      'content-type': 'application/json',
      authorization: `Bearer ${server.token}`,
      host: `127.0.0.1:${server.port}`,
    });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({ ok: false, error: { code: 'BAD_INPUT', message: 'evidence.list input: limit: Too small: expected number to be >0' } });
  });

  it('refuses HTTP calls without the launch token (401) or with a foreign Host (403)', async () => {
    const body = JSON.stringify({ input: {} });
    const host = `127.0.0.1:${server.port}`;
    const none = await rawPost(server, '/api/system.info', body, { 'content-type': 'application/json', host });
    expect(none.status).toBe(401);
    expect(JSON.parse(none.body)).toEqual({ ok: false, error: { code: 'UNAUTHENTICATED', message: 'missing or wrong launch token' } });
    const wrong = await rawPost(server, '/api/system.info', body, { 'content-type': 'application/json', host, authorization: 'Bearer nope' });
    expect(wrong.status).toBe(401);
    const foreign = await rawPost(server, '/api/system.info', body, { 'content-type': 'application/json', host: 'evil.example:80', authorization: `Bearer ${server.token}` });
    expect(foreign.status).toBe(403);
    expect(JSON.parse(foreign.body).error.code).toBe('FORBIDDEN');
    const form = await rawPost(server, '/api/system.info', 'a=b', { 'content-type': 'application/x-www-form-urlencoded', host, authorization: `Bearer ${server.token}` });
    expect(form.status).toBe(400);
    const unknown = await rawPost(server, '/api/system.nope', body, { 'content-type': 'application/json', host, authorization: `Bearer ${server.token}` });
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body).error.code).toBe('UNKNOWN_METHOD');
  });

  it('shapes each namespace: over HTTP a 429 with Retry-After and IETF RateLimit headers', async () => {
    const host = `127.0.0.1:${server.port}`;
    let res: RawResponse | undefined;
    for (let i = 0; i < 100; i++) {
      res = await rawPost(server, '/api/costguard.queryLog', JSON.stringify({ input: {}, session: { actorId: auditor.id } }), {
        'content-type': 'application/json',
        authorization: `Bearer ${server.token}`,
        host,
      });
      if (res.status !== 200) break;
    }
    expect(res!.status).toBe(429);
    expect(JSON.parse(res!.body).error).toMatchObject({ code: 'RATE_LIMITED', details: { namespace: 'costguard' } });
    expect(Number(res!.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(res!.headers['ratelimit-policy']).toMatch(/^"costguard";q=60;w=60/);
    expect(res!.headers['ratelimit']).toMatch(/^"costguard";r=0;t=\d+/);
    // Other namespaces keep their own budget.
    await expect(clients.http!.system.info({})).resolves.toMatchObject({ product: 'Compliance Workbench' });
  });

  it('refuses an IPC call from an unexpected frame', async () => {
    const env = { input: {} };
    for (const frame of [
      { url: 'https://evil.example/', parent: null },
      { url: 'file:///tmp/index.html', parent: null },
      { url: 'workbench://app/index.html', parent: {} }, // an iframe inside our page
    ]) {
      expect(await ipc.invoke(frame, 'wb:system.info', env)).toEqual({
        ok: false,
        error: { code: 'FORBIDDEN', message: 'IPC call system.info from an untrusted frame refused' },
      });
    }
  });

  it('pushes events over the WebSocket only to callers with the token', async () => {
    const url = `ws://127.0.0.1:${server.port}/events`;
    const refused = new WebSocket(url, [WS_PROTOCOL, 'token.wrong']);
    await new Promise<void>((resolve) => refused.on('error', () => resolve()));

    const ws = new WebSocket(url, [WS_PROTOCOL, `token.${server.token}`], { origin: server.origin });
    await new Promise<void>((resolve, reject) => {
      ws.on('open', () => resolve());
      ws.on('error', reject);
    });
    const got = new Promise<WorkbenchEvent>((resolve) => ws.once('message', (data) => resolve(JSON.parse(String(data)) as WorkbenchEvent)));
    clients['in-process']!.$session.set({ actorId: auditor.id });
    await clients['in-process']!.audit.verifyChain({});
    const event = await got;
    expect(event.topic).toBe('audit.appended');
    expect(event.payload).toMatchObject({ action: 'audit.read', decision: 'allow' });
    ws.close();

    const crossSite = new WebSocket(url, [WS_PROTOCOL, `token.${server.token}`], { origin: 'https://evil.example' });
    await new Promise<void>((resolve) => crossSite.on('error', () => resolve()));
  });
});
