import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureCases } from '../../fixtures/vector/generate-vectors.ts';
import { skipStoreKind } from '../store/testing/store-targets.ts';
import { idsDigest, sortedIds } from './batch-digest.ts';
import { numberBatches } from './batch-planner.ts';
import { normalizePolicy, policyRanges } from './retention-policy.ts';
import { smallFixture, startRedactionHarness, type RedactionHarness } from './testing/redaction-harness.ts';
import type { BatchSpec, ShardPlan, VectorBackend } from './vector-backend.ts';

const spec = smallFixture({ vectors: 3000, shards: 3, queries: 0 });
const policy = normalizePolicy({ cases: fixtureCases(spec).slice(0, 12), purposes: ['research', 'analytics'], retention: '90d', at: '2026-11-28T12:00:00.000Z' });
const ranges = policyRanges(policy);

async function planAll(b: VectorBackend, batchSize: number, mutate?: (ids: Float64Array) => Float64Array, jobId = 'rj-00000000000000aa'): Promise<ShardPlan[]> {
  const out: ShardPlan[] = [];
  for (let s = 0; s < b.shards; s++) {
    const ids = sortedIds((await b.selectIds(s, ranges)).ids);
    out.push(await b.planShard(s, ranges, mutate ? mutate(ids) : ids, jobId, batchSize));
  }
  return out;
}

const idsBetween = (ids: Float64Array, first: number, last: number) => ids.filter((id) => id >= first && id <= last);

const batchesOf = (plans: ShardPlan[]): BatchSpec[] => numberBatches(plans.map((p) => (p.ok ? p.batches : [])));

