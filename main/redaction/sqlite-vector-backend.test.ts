import { existsSync, mkdtempSync, readFileSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { WorkbenchError } from '../../shared/api/errors.ts';
import { DEFAULT_FIXTURE, fixtureCases, generateVectors } from '../../fixtures/vector/generate-vectors.ts';
import { numberBatches } from './batch-planner.ts';
import { encodeEmbedding } from './embedding.ts';
import { policyRanges, normalizePolicy } from './retention-policy.ts';
import { shardFileName } from './shard-schema.ts';
import { SqliteVectorBackend } from './sqlite-vector-backend.ts';
import type { BatchSpec, VectorRow } from './vector-backend.ts';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'wb-vectors-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function caught(fn: () => unknown): WorkbenchError {
  try {
    fn();
  } catch (e) {
    return e as WorkbenchError;
  }
  throw new Error('did not throw');
}

const spec = { ...DEFAULT_FIXTURE, vectors: 3000, shards: 3, queries: 0 };
const policy = normalizePolicy({ cases: fixtureCases(spec).slice(0, 10), purposes: ['research'], retention: '90d', at: '2026-11-28T12:00:00.000Z' });
const ranges = policyRanges(policy);

async function loaded(workers = 0): Promise<SqliteVectorBackend> {
  const b = SqliteVectorBackend.create(join(tempDir(), 'vectors'), { shards: spec.shards, dimension: spec.dimension }, { workers });
  await generateVectors(b, spec);
  return b;
}

async function plan(b: SqliteVectorBackend, jobId: string, batchSize: number): Promise<BatchSpec[]> {
  const shards = [];
  for (let s = 0; s < b.shards; s++) {
    const { ids } = await b.selectIds(s, ranges);
    const p = await b.planShard(s, ranges, ids.sort(), jobId, batchSize);
    if (!p.ok) throw new Error('plan differs');
    shards.push(p.batches);
  }
  return numberBatches(shards);
}

async function dump(b: SqliteVectorBackend): Promise<string[]> {
  const rows: string[] = [];
  for (let s = 0; s < b.shards; s++) {
    await b.scan(s, (id, caseId, purpose, createdAt, tenant, e) => rows.push(`${s}|${id}|${caseId}|${purpose}|${createdAt}|${tenant}|${Buffer.from(e).toString('hex')}`));
  }
  return rows.sort();
}

