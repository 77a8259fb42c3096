import type { SqlClient, SqlValue } from '../store/sql-client.ts';
import type { Store } from '../store/store.ts';
import { checkDimension } from './embedding.ts';
import { GrowableIds } from './growable-ids.ts';
import { redactionError } from './redaction-error.ts';
import type { PolicyRange } from './retention-policy.ts';
import { compareShard, planShardBatches, type RangeIds } from './batch-planner.ts';
import type { BatchOutcome, BatchSpec, InTransactionPublisher, KeyBound, Receipt, RowVisitor, Segment, ShardPlan, VectorBackend, VectorRow } from './vector-backend.ts';
import { shardOf } from './vector-backend.ts';

/** Rows per INSERT statement: 8 parameters each, well under PostgreSQL's 65535. */
const INSERT_ROWS = 4000;

type Num = number | bigint;
const num = (v: Num): number => Number(v);

/**
 * Vectors in the shared PostgreSQL store: one `vectors` table whose primary key
 * (shard, case_id, purpose, created_at, id) makes a policy's rows one index range. A batch's
 * delete, checkpoint, receipt and the receipt's audit event commit in one transaction.
 */
export class PostgresVectorBackend implements VectorBackend {
  readonly kind = 'postgres' as const;
  readonly shards: number;
  readonly dimension: number;
  readonly display: string;
  readonly #store: Store;

  private constructor(store: Store, shards: number, dimension: number) {
    this.#store = store;
    this.shards = shards;
    this.dimension = dimension;
    this.display = store.location.display;
  }

  static async exists(store: Store): Promise<boolean> {
    return (await store.sql.get('SELECT shards FROM vector_store_meta WHERE singleton = 1')) !== undefined;
  }

  static async create(store: Store, spec: { shards: number; dimension: number }): Promise<PostgresVectorBackend> {
    if (store.sql.dialect !== 'postgres') throw redactionError('BAD_INPUT', 'store', 'the PostgreSQL vector backend needs a PostgreSQL store');
    if (!Number.isInteger(spec.shards) || spec.shards < 1 || spec.shards > 100) {
      throw redactionError('BAD_INPUT', 'shards', `must be a whole number from 1 to 100, got ${spec.shards}`);
    }
    checkDimension(spec.dimension);
    if (await PostgresVectorBackend.exists(store)) throw redactionError('CONFLICT', store.location.display, 'already holds a vector store');
    await store.sql.run('INSERT INTO vector_store_meta (singleton, shards, dimension) VALUES (1, ?, ?)', [spec.shards, spec.dimension]);
    return new PostgresVectorBackend(store, spec.shards, spec.dimension);
  }

  static async open(store: Store): Promise<PostgresVectorBackend> {
    const meta = await store.sql.get<{ shards: number; dimension: number }>('SELECT shards, dimension FROM vector_store_meta WHERE singleton = 1');
    if (!meta) throw redactionError('NOT_FOUND', store.location.display, 'holds no vector store');
    return new PostgresVectorBackend(store, meta.shards, meta.dimension);
  }

