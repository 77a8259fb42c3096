import { request, createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTileHandler } from './tile-handler.ts';
import { entries, testKey } from './test-support.ts';
import { TransparencyLog } from './transparency-log.ts';

const scratch = mkdtempSync(join(tmpdir(), 'tlog-serve-'));
let log: TransparencyLog;
let server: Server;
let port: number;

beforeAll(async () => {
  log = await TransparencyLog.open(join(scratch, 'log'), { signerKey: testKey().signerKey, fsync: false });
  await log.appendBatch(entries(0, 300));
  writeFileSync(join(scratch, 'secret.txt'), 'secret');
  writeFileSync(join(log.dir, 'notes.txt'), 'not a log file');
  symlinkSync(join(scratch, 'secret.txt'), join(log.dir, 'tile', '0', '005'));
  server = createServer(createTileHandler(log.dir));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(scratch, { recursive: true, force: true });
});

/** A raw request, so paths reach the server unnormalised. */
function get(path: string, method = 'GET'): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('createTileHandler', () => {
  it('serves the checkpoint and tiles with tlog-tiles content types and caching', async () => {
    const cp = await get('/checkpoint');
    expect(cp).toMatchObject({ status: 200, headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-cache' } });
    expect(cp.body.toString()).toBe(log.checkpoint);
    const tile = await get('/tile/0/000');
    expect(tile).toMatchObject({ status: 200, headers: { 'content-type': 'application/octet-stream', 'cache-control': 'public, max-age=31536000, immutable', 'content-length': '8192' } });
    expect((await get('/tile/entries/001.p/44?x=1')).status).toBe(200);
    const head = await get('/tile/1/000.p/1', 'HEAD');
    expect(head).toMatchObject({ status: 200, headers: { 'content-length': '32' } });
    expect(head.body).toHaveLength(0);
  });

  it('is read-only and serves nothing outside the tlog-tiles grammar', async () => {
    expect((await get('/checkpoint', 'PUT')).status).toBe(405);
    expect((await get('/checkpoint', 'DELETE')).headers.allow).toBe('GET, HEAD');
    for (const p of ['/../secret.txt', '/tile/../../secret.txt', '/tile/0/%2e%2e/%2e%2e/secret.txt', '/tile/0/..%2f..%2fsecret.txt', '/tile\\..\\secret.txt']) {
      const r = await get(p);
      expect(r.status, p).toBe(400);
      expect(r.body.toString(), p).not.toContain('secret');
    }
    for (const p of ['/notes.txt', '/tile/0/000.p/44.tmp', '/tile/0/x000/000', '/', '/tile/0/002']) expect((await get(p)).status, p).toBe(404);
    // A link planted in the folder is not followed.
    const link = await get('/tile/0/005');
    expect(link.status).toBe(500);
    expect(link.body.toString()).not.toContain('secret');
  });

  it('serves under a prefix', async () => {
    const s = createServer(createTileHandler(log.dir, { prefix: '/logs/a/' }));
    await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
    const p = (s.address() as AddressInfo).port;
    const status = (path: string): Promise<number> =>
      new Promise((resolve) => request({ host: '127.0.0.1', port: p, path }, (res) => (res.resume(), resolve(res.statusCode ?? 0))).end());
    expect(await status('/logs/a/checkpoint')).toBe(200);
    expect(await status('/checkpoint')).toBe(404);
    await new Promise((resolve) => s.close(resolve));
  });
});