describe('SQLite shard files', () => {
  it('refuses to create over an existing store and to open an incomplete one', async () => {
    const dir = join(tempDir(), 'vectors');
    const b = SqliteVectorBackend.create(dir, { shards: 3, dimension: 8 });
    await b.close();
    expect(caught(() => SqliteVectorBackend.create(dir, { shards: 3, dimension: 8 }))).toMatchObject({ code: 'CONFLICT', message: `${dir}: already holds a vector store` });
    unlinkSync(join(dir, shardFileName(1)));
    expect(caught(() => SqliteVectorBackend.open(dir))).toMatchObject({ code: 'UNAVAILABLE', message: `${dir}: is missing shard files shard-01.sqlite` });
    expect(caught(() => SqliteVectorBackend.open(join(tempDir(), 'none')))).toMatchObject({ code: 'NOT_FOUND' });
    expect(caught(() => SqliteVectorBackend.create(join(tempDir(), 'v'), { shards: 0, dimension: 8 }))).toMatchObject({
      code: 'BAD_INPUT',
      message: 'shards: must be a whole number from 1 to 100, got 0',
    });
  });

  it('refuses a row in the wrong shard', async () => {
    const b = SqliteVectorBackend.create(join(tempDir(), 'vectors'), { shards: 3, dimension: 2 });
    const row: VectorRow = { id: 4, tenant: 't', region: 'r', caseId: 'C', purpose: 'p', createdAt: 1, embedding: encodeEmbedding([1, 2], 2) };
    await expect(b.insertRows(0, [row])).rejects.toMatchObject({ code: 'BAD_INPUT', message: 'vector 4: belongs to shard 1, not 0' });
    await b.close();
  });

  it('selects the policy ranges exactly: the ids the fixture says, per range', async () => {
    const b = await loaded();
    for (let s = 0; s < b.shards; s++) {
      const { ids, counts } = await b.selectIds(s, ranges);
      expect(counts.reduce((x, y) => x + y, 0)).toBe(ids.length);
      const expected: number[] = [];
      for (let id = s === 0 ? 3 : s; id <= spec.vectors; id += 3) {
        const r = (await b.getById(id))!;
        if (policy.cases.includes(r.caseId) && r.purpose === 'research') expected.push(id);
      }
      expect(Array.from(ids).sort((x, y) => x - y)).toEqual(expected);
      expect(await b.countInRanges(s, ranges)).toBe(expected.length);
    }
    await b.close();
  });

  it('runs batches identically on worker threads and on the calling thread', async () => {
    const inThread = await loaded(0);
    const workers = await loaded(2);
    expect(workers.workers).toBe(2);
    const a = await plan(inThread, 'rj-0000000000000001', 37);
    const b = await plan(workers, 'rj-0000000000000001', 37);
    expect(b).toEqual(a);
    for (const batch of a) expect((await inThread.runBatch(batch)).status).toBe('done');
    for (const batch of b) expect((await workers.runBatch(batch)).status).toBe('done');
    expect(await dump(workers)).toEqual(await dump(inThread));
    expect(await workers.receipts('rj-0000000000000001')).toEqual(await inThread.receipts('rj-0000000000000001'));
    for (let s = 0; s < 3; s++) expect(await workers.countInRanges(s, ranges)).toBe(0);
    await inThread.close();
    await workers.close();
  });

  it('falls back to the calling thread when its worker script cannot start (e.g. a bundle without it)', async () => {
    const fallbacks: string[] = [];
    const b = SqliteVectorBackend.create(
      join(tempDir(), 'vectors'),
      { shards: 3, dimension: 32 },
      { workers: 2, workerUrl: new URL('file:///nonexistent/shard-worker.ts'), onWorkerFallback: (reason) => fallbacks.push(reason) },
    );
    expect(b.workers).toBe(2);
    await generateVectors(b, spec);
    const batches = await plan(b, 'rj-0000000000000005', 200);
    expect(b.workers).toBe(0);
    expect(fallbacks).toHaveLength(1);
    expect(fallbacks[0]).toMatch(/^shard worker [01] (failed: .*nonexistent\/shard-worker\.ts|exited with code 1)/);
    for (const batch of batches) expect((await b.runBatch(batch)).status).toBe('done');
    for (let s = 0; s < 3; s++) expect(await b.countInRanges(s, ranges)).toBe(0);
    await b.close();
  });

  it('runs a batch once: a second run is already-done, an out-of-order one an error', async () => {
    const b = await loaded();
    const batches = (await plan(b, 'rj-0000000000000002', 20)).filter((x) => x.shard === 0);
    expect(batches.length).toBeGreaterThan(2);
    const first = await b.runBatch(batches[0]!);
    expect(first).toMatchObject({ status: 'done', receipt: { jobId: 'rj-0000000000000002', seq: 0, shard: 0, count: batches[0]!.count, digest: batches[0]!.digest } });
    expect((await b.runBatch(batches[0]!)).status).toBe('already-done');
    await expect(b.runBatch(batches[2]!)).rejects.toMatchObject({ code: 'INTERNAL', message: 'job rj-0000000000000002 shard 0: batch 2 cannot run before batch 1' });
    expect(await b.batchesDone('rj-0000000000000002', 0)).toBe(1);
    await b.close();
  });

  it('deletes nothing of a batch whose rows changed since it was planned', async () => {
    const b = await loaded();
    const batch = (await plan(b, 'rj-0000000000000003', 1000)).find((x) => x.shard === 1)!;
    const before = await b.countInRanges(1, ranges);
    // A row slips into the batch's range (as if ingested around the recall).
    const seg = batch.segments[0]!;
    await b.insertRows(1, [{ id: 30001, tenant: 't', region: 'r', caseId: seg.caseId, purpose: seg.purpose, createdAt: 0, embedding: encodeEmbedding(new Array(32).fill(0), 32) }]);
    const out = await b.runBatch(batch);
    expect(out).toMatchObject({ status: 'mismatch', found: { count: batch.count + 1 } });
    expect(await b.countInRanges(1, ranges)).toBe(before + 1);
    expect(await b.batchesDone('rj-0000000000000003', 1)).toBe(0);
    expect(await b.receipts('rj-0000000000000003')).toEqual([]);
    await b.close();
  });

  it('erases for real: after the purge no byte of an erased embedding is left in the shard file or its WAL', async () => {
    const dir = join(tempDir(), 'vectors');
    const b = SqliteVectorBackend.create(dir, { shards: 1, dimension: 32 });
    const marker = Array.from({ length: 32 }, (_, i) => 1000 + i * 0.5);
    const markerBytes = encodeEmbedding(marker, 32);
    const rows: VectorRow[] = [];
    for (let id = 1; id <= 2000; id++) {
      rows.push({ id, tenant: 't', region: 'r', caseId: id <= 1000 ? 'CASE-A' : 'CASE-B', purpose: 'p', createdAt: id, embedding: id === 500 ? markerBytes : encodeEmbedding(new Array(32).fill(id % 7), 32) });
    }
    await b.insertRows(0, rows);
    await b.compact(0);
    const file = join(dir, shardFileName(0));
    const files = () => [file, `${file}-wal`].filter(existsSync).map((f) => readFileSync(f));
    expect(files().some((buf) => buf.includes(markerBytes))).toBe(true);
    const r = [{ caseId: 'CASE-A', purpose: 'p', beforeMs: 1e12 }];
    const { ids } = await b.selectIds(0, r);
    const p = await b.planShard(0, r, ids.sort(), 'rj-0000000000000004', 300);
    if (!p.ok) throw new Error('plan differs');
    for (const batch of numberBatches([p.batches])) expect((await b.runBatch(batch)).status).toBe('done');
    await b.compact(0);
    expect(files().some((buf) => buf.includes(markerBytes))).toBe(false);
    expect(await b.countRows(0)).toBe(1000);
    await b.close();
    // And SQLite agrees the file is sound.
    const db = new Database(file, { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  });
});