  get #sql(): SqlClient {
    return this.#store.sql;
  }

  async insertRows(shard: number, rows: readonly VectorRow[]): Promise<void> {
    await this.#store.sql.transaction(async (tx) => {
      for (let i = 0; i < rows.length; i += INSERT_ROWS) {
        const part = rows.slice(i, i + INSERT_ROWS);
        const params: SqlValue[] = [];
        for (const r of part) {
          if (shardOf(r.id, this.shards) !== shard) throw redactionError('BAD_INPUT', `vector ${r.id}`, `belongs to shard ${shardOf(r.id, this.shards)}, not ${shard}`);
          params.push(shard, r.caseId, r.purpose, r.createdAt, r.id, r.tenant, r.region, r.embedding);
        }
        const values = part.map(() => '(?, ?, ?, ?, ?, ?, ?, ?)').join(', ');
        await tx.run(`INSERT INTO vectors (shard, case_id, purpose, created_at, id, tenant, region, embedding) VALUES ${values}`, params);
      }
    });
  }

  async selectIds(shard: number, ranges: readonly PolicyRange[]): Promise<{ ids: Float64Array; counts: number[] }> {
    const rows = await this.#perRange<{ ids: string | null }>(shard, ranges, "string_agg(id::text, ',' ORDER BY created_at, id) AS ids");
    const out = new GrowableIds();
    const counts = rows.map((row) => {
      const ids = parseIds(row?.ids);
      out.pushAll(ids);
      return ids.length;
    });
    return { ids: out.toArray(), counts };
  }

  /**
   * One aggregate row per policy range, in the ranges' order (undefined where a range holds
   * nothing): one round trip per shard and cutoff. The cases and purposes go in as two lists
   * (`= ANY`, which PostgreSQL matches by hashing) rather than an OR of pairs; groups outside
   * the requested pairs are dropped. Labels never contain a comma.
   */
  async #perRange<T>(shard: number, ranges: readonly PolicyRange[], select: string): Promise<Array<T | undefined>> {
    const out = new Array<T | undefined>(ranges.length);
    const byCutoff = new Map<number, number[]>();
    ranges.forEach((r, i) => byCutoff.set(r.beforeMs, [...(byCutoff.get(r.beforeMs) ?? []), i]));
    for (const [beforeMs, idx] of byCutoff) {
      const cases = [...new Set(idx.map((i) => ranges[i]!.caseId))].join(',');
      const purposes = [...new Set(idx.map((i) => ranges[i]!.purpose))].join(',');
      const rows = await this.#sql.all<T & { case_id: string; purpose: string }>(
        `SELECT case_id, purpose, ${select} FROM vectors
         WHERE shard = ? AND created_at < ? AND case_id = ANY (string_to_array(?, ',')) AND purpose = ANY (string_to_array(?, ','))
         GROUP BY case_id, purpose`,
        [shard, beforeMs, cases, purposes],
      );
      const at = new Map(idx.map((i) => [`${ranges[i]!.caseId}\u0000${ranges[i]!.purpose}`, i]));
      for (const row of rows) {
        const i = at.get(`${row.case_id}\u0000${row.purpose}`);
        if (i !== undefined) out[i] = row;
      }
    }
    return out;
  }

  async planShard(shard: number, ranges: readonly PolicyRange[], plannedIds: Float64Array, jobId: string, batchSize: number): Promise<ShardPlan> {
    const rows = await this.#perRange<{ ids: string | null }>(shard, ranges, "string_agg(id::text, ',' ORDER BY created_at, id) AS ids");
    const rangeIds: RangeIds[] = ranges.map((range, i) => ({ range, ids: parseIds(rows[i]?.ids) }));
    const difference = compareShard(shard, plannedIds, rangeIds);
    if (difference) return { ok: false, difference };
    // Keys are needed only where a batch ends inside a range: find where, then walk the
    // index to each from the previous one (O(batch) per cut), then cut for real.
    const cuts: Array<{ ri: number; row: number }> = [];
    planShardBatches(jobId, shard, rangeIds, batchSize, (ri, row) => {
      cuts.push({ ri, row });
      return { createdAt: 0, id: 0 };
    });
    const keys = new Map<string, KeyBound>();
    const last = new Map<number, { row: number; key: KeyBound }>();
    for (const { ri, row } of cuts) {
      const r = ranges[ri]!;
      const prev = last.get(ri);
      const hit = prev
        ? await this.#sql.get<{ created_at: Num; id: Num }>(
            'SELECT created_at, id FROM vectors WHERE shard = ? AND case_id = ? AND purpose = ? AND created_at < ? AND (created_at, id) > (?, ?) ORDER BY created_at, id OFFSET ? LIMIT 1',
            [shard, r.caseId, r.purpose, r.beforeMs, prev.key.createdAt, prev.key.id, row - prev.row - 1],
          )
        : await this.#sql.get<{ created_at: Num; id: Num }>(
            'SELECT created_at, id FROM vectors WHERE shard = ? AND case_id = ? AND purpose = ? AND created_at < ? ORDER BY created_at, id OFFSET ? LIMIT 1',
            [shard, r.caseId, r.purpose, r.beforeMs, row],
          );
      if (!hit || num(hit.id) !== rangeIds[ri]!.ids[row]) throw redactionError('CONFLICT', `shard ${shard}`, 'the data changed while its batches were being planned; run apply again');
      const key = { createdAt: num(hit.created_at), id: num(hit.id) };
      keys.set(`${ri}:${row}`, key);
      last.set(ri, { row, key });
    }
    const batches = planShardBatches(jobId, shard, rangeIds, batchSize, (ri, row) => keys.get(`${ri}:${row}`)!);
    return { ok: true, batches };
  }

  async countInRanges(shard: number, ranges: readonly PolicyRange[]): Promise<number> {
    const rows = await this.#perRange<{ n: Num }>(shard, ranges, 'count(*) AS n');
    return rows.reduce((n, row) => n + (row ? num(row.n) : 0), 0);
  }

  async existingIds(shard: number, ids: Float64Array): Promise<number[]> {
    const found: number[] = [];
    for (let i = 0; i < ids.length; i += 10_000) {
      const part = Array.from(ids.subarray(i, i + 10_000));
      const rows = await this.#sql.all<{ id: Num }>(`SELECT id FROM vectors WHERE shard = ? AND id IN (${part.map(() => '?').join(', ')})`, [shard, ...part]);
      for (const r of rows) found.push(num(r.id));
    }
    return found.sort((a, b) => a - b);
  }

  async getById(id: number): Promise<VectorRow | undefined> {
    const row = await this.#sql.get<{ id: Num; tenant: string; region: string; case_id: string; purpose: string; created_at: Num; embedding: Buffer }>(
      'SELECT id, tenant, region, case_id, purpose, created_at, embedding FROM vectors WHERE shard = ? AND id = ?',
      [shardOf(id, this.shards), id],
    );
    return (
      row && { id: num(row.id), tenant: row.tenant, region: row.region, caseId: row.case_id, purpose: row.purpose, createdAt: num(row.created_at), embedding: row.embedding }
    );
  }

  async scan(shard: number, visit: RowVisitor): Promise<void> {
    const rows = await this.#sql.all<{ id: Num; case_id: string; purpose: string; created_at: Num; tenant: string; embedding: Buffer }>(
      'SELECT id, case_id, purpose, created_at, tenant, embedding FROM vectors WHERE shard = ?',
      [shard],
    );
    for (const r of rows) visit(num(r.id), r.case_id, r.purpose, num(r.created_at), r.tenant, r.embedding);
  }

  async countRows(shard: number): Promise<number> {
    return num((await this.#sql.get<{ n: Num }>('SELECT count(*) AS n FROM vectors WHERE shard = ?', [shard]))!.n);
  }

  async runBatch(batch: BatchSpec, publish?: InTransactionPublisher): Promise<BatchOutcome> {
    const started = performance.now();
    try {
      return await this.#runBatch(batch, started, publish);
    } catch (e) {
      if (e instanceof BatchMismatch) return { status: 'mismatch', found: { count: e.count, digest: e.digest }, ms: performance.now() - started };
      throw e;
    }
  }

  async #runBatch(batch: BatchSpec, started: number, publish?: InTransactionPublisher): Promise<BatchOutcome> {
    return this.#store.transaction(async (tx): Promise<BatchOutcome> => {
      // Two runs of one job (a resumed process and a stale one) serialise per shard here.
      await tx.sql.lock(`redaction:${batch.jobId}:${batch.shard}`);
      const row = await tx.sql.get<{ done: number }>('SELECT done FROM vector_purge_checkpoints WHERE job_id = ? AND shard = ?', [batch.jobId, batch.shard]);
      const already = row?.done ?? 0;
      if (already > batch.shardIndex) return { status: 'already-done', ms: performance.now() - started };
      if (already < batch.shardIndex) {
        throw redactionError('INTERNAL', `job ${batch.jobId} shard ${batch.shard}`, `batch ${batch.shardIndex} cannot run before batch ${already}`);
      }
      // One statement deletes every segment, writes the receipt and the checkpoint, and
      // returns the count and digest of the ids it deleted, computed by the server (no id
      // crosses the wire). A batch that found other rows than planned throws, and its
      // transaction rolls back: nothing of it is deleted, receipted or checkpointed.
      const { sql, params } = batchDeleteSql(batch);
      const found = (await tx.sql.get<{ n: Num; digest: string }>(sql, params))!;
      if (num(found.n) !== batch.count || found.digest !== batch.digest) throw new BatchMismatch(num(found.n), found.digest);
      const receipt: Receipt = {
        jobId: batch.jobId,
        seq: batch.seq,
        shard: batch.shard,
        firstId: batch.firstId,
        lastId: batch.lastId,
        count: batch.count,
        digest: batch.digest,
      };
      if (publish) await publish(receipt, tx);
      return { status: 'done', receipt, publishedInTransaction: publish !== undefined, ms: performance.now() - started };
    });
  }

  async batchesDone(jobId: string, shard: number): Promise<number> {
    const row = await this.#sql.get<{ done: number }>('SELECT done FROM vector_purge_checkpoints WHERE job_id = ? AND shard = ?', [jobId, shard]);
    return row?.done ?? 0;
  }

  async receipts(jobId: string): Promise<Receipt[]> {
    const rows = await this.#sql.all<{ seq: number; shard: number; first_id: Num; last_id: Num; count: number; digest: string }>(
      'SELECT seq, shard, first_id, last_id, count, digest FROM vector_purge_receipts WHERE job_id = ? ORDER BY seq',
      [jobId],
    );
    return rows.map((r) => ({ jobId, seq: r.seq, shard: r.shard, firstId: num(r.first_id), lastId: num(r.last_id), count: r.count, digest: r.digest }));
  }

  /**
   * PostgreSQL keeps deleted tuples until VACUUM reclaims them; a plain VACUUM makes their
   * space reusable (ADR-055: what erasure means on the shared store). Once, not per shard.
   */
  async compact(shard: number): Promise<void> {
    if (shard === 0) await this.#sql.exec('VACUUM vectors');
  }

  async close(): Promise<void> {
    // The store owns the connection pool.
  }
}

