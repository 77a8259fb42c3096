import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureCases } from '../../fixtures/vector/generate-vectors.ts';
import { skipStoreKind } from '../store/testing/store-targets.ts';
import { sortedIds } from './batch-digest.ts';
import { numberBatches } from './batch-planner.ts';
import { normalizePolicy, policyRanges } from './retention-policy.ts';
import { smallFixture, startRedactionHarness, type RedactionHarness } from './testing/redaction-harness.ts';
import type { BatchSpec, ShardPlan, VectorBackend } from './vector-backend.ts';

const spec = smallFixture({ vectors: 3000, shards: 3, queries: 0 });
const policy = normalizePolicy({ cases: fixtureCases(spec).slice(0, 12), purposes: ['research', 'analytics'], retention: '90d', at: '2026-11-28T12:00:00.000Z' });
const ranges = policyRanges(policy);

async function planAll(b: VectorBackend, batchSize: number, mutate?: (ids: Float64Array) => Float64Array): Promise<ShardPlan[]> {
  const out: ShardPlan[] = [];
  for (let s = 0; s < b.shards; s++) {
    const ids = sortedIds((await b.selectIds(s, ranges)).ids);
    out.push(await b.planShard(s, ranges, mutate ? mutate(ids) : ids, 'rj-00000000000000aa', batchSize));
  }
  return out;
}

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

  // The PostgreSQL planner counts and digests on the server instead of reading ids back: the
  // batches (segments, cut keys, counts, first/last ids, digests) must still be the same.
  it('cuts the same batches from the same data, for batch sizes that split ranges and that do not', async () => {
    for (const batchSize of [1, 7, 37, 250, 100_000]) {
      const fromPg = batchesOf(await planAll(pg.redaction.backend, batchSize));
      const fromSqlite = batchesOf(await planAll(lite.redaction.backend, batchSize));
      expect(fromPg.length).toBeGreaterThan(0);
      expect(fromPg).toEqual(fromSqlite);
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
});
