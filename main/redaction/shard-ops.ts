import type { Database as SqliteDatabase, Statement } from 'better-sqlite3';
import { idsDigest } from './batch-digest.ts';
import { compareShard, planShardBatches, type RangeIds } from './batch-planner.ts';
import { ShardOpError } from './shard-op-error.ts';
import type { PolicyRange } from './retention-policy.ts';
import { segmentWhere } from './segment-sql.ts';
import type { BatchOutcome, BatchSpec, KeyBound, Receipt, ShardPlan } from './vector-backend.ts';

/**
 * The heavy operations on one SQLite shard, written once for both places they run: on the
 * caller's thread, and in a shard worker (shard-worker.ts) so shards are worked on in
 * parallel. Everything here is synchronous better-sqlite3.
 */
export class ShardOps {
  readonly shard: number;
  readonly #db: SqliteDatabase;
  readonly #statements = new Map<string, Statement>();

  constructor(db: SqliteDatabase, shard: number) {
    this.#db = db;
    this.shard = shard;
  }

  stmt(sql: string): Statement {
    let s = this.#statements.get(sql);
    if (!s) {
      s = this.#db.prepare(sql);
      this.#statements.set(sql, s);
    }
    return s;
  }

  selectIds(ranges: readonly PolicyRange[]): { ids: Float64Array; counts: number[] } {
    const select = this.stmt('SELECT id FROM vectors WHERE case_id = ? AND purpose = ? AND created_at < ?').pluck();
    const parts = ranges.map((r) => select.all(r.caseId, r.purpose, r.beforeMs) as number[]);
    const ids = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      ids.set(p, at);
      at += p.length;
    }
    return { ids, counts: parts.map((p) => p.length) };
  }

  countInRanges(ranges: readonly PolicyRange[]): number {
    const count = this.stmt('SELECT count(*) FROM vectors WHERE case_id = ? AND purpose = ? AND created_at < ?').pluck();
    let n = 0;
    for (const r of ranges) n += count.get(r.caseId, r.purpose, r.beforeMs) as number;
    return n;
  }

  planShard(ranges: readonly PolicyRange[], plannedIds: Float64Array, jobId: string, batchSize: number): ShardPlan {
    const select = this.stmt('SELECT id FROM vectors WHERE case_id = ? AND purpose = ? AND created_at < ? ORDER BY created_at, id').pluck();
    const rangeIds: RangeIds[] = ranges.map((range) => ({ range, ids: Float64Array.from(select.all(range.caseId, range.purpose, range.beforeMs) as number[]) }));
    const difference = compareShard(this.shard, plannedIds, rangeIds);
    if (difference) return { ok: false, difference };
    // A batch that ends inside a range needs that row's key: walk to it from the previous cut.
    const fromStart = this.stmt('SELECT created_at, id FROM vectors WHERE case_id = ? AND purpose = ? AND created_at < ? ORDER BY created_at, id LIMIT 1 OFFSET ?').raw();
    const fromCut = this.stmt(
      'SELECT created_at, id FROM vectors WHERE case_id = ? AND purpose = ? AND created_at < ? AND (created_at, id) > (?, ?) ORDER BY created_at, id LIMIT 1 OFFSET ?',
    ).raw();
    const lastCut = new Map<number, { index: number; key: KeyBound }>();
    const batches = planShardBatches(jobId, this.shard, rangeIds, batchSize, (rangeIndex, rowIndex) => {
      const r = ranges[rangeIndex]!;
      const prev = lastCut.get(rangeIndex);
      const row = (
        prev
          ? fromCut.get(r.caseId, r.purpose, r.beforeMs, prev.key.createdAt, prev.key.id, rowIndex - prev.index - 1)
          : fromStart.get(r.caseId, r.purpose, r.beforeMs, rowIndex)
      ) as [number, number] | undefined;
      if (!row || row[1] !== rangeIds[rangeIndex]!.ids[rowIndex]) {
        throw new ShardOpError('CONFLICT', `shard ${this.shard}`, 'the data changed while its batches were being planned; run apply again');
      }
      const key = { createdAt: row[0], id: row[1] };
      lastCut.set(rangeIndex, { index: rowIndex, key });
      return key;
    });
    return { ok: true, batches };
  }

  runBatch(batch: BatchSpec): BatchOutcome {
    const started = performance.now();
    const done = this.stmt('SELECT done FROM purge_checkpoints WHERE job_id = ?').pluck();
    const receipt = this.stmt('INSERT INTO purge_receipts (job_id, seq, first_id, last_id, count, digest) VALUES (?, ?, ?, ?, ?, ?)');
    const checkpoint = this.stmt('INSERT INTO purge_checkpoints (job_id, done) VALUES (?, ?) ON CONFLICT (job_id) DO UPDATE SET done = excluded.done');
    const run = this.#db.transaction((): BatchOutcome => {
      const already = (done.get(batch.jobId) as number | undefined) ?? 0;
      if (already > batch.shardIndex) return { status: 'already-done', ms: performance.now() - started };
      if (already < batch.shardIndex) {
        throw new ShardOpError('INTERNAL', `job ${batch.jobId} shard ${this.shard}`, `batch ${batch.shardIndex} cannot run before batch ${already}`);
      }
      const parts: number[][] = [];
      for (const s of batch.segments) {
        const { where, params } = segmentWhere(s);
        parts.push(this.stmt(`SELECT id FROM vectors WHERE ${where}`).pluck().all(...params) as number[]);
      }
      const found = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
      let at = 0;
      for (const p of parts) {
        found.set(p, at);
        at += p.length;
      }
      found.sort();
      const digest = idsDigest(found);
      if (found.length !== batch.count || digest !== batch.digest) {
        return { status: 'mismatch', found: { count: found.length, digest }, ms: performance.now() - started };
      }
      let changes = 0;
      for (const s of batch.segments) {
        const { where, params } = segmentWhere(s);
        changes += this.stmt(`DELETE FROM vectors WHERE ${where}`).run(...params).changes;
      }
      if (changes !== batch.count) throw new ShardOpError('INTERNAL', `job ${batch.jobId} batch ${batch.seq}`, `deleted ${changes} rows, expected ${batch.count}`);
      receipt.run(batch.jobId, batch.seq, batch.firstId, batch.lastId, batch.count, batch.digest);
      checkpoint.run(batch.jobId, batch.shardIndex + 1);
      const r: Receipt = { jobId: batch.jobId, seq: batch.seq, shard: this.shard, firstId: batch.firstId, lastId: batch.lastId, count: batch.count, digest: batch.digest };
      return { status: 'done', receipt: r, publishedInTransaction: false, ms: performance.now() - started };
    });
    return run.immediate();
  }
}
