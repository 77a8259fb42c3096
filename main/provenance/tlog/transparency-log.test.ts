import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EMPTY_ROOT, leafHash } from '../merkle/hash.ts';
import { MemoryTree } from '../merkle/memory-tree.ts';
import { merkleRoot } from '../merkle/merkle.ts';
import { verifyConsistency } from '../merkle/verify-consistency.ts';
import { verifyInclusion } from '../merkle/verify-inclusion.ts';
import { assertExtends } from './checkpoint-guard.ts';
import { openCheckpoint } from './checkpoint.ts';
import { nodeFsOps } from './log-store.ts';
import type { FsOps } from './log-store.ts';
import { parseVerifierKey } from './note-keys.ts';
import { entries, entry, readTree, testKey, tlogError } from './test-support.ts';
import { TransparencyLog } from './transparency-log.ts';
import { verifyReceipt } from './verify-receipt.ts';

const scratch = mkdtempSync(join(tmpdir(), 'tlog-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let n = 0;
const freshDir = (): string => join(scratch, `log-${n++}`);
const KEY = testKey('log.example/test');
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const open = (dir: string, extra: { fsOps?: FsOps; fsync?: boolean } = {}): Promise<TransparencyLog> => TransparencyLog.open(dir, { signerKey: KEY.signerKey, fsync: false, ...extra });

describe('a new log', () => {
  it('starts with a signed checkpoint of the empty tree and no tiles', async () => {
    const dir = freshDir();
    const log = await open(dir);
    expect(log.size).toBe(0);
    expect(log.checkpoint).toMatch(/^log\.example\/test\n0\n47DEQpj8HBSa\+\/TImW\+5JCeuQeRkm5NMpJWZG3hSuFU=\n\n— log\.example\/test \S+\n$/);
    expect(openCheckpoint(log.checkpoint, [parseVerifierKey(KEY.verifierKey)]).root).toEqual(new Uint8Array(EMPTY_ROOT));
    expect([...readTree(dir).keys()]).toEqual(['checkpoint']);
    expect(log.verifierKey).toBe(KEY.verifierKey);
    await expect(TransparencyLog.open(freshDir(), { signerKey: KEY.signerKey, create: false })).rejects.toThrow(tlogError('NOT_FOUND', /holds no log \(no checkpoint\)$/));
  });
});

describe('appending', () => {
  it('lays out tiles, bundles and the checkpoint per tlog-tiles', async () => {
    const dir = freshDir();
    const log = await open(dir);
    const r = await log.appendBatch(entries(0, 300));
    expect(r).toMatchObject({ first: 0, count: 300, size: 300 });
    expect(hex(r.root)).toBe(hex(merkleRoot(entries(0, 300))));
    expect([...readTree(dir).keys()]).toEqual(['checkpoint', 'tile/0/000', 'tile/0/001.p/44', 'tile/1/000.p/1', 'tile/entries/000', 'tile/entries/001.p/44']);
    // A level-1 hash is the root of the full level-0 tile below it.
    expect(hex(readTree(dir).get('tile/1/000.p/1')!)).toBe(hex(merkleRoot(entries(0, 256))));
    expect(r.checkpoint).toBe(log.checkpoint);
    expect(readFileSync(join(dir, 'checkpoint'), 'utf8')).toBe(log.checkpoint);
  });

  it('keeps partial tiles of every signed size until the full tile exists, then removes them', async () => {
    const dir = freshDir();
    const log = await open(dir);
    await log.appendBatch(entries(0, 100));
    await log.appendBatch(entries(100, 200));
    expect([...readTree(dir).keys()]).toEqual(['checkpoint', 'tile/0/000.p/100', 'tile/0/000.p/200', 'tile/entries/000.p/100', 'tile/entries/000.p/200']);
    await log.appendBatch(entries(200, 256));
    expect([...readTree(dir).keys()]).toEqual(['checkpoint', 'tile/0/000', 'tile/1/000.p/1', 'tile/entries/000']);
    // Proofs for the older sizes still work, from the full tile.
    const proof = await log.inclusionProof(5, 100);
    verifyInclusion(5, 100, leafHash(entry(5)), proof, merkleRoot(entries(0, 100)));
  });

  it('writes the tlog-tiles example tree of 70,000 entries as the spec describes', async () => {
    const dir = freshDir();
    const log = await open(dir);
    for (let i = 0; i < 70_000; i += 10_000) await log.appendBatch(entries(i, i + 10_000));
    const paths = [...readTree(dir).keys()];
    expect(paths.filter((p) => /^tile\/0\/[x0-9/]+$/.test(p))).toHaveLength(273);
    expect(paths.filter((p) => p.startsWith('tile/0/') && p.includes('.p/'))).toEqual(['tile/0/273.p/112']);
    expect(paths.filter((p) => p.startsWith('tile/1/'))).toEqual(['tile/1/000', 'tile/1/001.p/17']);
    expect(paths.filter((p) => p.startsWith('tile/2/'))).toEqual(['tile/2/000.p/1']);
    expect(paths.filter((p) => p.startsWith('tile/entries/') && p.includes('.p/'))).toEqual(['tile/entries/273.p/112']);
    expect(hex(log.root)).toBe(hex(merkleRoot(entries(0, 70_000))));
    for (const i of [0, 255, 256, 65_535, 65_536, 69_999]) verifyInclusion(i, 70_000, leafHash(entry(i)), await log.inclusionProof(i), log.root);
    verifyConsistency(12_345, 70_000, await log.consistencyProof(12_345), merkleRoot(entries(0, 12_345)), log.root);
    expect(Buffer.from(await log.entry(65_536)).toString()).toBe('entry 65536');
  });

  it('proves every entry and every pair of signed sizes across tile boundaries', async () => {
    const dir = freshDir();
    const log = await open(dir);
    const all = entries(0, 1000);
    const tree = MemoryTree.fromLeafData(all);
    const sizes: number[] = [];
    let at = 0;
    for (const b of [1, 254, 1, 1, 300, 187, 255, 1]) {
      await log.appendBatch(all.slice(at, at + b));
      at += b;
      sizes.push(at);
    }
    expect(log.size).toBe(1000);
    for (const s of sizes) {
      for (let i = 0; i < s; i += 37) expect((await log.inclusionProof(i, s)).map(hex)).toEqual(tree.inclusionProof(i, s).map(hex));
      for (const m of sizes) if (m <= s) expect((await log.consistencyProof(m, s)).map(hex)).toEqual(tree.consistencyProof(m, s).map(hex));
    }
    const reopened = await open(dir);
    expect(reopened.size).toBe(1000);
    expect(reopened.checkpoint).toBe(log.checkpoint);
    await reopened.appendBatch(entries(1000, 1010));
    expect(hex(reopened.root)).toBe(hex(merkleRoot(entries(0, 1010))));
  });

  it('is deterministic: the same batches and key give byte-identical folders', async () => {
    const build = async (): Promise<Map<string, Buffer>> => {
      const dir = freshDir();
      const log = await open(dir);
      await log.appendBatch(entries(0, 700));
      await log.append(entry(700));
      await log.appendBatch(entries(701, 1200));
      return readTree(dir);
    };
    const a = await build();
    const b = await build();
    expect([...b.keys()]).toEqual([...a.keys()]);
    for (const [p, data] of a) expect(b.get(p)!.equals(data), p).toBe(true);
  });

  it('writes extension lines only when given (no clock inside)', async () => {
    const log = await open(freshDir());
    const r = await log.append(entry(0), { extensions: ['time 1700000000'] });
    expect(r.checkpoint.split('\n\n')[0]).toBe(`log.example/test\n1\n${Buffer.from(merkleRoot([entry(0)])).toString('base64')}\ntime 1700000000`);
    const r2 = await log.append(entry(1));
    expect(r2.checkpoint.split('\n\n')[0]!.split('\n')).toHaveLength(3);
  });

  it('refuses entries over 65,535 bytes and writes nothing', async () => {
    const dir = freshDir();
    const log = await open(dir);
    const before = readTree(dir);
    await expect(log.appendBatch([entry(0), new Uint8Array(65_536)])).rejects.toThrow(tlogError('BAD_INPUT', 'entry 1 is 65536 bytes, over the 65535-byte limit'));
    expect(readTree(dir)).toEqual(before);
    expect(log.size).toBe(0);
  });

  it('runs concurrent batches from one process one after another', async () => {
    const log = await open(freshDir());
    const results = await Promise.all([log.appendBatch(entries(0, 10)), log.appendBatch(entries(10, 20)), log.append(entry(20))]);
    expect(results.map((r) => [r.first, r.size])).toEqual([
      [0, 10],
      [10, 20],
      [20, 21],
    ]);
    expect(hex(log.root)).toBe(hex(merkleRoot(entries(0, 21))));
  });

  it('issues receipts that verify offline', async () => {
    const log = await open(freshDir());
    await log.appendBatch(entries(0, 40));
    const receipt = await log.receipt(17, { extra: Buffer.from('ctx') });
    expect(receipt.split('\n').slice(0, 3)).toEqual(['c2sp.org/tlog-proof@v1', 'extra Y3R4', 'index 17']);
    const r = await verifyReceipt(receipt, { logKey: KEY.verifierKey, entry: entry(17) });
    expect(r).toMatchObject({ ok: true, errors: [], origin: 'log.example/test', index: 17, size: 40, extra: 'Y3R4', rootHash: hex(log.root) });
    await expect(log.receipt(40)).rejects.toThrow(tlogError('BAD_INPUT', 'index 40 is not in the log (size 40)'));
  });
});

describe('refusals', () => {
  it('will not open a folder whose checkpoint another key signed', async () => {
    const dir = freshDir();
    await (await open(dir)).appendBatch(entries(0, 3));
    const other = testKey('log.example/test', 2);
    await expect(TransparencyLog.open(dir, { signerKey: other.signerKey })).rejects.toThrow(tlogError('CONFLICT', /the checkpoint is not one this key signed for log\.example\/test: UNTRUSTED: /));
    await expect(TransparencyLog.open(dir, { signerKey: KEY.signerKey, origin: 'log.example/other' })).rejects.toThrow(tlogError('CONFLICT', /WRONG_ORIGIN: checkpoint origin "log\.example\/test" is not "log\.example\/other"$/));
  });

  it('will not open a folder whose tiles disagree with its checkpoint', async () => {
    const dir = freshDir();
    await (await open(dir)).appendBatch(entries(0, 3));
    const tile = join(dir, 'tile/0/000.p/3');
    const bytes = readFileSync(tile);
    bytes[40] = bytes[40]! ^ 1;
    writeFileSync(tile, bytes);
    await expect(open(dir)).rejects.toThrow(tlogError('CONFLICT', /cannot read the tiles of the checkpoint \(size 3\): BAD_TILE: tile\/entries\/000\.p\/3: entry 1 does not hash to its level-0 tile$/));
  });

  it('will not start a log over tiles without a checkpoint', async () => {
    const dir = freshDir();
    await (await open(dir)).appendBatch(entries(0, 3));
    rmSync(join(dir, 'checkpoint'));
    await expect(open(dir)).rejects.toThrow(tlogError('CONFLICT', /holds tiles but no checkpoint: refusing to start a new log over them$/));
  });

  it('refuses to sign after another writer moved the checkpoint, leaving that writer\'s checkpoint', async () => {
    const dir = freshDir();
    const a = await open(dir);
    const b = await open(dir);
    await a.appendBatch(entries(0, 5));
    await expect(b.appendBatch([Buffer.from('fork')])).rejects.toThrow(tlogError('CONFLICT', /the checkpoint on disk changed since this log last signed \(another writer\?\); reopen the log$/));
    expect(readFileSync(join(dir, 'checkpoint'), 'utf8')).toBe(a.checkpoint);
    expect((await open(dir)).size).toBe(5);
  });

  it('refuses to sign when the tiles it wrote do not give the root it computed', async () => {
    const dir = freshDir();
    const corrupting: FsOps = {
      ...nodeFsOps,
      writeFile: (p, data, sync) => nodeFsOps.writeFile(p, p.endsWith('.p/4.tmp') && p.includes('/tile/0/') ? Buffer.concat([data.subarray(0, 32), Buffer.alloc(96)]) : data, sync),
    };
    const log = await open(dir, { fsOps: corrupting });
    await log.appendBatch(entries(0, 3));
    const before = log.checkpoint;
    await expect(log.appendBatch([entry(3)])).rejects.toThrow(tlogError('CONFLICT', /^refusing to sign a checkpoint of size 4: the tiles on disk give root [0-9a-f]{64}, not [0-9a-f]{64}$/));
    expect(readFileSync(join(dir, 'checkpoint'), 'utf8')).toBe(before);
    expect(log.size).toBe(3);
  });

  it('refuses to sign a checkpoint its stored tiles do not prove consistent with the last one', async () => {
    // Tile 0/001 is written corrupted when it fills; the new root comes from level 1
    // (computed in memory), but the consistency proof from size 300 reads tile 0/001.
    const dir = freshDir();
    const corrupting: FsOps = {
      ...nodeFsOps,
      writeFile: (p, data, sync) => nodeFsOps.writeFile(p, p.endsWith('/tile/0/001.tmp') ? Buffer.alloc(data.length, 7) : data, sync),
    };
    const log = await open(dir, { fsOps: corrupting });
    await log.appendBatch(entries(0, 300));
    const before = log.checkpoint;
    await expect(log.appendBatch(entries(300, 512))).rejects.toThrow(
      tlogError('CONFLICT', /^refusing to sign a checkpoint of size 512: it is not consistent with the last signed checkpoint \(size 300\): consistency proof leads to root [0-9a-f]{64} for size 300, expected [0-9a-f]{64}$/),
    );
    expect(readFileSync(join(dir, 'checkpoint'), 'utf8')).toBe(before);
  });

  it('guards every signature: smaller, forked or unproven heads are refused', () => {
    const t = MemoryTree.fromLeafData(entries(0, 20));
    const fork = MemoryTree.fromLeafData([...entries(0, 9), Buffer.from('x'), ...entries(10, 20)]);
    const head = (tree: MemoryTree, size: number): { size: number; root: Uint8Array } => ({ size, root: tree.root(size) });
    expect(() => assertExtends(head(t, 10), head(t, 20), t.consistencyProof(10, 20))).not.toThrow();
    expect(() => assertExtends({ size: 0, root: EMPTY_ROOT }, head(t, 20), [])).not.toThrow();
    expect(() => assertExtends(head(t, 10), head(t, 9), [])).toThrow(tlogError('CONFLICT', 'refusing to sign a checkpoint of size 9: it is smaller than the last signed size 10'));
    expect(() => assertExtends(head(t, 10), head(fork, 10), [])).toThrow(tlogError('CONFLICT', /^refusing to sign a checkpoint of size 10: the last signed checkpoint has the same size with root [0-9a-f]{64}, not [0-9a-f]{64} \(a fork\)$/));
    expect(() => assertExtends(head(t, 10), head(fork, 20), fork.consistencyProof(10, 20))).toThrow(tlogError('CONFLICT', /^refusing to sign a checkpoint of size 20: it is not consistent with the last signed checkpoint \(size 10\): /));
    expect(() => assertExtends({ size: 0, root: t.root(1) }, head(t, 20), [])).toThrow(tlogError('CONFLICT', 'refusing to sign a checkpoint of size 20: the last signed checkpoint has size 0 but not the empty root'));
  });
});

describe('crash safety', () => {
  /** FsOps that die at the k-th call after being armed: a torn write leaves half the bytes, later calls all fail. */
  function crashAt(k: number): { ops: FsOps; arm: () => void; calls: () => number; settled: () => Promise<void> } {
    let armed = false;
    let count = 0;
    let dead = false;
    const inflight = new Set<Promise<unknown>>();
    const step = <T>(run: () => Promise<T>, torn?: () => Promise<void>): Promise<T> => {
      const p = (async () => {
        if (armed) count++;
        if (dead) throw new Error('process is gone');
        if (armed && count === k) {
          dead = true;
          await torn?.();
          throw new Error('simulated crash');
        }
        return run();
      })();
      inflight.add(p);
      void p.catch(() => undefined).finally(() => inflight.delete(p));
      return p;
    };
    const ops: FsOps = {
      mkdir: (d) => step(() => nodeFsOps.mkdir(d)),
      writeFile: (p, data, sync) => step(() => nodeFsOps.writeFile(p, data, sync), () => nodeFsOps.writeFile(p, data.subarray(0, Math.floor(data.length / 2)), false)),
      rename: (a, b) => step(() => nodeFsOps.rename(a, b)),
      syncDir: (d) => step(() => nodeFsOps.syncDir(d)),
      removeTree: (p) => step(() => nodeFsOps.removeTree(p)),
    };
    return {
      ops,
      arm: () => (armed = true),
      calls: () => count,
      settled: async () => {
        while (inflight.size > 0) await Promise.allSettled([...inflight]);
      },
    };
  }

  const batchA = entries(0, 300);
  const batchB = entries(300, 530); // fills tile 0/001: full tiles, partials, obsolete folders, checkpoint

  it('leaves the old or the new checkpoint, never a torn file, and a retry converges on the clean folder', async () => {
    const cleanDir = freshDir();
    const probe = crashAt(Number.POSITIVE_INFINITY);
    const clean = await open(cleanDir, { fsOps: probe.ops, fsync: true });
    await clean.appendBatch(batchA);
    const before = readTree(cleanDir);
    probe.arm();
    await clean.appendBatch(batchB);
    const steps = probe.calls();
    const after = readTree(cleanDir);
    expect(steps).toBeGreaterThan(15);

    const outcomes = new Set<number>();
    for (let k = 1; k <= steps; k++) {
      const dir = freshDir();
      const c = crashAt(k);
      const log = await open(dir, { fsOps: c.ops, fsync: true });
      await log.appendBatch(batchA);
      c.arm();
      await expect(log.appendBatch(batchB), `crash at step ${k}`).rejects.toThrow(/simulated crash|process is gone/);
      await c.settled();
      // Every file under its final name is whole: the bytes from before or after the batch.
      for (const [p, data] of readTree(dir)) {
        if (p.endsWith('.tmp')) continue;
        expect(data.equals(after.get(p) ?? before.get(p) ?? Buffer.alloc(0)) || data.equals(before.get(p) ?? Buffer.alloc(0)), `step ${k}: ${p}`).toBe(true);
      }
      const reopened = await open(dir, { fsync: true });
      expect([300, 530], `step ${k}`).toContain(reopened.size);
      outcomes.add(reopened.size);
      if (reopened.size === 300) await reopened.appendBatch(batchB);
      const final = readTree(dir);
      expect([...final.keys()], `step ${k}`).toEqual([...after.keys()]);
      for (const [p, data] of after) expect(final.get(p)!.equals(data), `step ${k}: ${p}`).toBe(true);
    }
    // Crashes before the checkpoint rename keep the old head; the last steps (directory flush) keep the new one.
    expect([...outcomes].sort()).toEqual([300, 530]);
  });
});

describe('the tessera golden log', () => {
  const corpus = join(import.meta.dirname, '../../../../shared/corpus/tlog/log');
  it.skipIf(!existsSync(corpus))('is reproduced byte for byte by appending its entries one at a time [skipped when ../shared/corpus/tlog is absent]', async () => {
    const bundle = readFileSync(join(corpus, 'tile/entries/000.p/15'));
    const words: Uint8Array[] = [];
    for (let off = 0; off < bundle.length; off += 2 + bundle.readUInt16BE(off)) words.push(bundle.subarray(off + 2, off + 2 + bundle.readUInt16BE(off)));
    const dir = freshDir();
    const log = await TransparencyLog.open(dir, { signerKey: testKey('example.com/log/testdata').signerKey, fsync: false });
    for (const w of words) {
      const r = await log.append(w);
      const theirs = openCheckpoint(readFileSync(join(corpus, `checkpoint.${r.size}`)), [parseVerifierKey('example.com/log/testdata+33d7b496+AeHTu4Q3hEIMHNqc6fASMsq3rKNx280NI+oO5xCFkkSx')]);
      expect(hex(r.root)).toBe(hex(theirs.root));
    }
    const ours = readTree(dir);
    const theirs = readTree(corpus);
    for (const [p, data] of ours) if (p !== 'checkpoint') expect(data.equals(theirs.get(p)!), p).toBe(true);
    expect([...ours.keys()].filter((p) => p.startsWith('tile/'))).toEqual([...theirs.keys()].filter((p) => p.startsWith('tile/')));
  });
});