const MIN_BIGINT = '-9223372036854775808';
const MAX_BIGINT = '9223372036854775807';

/** SHA-256 hex of the ids ascending, 8 bytes big-endian each (int8send): idsDigest, computed by the server. */
function idsDigestSql(id: string): string {
  return `encode(sha256(coalesce(string_agg(int8send(${id}), ''::bytea ORDER BY ${id}), ''::bytea)), 'hex')`;
}

/** Segments as the parallel array parameters SEGMENTS_SQL unnests. */
function segmentArrays(seg: readonly Segment[]): SqlValue[] {
  const bound = (k: KeyBound | null, at: 'createdAt' | 'id', open: string) => (k ? String(k[at]) : open);
  const list = (values: Array<string | number>) => `{${values.join(',')}}`;
  return [
    list(seg.map((s) => pgArrayText(s.caseId))),
    list(seg.map((s) => pgArrayText(s.purpose))),
    list(seg.map((s) => s.beforeMs)),
    list(seg.map((s) => bound(s.after, 'createdAt', MIN_BIGINT))),
    list(seg.map((s) => bound(s.after, 'id', MIN_BIGINT))),
    list(seg.map((s) => bound(s.through, 'createdAt', MAX_BIGINT))),
    list(seg.map((s) => bound(s.through, 'id', MAX_BIGINT))),
  ];
}

