import { idsDigest } from './batch-digest.ts';
import type { PolicyRange } from './retention-policy.ts';
import { diffSorted, equalSorted } from './sorted-ids.ts';
import type { BatchSpec, KeyBound, Segment } from './vector-backend.ts';

/** Where a shard's data and its plan disagree (first ids of each side, and counts). */
export interface ShardDifference {
  shard: number;
  planned: number;
  found: number;
  /** In the plan, no longer in the store (erased or moved since the dry-run). */
  missing: number[];
  missingCount: number;
  /** In the store under the policy, not in the plan (added since the dry-run). */
  unexpected: number[];
  unexpectedCount: number;
}

/** The ids one policy range holds in a shard, in clustered-key order (created_at, id). */
export interface RangeIds {
  range: PolicyRange;
  ids: Float64Array;
}

/** The key of row `rowIndex` of range `rangeIndex`; called with ascending rows per range. */
export type KeyLookup = (rangeIndex: number, rowIndex: number) => KeyBound;

/** Compares what a shard holds under the policy now with what the plan says it held. */
export function compareShard(shard: number, planned: Float64Array, ranges: readonly RangeIds[]): ShardDifference | undefined {
  let n = 0;
  for (const r of ranges) n += r.ids.length;
  const found = new Float64Array(n);
  let at = 0;
  for (const r of ranges) {
    found.set(r.ids, at);
    at += r.ids.length;
  }
  found.sort();
  if (equalSorted(planned, found)) return undefined;
  return { shard, planned: planned.length, found: found.length, ...diffSorted(planned, found) };
}

/**
 * Cuts a shard's selected rows, walked in clustered-key order range by range, into batches
 * of at most `batchSize` rows. A batch deletes key ranges (segments), never id lists, so its
 * delete touches adjacent pages only. Keys are looked up only where a batch ends inside a
 * range. `seq` is left at -1: the job numbers batches across shards.
 */
export function planShardBatches(jobId: string, shard: number, ranges: readonly RangeIds[], batchSize: number, keyAt: KeyLookup): BatchSpec[] {
  const out: BatchSpec[] = [];
  let segments: Segment[] = [];
  let ids: Float64Array[] = [];
  let size = 0;
  const close = () => {
    if (size === 0) return;
    const sorted = new Float64Array(size);
    let at = 0;
    for (const part of ids) {
      sorted.set(part, at);
      at += part.length;
    }
    sorted.sort();
    out.push({
      jobId,
      seq: -1,
      shard,
      shardIndex: out.length,
      segments,
      count: size,
      firstId: sorted[0]!,
      lastId: sorted[size - 1]!,
      digest: idsDigest(sorted),
    });
    segments = [];
    ids = [];
    size = 0;
  };
  ranges.forEach((r, rangeIndex) => {
    let i = 0;
    let after: KeyBound | null = null;
    while (i < r.ids.length) {
      const end = Math.min(r.ids.length, i + (batchSize - size));
      const through: KeyBound | null = end < r.ids.length ? keyAt(rangeIndex, end - 1) : null;
      segments.push({ caseId: r.range.caseId, purpose: r.range.purpose, beforeMs: r.range.beforeMs, after, through });
      ids.push(r.ids.subarray(i, end));
      size += end - i;
      after = through;
      i = end;
      if (size >= batchSize) close();
    }
  });
  close();
  return out;
}

/**
 * Cuts a shard's planned ids (ascending) into batches of consecutive ids, for a backend that
 * deletes a batch as "the rows of these ranges whose ids lie in [firstId, lastId]" (the
 * PostgreSQL one): the cut needs only the plan, not the rows' keys. Every batch names every
 * range as an open segment.
 */
export function planIdIntervalBatches(jobId: string, shard: number, ranges: readonly PolicyRange[], plannedIds: Float64Array, batchSize: number): BatchSpec[] {
  const segments: Segment[] = ranges.map((r) => ({ caseId: r.caseId, purpose: r.purpose, beforeMs: r.beforeMs, after: null, through: null }));
  const out: BatchSpec[] = [];
  for (let i = 0; i < plannedIds.length; i += batchSize) {
    const ids = plannedIds.subarray(i, Math.min(plannedIds.length, i + batchSize));
    out.push({ jobId, seq: -1, shard, shardIndex: out.length, segments, count: ids.length, firstId: ids[0]!, lastId: ids[ids.length - 1]!, digest: idsDigest(ids) });
  }
  return out;
}

/** Numbers the batches of all shards (shard order, then position): the job's batch sequence. */
export function numberBatches(perShard: readonly BatchSpec[][]): BatchSpec[] {
  const out: BatchSpec[] = [];
  for (const list of perShard) for (const b of list) out.push({ ...b, seq: out.length });
  return out;
}
