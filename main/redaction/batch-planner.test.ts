import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { idsDigest } from './batch-digest.ts';
import { compareShard, numberBatches, planShardBatches, type RangeIds } from './batch-planner.ts';

/** The receipt digest, computed independently: SHA-256 of ascending ids as uint64 big-endian. */
function digestOf(ids: number[]): string {
  const buf = Buffer.alloc(ids.length * 8);
  [...ids].sort((a, b) => a - b).forEach((id, i) => buf.writeBigUInt64BE(BigInt(id), i * 8));
  return createHash('sha256').update(buf).digest('hex');
}

describe('batch digests', () => {
  it('hash ascending ids as 8-byte big-endian integers', () => {
    expect(idsDigest(Float64Array.of(1, 2, 2 ** 40 + 7))).toBe(digestOf([1, 2, 2 ** 40 + 7]));
    expect(idsDigest(new Float64Array(0))).toBe(createHash('sha256').digest('hex'));
  });
});

describe('cutting a shard into batches', () => {
  const before = 1_000_000;
  // Two ranges in key order: (created_at, id) ascending; ids are not ascending.
  const a: RangeIds = { range: { caseId: 'CASE-1', purpose: 'research', beforeMs: before }, ids: Float64Array.of(40, 8, 24, 16, 4) };
  const aCreated = [10, 20, 20, 30, 40];
  const b: RangeIds = { range: { caseId: 'CASE-2', purpose: 'research', beforeMs: before }, ids: Float64Array.of(12, 36) };
  const bCreated = [5, 6];
  const keyAt = (ri: number, row: number) => ({ createdAt: (ri === 0 ? aCreated : bCreated)[row]!, id: (ri === 0 ? a : b).ids[row]! });

  it('ends batches inside a range at a key and carries the rest into the next batch, across ranges', () => {
    const batches = planShardBatches('rj-x', 4, [a, b], 3, keyAt);
    expect(batches).toEqual([
      {
        jobId: 'rj-x',
        seq: -1,
        shard: 4,
        shardIndex: 0,
        segments: [{ caseId: 'CASE-1', purpose: 'research', beforeMs: before, after: null, through: { createdAt: 20, id: 24 } }],
        count: 3,
        firstId: 8,
        lastId: 40,
        digest: digestOf([40, 8, 24]),
      },
      {
        jobId: 'rj-x',
        seq: -1,
        shard: 4,
        shardIndex: 1,
        segments: [
          { caseId: 'CASE-1', purpose: 'research', beforeMs: before, after: { createdAt: 20, id: 24 }, through: null },
          { caseId: 'CASE-2', purpose: 'research', beforeMs: before, after: null, through: { createdAt: 5, id: 12 } },
        ],
        count: 3,
        firstId: 4,
        lastId: 16,
        digest: digestOf([16, 4, 12]),
      },
      {
        jobId: 'rj-x',
        seq: -1,
        shard: 4,
        shardIndex: 2,
        segments: [{ caseId: 'CASE-2', purpose: 'research', beforeMs: before, after: { createdAt: 5, id: 12 }, through: null }],
        count: 1,
        firstId: 36,
        lastId: 36,
        digest: digestOf([36]),
      },
    ]);
  });

  it('looks keys up only where a batch ends inside a range', () => {
    const asked: Array<[number, number]> = [];
    planShardBatches('rj-x', 0, [a, b], 100, (ri, row) => {
      asked.push([ri, row]);
      return keyAt(ri, row);
    });
    expect(asked).toEqual([]);
    planShardBatches('rj-x', 0, [a, b], 2, (ri, row) => {
      asked.push([ri, row]);
      return keyAt(ri, row);
    });
    // a: rows 0-1 | 2-3 | 4 + b: row 0 | 1 — the last cut falls inside b.
    expect(asked).toEqual([
      [0, 1],
      [0, 3],
      [1, 0],
    ]);
  });

  it('numbers batches across shards in shard order', () => {
    const s0 = planShardBatches('rj-x', 0, [a], 2, keyAt);
    const s1 = planShardBatches('rj-x', 1, [b], 2, keyAt);
    expect(numberBatches([s0, s1]).map((x) => [x.seq, x.shard, x.shardIndex])).toEqual([
      [0, 0, 0],
      [1, 0, 1],
      [2, 0, 2],
      [3, 1, 0],
    ]);
  });

  it('reports what differs between the plan and the data, ids first, with counts', () => {
    expect(compareShard(4, Float64Array.of(4, 8, 12, 16, 24, 36, 40), [a, b])).toBeUndefined();
    expect(compareShard(4, Float64Array.of(4, 8, 9, 12, 16, 24, 40), [a, b])).toEqual({
      shard: 4,
      planned: 7,
      found: 7,
      missing: [9],
      missingCount: 1,
      unexpected: [36],
      unexpectedCount: 1,
    });
  });
});