const SEGMENTS_SQL = `SELECT * FROM unnest(?::text[], ?::text[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[])
        AS s(case_id, purpose, before_ms, after_at, after_id, through_at, through_id)`;

/** A row `v` of shard `?` inside segment `seg`: every bound an index condition. */
const IN_SEGMENT_SQL = `v.shard = ? AND v.case_id = seg.case_id AND v.purpose = seg.purpose AND v.created_at < seg.before_ms
        AND (v.created_at, v.id) > (seg.after_at, seg.after_id) AND (v.created_at, v.id) <= (seg.through_at, seg.through_id)`;

/**
 * A batch's delete, receipt and checkpoint as one statement. The segments go in as parallel
 * arrays joined against the table; an open bound becomes the extreme key, so every bound is
 * an index condition and each segment is one index range scan (O(batch), not O(range)).
 */
export function batchDeleteSql(batch: BatchSpec): { sql: string; params: SqlValue[] } {
  const params: SqlValue[] = [
    ...segmentArrays(batch.segments),
    batch.shard,
    batch.jobId,
    batch.seq,
    batch.shard,
    batch.firstId,
    batch.lastId,
    batch.count,
    batch.digest,
    batch.jobId,
    batch.shard,
    batch.shardIndex + 1,
  ];
  const sql = `WITH seg AS (${SEGMENTS_SQL}), deleted AS (
      DELETE FROM vectors v USING seg WHERE ${IN_SEGMENT_SQL}
      RETURNING v.id
    ), receipt AS (
      INSERT INTO vector_purge_receipts (job_id, seq, shard, first_id, last_id, count, digest) VALUES (?, ?, ?, ?, ?, ?, ?)
    ), checkpoint AS (
      INSERT INTO vector_purge_checkpoints (job_id, shard, done) VALUES (?, ?, ?)
      ON CONFLICT (job_id, shard) DO UPDATE SET done = excluded.done
    )
    SELECT count(*) AS n, ${idsDigestSql('id')} AS digest FROM deleted`;
  return { sql, params };
}

/** One element of a PostgreSQL array literal: always quoted, so commas, braces and spaces are data. */
function pgArrayText(v: string): string {
  return `"${v.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

/** A comma-separated list of integers (string_agg's output) as numbers. */
function parseIds(text: string | null | undefined): Float64Array {
  return text ? Float64Array.from(text.split(','), Number) : new Float64Array(0);
}

/** Thrown inside a batch's transaction to roll it back when its rows are not the planned ones. */
class BatchMismatch extends Error {
  readonly count: number;
  readonly digest: string;
  constructor(count: number, digest: string) {
    super(`batch found ${count} rows with digest ${digest}`);
    this.count = count;
    this.digest = digest;
  }
}