describe.skipIf(skipStoreKind('postgres'))('PostgreSQL vector backend against the SQLite one', () => {
  let pg: RedactionHarness;
  let lite: RedactionHarness;
  beforeAll(async () => {
    [pg, lite] = await Promise.all([startRedactionHarness({ kind: 'postgres', spec }), startRedactionHarness({ kind: 'sqlite', spec })]);
  });
  afterAll(async () => {
    await Promise.all([pg?.close(), lite?.close()]);
  });

  // The PostgreSQL planner checks a server-side fingerprint instead of reading ids back, and
  // cuts batches from the plan alone: consecutive planned ids, every range an open segment.
  it('cuts each shard\'s planned ids into id intervals of the batch size, digests from the plan', async () => {
    for (const batchSize of [1, 37, 100_000]) {
      const plans = await planAll(pg.redaction.backend, batchSize);
      for (let s = 0; s < 3; s++) {
        const ids = sortedIds((await lite.redaction.backend.selectIds(s, ranges)).ids);
        const plan = plans[s]!;
        expect(plan.ok).toBe(true);
        const batches = plan.ok ? plan.batches : [];
        expect(batches).toHaveLength(Math.ceil(ids.length / batchSize));
        batches.forEach((b, i) => {
          const own = ids.subarray(i * batchSize, (i + 1) * batchSize);
          expect(b).toEqual({
            jobId: 'rj-00000000000000aa',
            seq: -1,
            shard: s,
            shardIndex: i,
            segments: ranges.map((r) => ({ ...r, after: null, through: null })),
            count: own.length,
            firstId: own[0],
            lastId: own[own.length - 1],
            digest: idsDigest(own),
          });
        });
      }
    }
  });

  it('reports a shard whose rows differ from the plan exactly as SQLite does', async () => {
    // One planned id gone from shard 1's plan, one id that is not there added.
    const mutate = (ids: Float64Array) => (ids.length > 2 ? sortedIds([...ids.subarray(1), 1_000_000_003]) : ids);
    const fromPg = await planAll(pg.redaction.backend, 37, mutate);
    const fromSqlite = await planAll(lite.redaction.backend, 37, mutate);
    expect(fromPg.filter((p) => !p.ok)).toHaveLength(3);
    expect(fromPg.map((p) => (p.ok ? 'ok' : p.difference))).toEqual(fromSqlite.map((p) => (p.ok ? 'ok' : p.difference)));
  });

  it('deletes a batch in one statement and receipts it; a second run is already-done; rows that changed are a mismatch that deletes nothing', async () => {
    const b = pg.redaction.backend;
    const batches = batchesOf(await planAll(b, 37)).filter((x) => x.shard === 2);
    const first = await b.runBatch(batches[0]!);
    expect(first).toMatchObject({ status: 'done', receipt: { seq: batches[0]!.seq, shard: 2, count: batches[0]!.count, digest: batches[0]!.digest } });
    expect((await b.runBatch(batches[0]!)).status).toBe('already-done');
    expect(await b.batchesDone('rj-00000000000000aa', 2)).toBe(1);
    const before = await b.countRows(2);
    const forged = { ...batches[1]!, digest: '0'.repeat(64) };
    const outcome = await b.runBatch(forged);
    expect(outcome).toMatchObject({ status: 'mismatch', found: { count: batches[1]!.count, digest: batches[1]!.digest } });
    expect(await b.countRows(2)).toBe(before);
    expect(await b.batchesDone('rj-00000000000000aa', 2)).toBe(1);
    expect((await b.receipts('rj-00000000000000aa')).map((r) => r.seq)).toEqual([batches[0]!.seq]);
  });

  it('checks a batch run with the plan\'s ids by fingerprint: a planned row gone is a mismatch that deletes nothing', async () => {
    const b = pg.redaction.backend;
    const plannedShardIds = sortedIds((await b.selectIds(1, ranges)).ids);
    const plan = await b.planShard(1, ranges, plannedShardIds, 'rj-00000000000000dd', 37);
    const batch = numberBatches([plan.ok ? plan.batches : []])[0]!;
    expect((await b.runBatch(batch, { plannedShardIds })).status).toBe('done');
    expect(await b.batchesDone('rj-00000000000000dd', 1)).toBe(1);
    // The next batch's first planned row disappears behind the plan's back.
    const next = numberBatches([plan.ok ? plan.batches : []])[1]!;
    await pg.store.sql.run('DELETE FROM vectors WHERE shard = 1 AND id = ?', [next.firstId]);
    const before = await b.countRows(1);
    const outcome = await b.runBatch(next, { plannedShardIds });
    const left = idsBetween(plannedShardIds, next.firstId + 1, next.lastId);
    expect(outcome).toMatchObject({ status: 'mismatch', found: { count: next.count - 1, digest: idsDigest(left) } });
    expect(await b.countRows(1)).toBe(before);
    expect(await b.batchesDone('rj-00000000000000dd', 1)).toBe(1);
    // Plan ids that are not the batch's are refused before anything runs.
    await expect(b.runBatch(next, { plannedShardIds: new Float64Array(0) })).rejects.toMatchObject({ code: 'INTERNAL' });
  });

  // Jobs cut by clustered key (as SQLite cuts them, and as older PostgreSQL jobs were) run
  // through the segment join and the in-order digest.
  it('runs batches cut by clustered key, with bounded segments, through the segment join', async () => {
    const shard = 0;
    const ids = sortedIds((await pg.redaction.backend.selectIds(shard, ranges)).ids);
    const plan = await lite.redaction.backend.planShard(shard, ranges, ids, 'rj-00000000000000cc', 37);
    const batches = numberBatches([plan.ok ? plan.batches : []]);
    expect(batches.some((x) => x.segments.some((seg) => seg.after !== null || seg.through !== null))).toBe(true);
    for (const batch of batches) expect(await pg.redaction.backend.runBatch(batch)).toMatchObject({ status: 'done', receipt: { count: batch.count, digest: batch.digest } });
    expect(await pg.redaction.backend.countInRanges(shard, ranges)).toBe(0);
  });

  it('erases exactly the planned rows when every batch of every shard runs, other rows untouched', async () => {
    const b = pg.redaction.backend;
    const total = async () => (await Promise.all([0, 1, 2].map((s) => b.countRows(s)))).reduce((x, y) => x + y, 0);
    const before = await total();
    const batches = batchesOf(await planAll(b, 37, undefined, 'rj-00000000000000bb'));
    const planned = batches.reduce((n, x) => n + x.count, 0);
    expect(planned).toBeGreaterThan(0);
    for (const batch of batches) expect((await b.runBatch(batch)).status).toBe('done');
    for (let s = 0; s < 3; s++) expect(await b.countInRanges(s, ranges)).toBe(0);
    expect(await total()).toBe(before - planned);
    expect((await b.receipts('rj-00000000000000bb')).map((r) => [r.seq, r.count, r.digest])).toEqual(batches.map((x) => [x.seq, x.count, x.digest]));
  });
});
