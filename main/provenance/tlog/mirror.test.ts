import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leafHash } from '../merkle/hash.ts';
import { encodeBundle } from './entry-bundle.ts';
import { mirrorLog } from './mirror.ts';
import { createTileHandler } from './tile-handler.ts';
import { entries, readTree, testKey, tlogError } from './test-support.ts';
import { TransparencyLog } from './transparency-log.ts';

const scratch = mkdtempSync(join(tmpdir(), 'tlog-mirror-'));
const KEY = testKey('log.example/m');
let n = 0;
const fresh = (): string => join(scratch, `d${n++}`);
let source: TransparencyLog;
let server: Server;
let base: string;

beforeAll(async () => {
  source = await TransparencyLog.open(join(scratch, 'source'), { signerKey: KEY.signerKey, fsync: false });
  await source.appendBatch(entries(0, 100));
  await source.appendBatch(entries(100, 600));
  server = createServer(createTileHandler(source.dir, { prefix: '/log' }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/log`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(scratch, { recursive: true, force: true });
});

/** Every file of the mirror is the source's file, and the mirror has every file the source's checkpoint needs. */
function expectMirrorOf(dest: string, src: string): void {
  const d = readTree(dest);
  const s = readTree(src);
  for (const [p, data] of d) expect(data.equals(s.get(p) ?? Buffer.alloc(0)), p).toBe(true);
  const size = Number(readFileSync(join(src, 'checkpoint'), 'utf8').split('\n')[1]);
  const needed = [...s.keys()].filter((p) => {
    const m = /^tile\/(\d+|entries)\/.*?(?:\.p\/(\d+))?$/.exec(p);
    if (!m) return p === 'checkpoint';
    const level = m[1] === 'entries' ? 0 : Number(m[1]);
    const width = m[2] === undefined ? 256 : Number(m[2]);
    return width === 256 || width === Math.floor(size / 256 ** level) % 256;
  });
  expect(needed.filter((p) => !d.has(p))).toEqual([]);
}

describe('mirrorLog', () => {
  it('copies a log folder after verifying it, and a second run only catches up', async () => {
    const dest = fresh();
    const first = await mirrorLog(source.dir, dest, { logKey: KEY.verifierKey, fsync: false });
    expect(first).toMatchObject({ previousSize: 0, size: 600, checkpoint: source.checkpoint });
    expectMirrorOf(dest, source.dir);
    // A fresh mirror holds exactly what the checkpoint needs: full tiles and one partial per level.
    expect([...readTree(dest).keys()]).toEqual(['checkpoint', 'tile/0/000', 'tile/0/001', 'tile/0/002.p/88', 'tile/1/000.p/2', 'tile/entries/000', 'tile/entries/001', 'tile/entries/002.p/88']);
    expect(await mirrorLog(source.dir, dest, { logKey: KEY.verifierKey, fsync: false })).toMatchObject({ previousSize: 600, size: 600, written: 0 });
    await source.appendBatch(entries(600, 1100));
    const second = await mirrorLog(source.dir, dest, { logKey: KEY.verifierKey, fsync: false });
    expect(second).toMatchObject({ previousSize: 600, size: 1100 });
    expect(second.fetched).toBeLessThan(first.fetched + 12);
    expectMirrorOf(dest, source.dir);
  });

  it('mirrors over HTTP from a tile handler, byte for byte the same as from the folder', async () => {
    const viaHttp = fresh();
    const viaFolder = fresh();
    const chunked = fresh();
    await mirrorLog(base, viaHttp, { logKey: KEY.verifierKey, fsync: false });
    await mirrorLog(source.dir, viaFolder, { logKey: KEY.verifierKey, fsync: false });
    await mirrorLog(source.dir, chunked, { logKey: KEY.verifierKey, fsync: false, chunkBundles: 1 });
    expect(readTree(viaHttp)).toEqual(readTree(viaFolder));
    expect(readTree(chunked)).toEqual(readTree(viaFolder));
    expectMirrorOf(viaHttp, source.dir);
  });

  it('refuses a source signed by another key, writing nothing', async () => {
    const dest = fresh();
    await expect(mirrorLog(source.dir, dest, { logKey: testKey('log.example/m', 3).verifierKey })).rejects.toThrow(tlogError('UNTRUSTED', /^no signature by a trusted key/));
    expect(existsSync(dest)).toBe(false);
  });

  it('refuses a source that forked from what dest holds, leaving dest as it was', async () => {
    const dest = fresh();
    await mirrorLog(source.dir, dest, { logKey: KEY.verifierKey, fsync: false });
    const before = readTree(dest);
    const fork = await TransparencyLog.open(fresh(), { signerKey: KEY.signerKey, fsync: false });
    await fork.appendBatch([...entries(0, 99), Buffer.from('forged'), ...entries(100, 1500)]);
    await expect(mirrorLog(fork.dir, dest, { logKey: KEY.verifierKey })).rejects.toThrow(tlogError('INCONSISTENT', /^source checkpoint \(size 1500\) does not extend dest's \(size 1100\): ROOT_MISMATCH: /));
    expect(readTree(dest)).toEqual(before);
    const shortFork = await TransparencyLog.open(fresh(), { signerKey: KEY.signerKey, fsync: false });
    await shortFork.appendBatch([...entries(0, 9), Buffer.from('forged')]);
    await expect(mirrorLog(shortFork.dir, dest, { logKey: KEY.verifierKey })).rejects.toThrow(tlogError('INCONSISTENT', /^source checkpoint \(size 10\) is not a prefix of dest's \(size 1100\): /));
    expect(readTree(dest)).toEqual(before);
  });

  it('writes nothing when the source is behind but consistent', async () => {
    const old = fresh();
    const log = await TransparencyLog.open(fresh(), { signerKey: KEY.signerKey, fsync: false });
    await log.appendBatch(entries(0, 300));
    await mirrorLog(log.dir, old, { logKey: KEY.verifierKey, fsync: false });
    await log.appendBatch(entries(300, 400));
    const dest = fresh();
    await mirrorLog(log.dir, dest, { logKey: KEY.verifierKey, fsync: false });
    expect(await mirrorLog(old, dest, { logKey: KEY.verifierKey })).toMatchObject({ previousSize: 400, size: 400, written: 0 });
  });

  it('refuses a source whose entries do not match its signed checkpoint, before writing its checkpoint', async () => {
    const log = await TransparencyLog.open(fresh(), { signerKey: KEY.signerKey, fsync: false });
    await log.appendBatch(entries(0, 40));
    // Rewrite the bundle and the level-0 tile together so they agree with each other, but not with the signed root.
    const forged = [...entries(0, 39), Buffer.from('forged')];
    writeFileSync(join(log.dir, 'tile/entries/000.p/40'), encodeBundle(forged));
    writeFileSync(join(log.dir, 'tile/0/000.p/40'), Buffer.concat(forged.map((e) => leafHash(e))));
    const dest = fresh();
    await expect(mirrorLog(log.dir, dest, { logKey: KEY.verifierKey, fsync: false })).rejects.toThrow(tlogError('INCONSISTENT', /^the source's entries give root [0-9a-f]{64}, not its checkpoint's [0-9a-f]{64}$/));
    expect(existsSync(join(dest, 'checkpoint'))).toBe(false);
    // A bundle that does not match its own tile is caught as it is read.
    writeFileSync(join(log.dir, 'tile/0/000.p/40'), Buffer.concat(entries(0, 40).map((e) => leafHash(e))));
    await expect(mirrorLog(log.dir, fresh(), { logKey: KEY.verifierKey, fsync: false })).rejects.toThrow(tlogError('BAD_TILE', 'tile/entries/000.p/40: entry 39 does not hash to its level-0 tile'));
  });
});
