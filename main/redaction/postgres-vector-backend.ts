import { randomBytes } from 'node:crypto';
import type { SqlClient, SqlValue } from '../store/sql-client.ts';
import type { Store } from '../store/store.ts';
import { checkDimension } from './embedding.ts';
import { GrowableIds } from './growable-ids.ts';
import { redactionError } from './redaction-error.ts';
import type { PolicyRange } from './retention-policy.ts';
import { compareShard, planIdIntervalBatches } from './batch-planner.ts';
import { idsDigest } from './batch-digest.ts';
import { idsBetween } from './sorted-ids.ts';
import { addFingerprintRow, emptyFingerprint, fingerprintParams, fingerprintSelectSql, idSetFingerprint, sameFingerprint, type IdSetFingerprint } from './id-set-fingerprint.ts';
import type { BatchOutcome, BatchRunOptions, BatchSpec, InTransactionPublisher, KeyBound, Receipt, RowVisitor, Segment, ShardPlan, VectorBackend, VectorRow } from './vector-backend.ts';
import { shardOf } from './vector-backend.ts';

/** Rows per INSERT statement: 8 parameters each, well under PostgreSQL's 65535. */
const INSERT_ROWS = 4000;

type Num = number | bigint;
type FingerprintRow = { n: Num; id_sum: string; hash_sum: string };
const num = (v: Num): number => Number(v);

/**
 * Vectors in the shared PostgreSQL store: one `vectors` table whose primary key
 * (shard, case_id, purpose, created_at, id) makes a policy's rows one index range. A batch's
 * delete, checkpoint, receipt and the receipt's audit event commit in one transaction.
 */
export class PostgresVectorBackend implements VectorBackend {
  readonly kind = 'postgres' as const;
  readonly checksBatchesWithPlanIds = true;
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
  async #perRange<T>(shard: number, ranges: readonly PolicyRange[], select: string, selectParams: SqlValue[] = []): Promise<Array<T | undefined>> {
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
        [...selectParams, shard, beforeMs, cases, purposes],
      );
      const at = new Map(idx.map((i) => [`${ranges[i]!.caseId}\u0000${ranges[i]!.purpose}`, i]));
      for (const row of rows) {
        const i = at.get(`${row.case_id}\u0000${row.purpose}`);
        if (i !== undefined) out[i] = row;
      }
    }
    return out;
  }

  /**
   * Rows of an additive aggregate (`select`) over the ranges, to be added up by the caller.
   * Ranges that share a cutoff and form a whole cases × purposes grid (a policy's always do)
   * are one aggregate with no GROUP BY, which needs no sort; other ranges go through #perRange.
   */
  async #acrossRanges<T>(shard: number, ranges: readonly PolicyRange[], select: string, selectParams: SqlValue[] = []): Promise<T[]> {
    const grid = gridOf(ranges);
    if (!grid) return (await this.#perRange<T>(shard, ranges, select, selectParams)).filter((row): row is T => row !== undefined);
    const row = await this.#sql.get<T>(
      `SELECT ${select} FROM vectors WHERE shard = ? AND case_id = ANY (?::text[]) AND purpose = ANY (?::text[]) AND created_at < ?`,
      [...selectParams, shard, pgArray(grid.cases), pgArray(grid.purposes), grid.beforeMs],
    );
    return row ? [row] : [];
  }

  /**
   * The check compares a fingerprint the server computes over the ranges (count, id sum,
   * hash sum: no sort, no id sent back) with the plan's; only a shard that differs has its
   * ids read back, to name the differences. Batches are cut from the plan alone, as id
   * intervals (ADR-055): each batch then proves, as it deletes, that it deleted exactly its
   * planned ids (runBatch).
   */
  async planShard(shard: number, ranges: readonly PolicyRange[], plannedIds: Float64Array, jobId: string, batchSize: number): Promise<ShardPlan> {
    const seed = randomBytes(8).readBigInt64BE();
    const found = emptyFingerprint();
    for (const row of await this.#acrossRanges<FingerprintRow>(shard, ranges, fingerprintSelectSql('id'), fingerprintParams(seed))) addFingerprintRow(found, row);
    if (!sameFingerprint(found, idSetFingerprint(plannedIds, seed))) {
      const rows = await this.#perRange<{ ids: string | null }>(shard, ranges, "string_agg(id::text, ',') AS ids");
      const difference = compareShard(shard, plannedIds, ranges.map((range, i) => ({ range, ids: parseIds(rows[i]?.ids) })));
      // No difference now: the data changed between the two reads and is back to the plan.
      if (difference) return { ok: false, difference };
    }
    return { ok: true, batches: planIdIntervalBatches(jobId, shard, ranges, plannedIds, batchSize) };
  }

  async countInRanges(shard: number, ranges: readonly PolicyRange[]): Promise<number> {
    const rows = await this.#acrossRanges<{ n: Num }>(shard, ranges, 'count(*) AS n');
    return rows.reduce((n, row) => n + num(row.n), 0);
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

  async runBatch(batch: BatchSpec, opts: BatchRunOptions = {}): Promise<BatchOutcome> {
    const started = performance.now();
    const check = this.#batchCheck(batch, opts.plannedShardIds);
    try {
      return await this.#runBatch(batch, started, check, opts.publish);
    } catch (e) {
      if (!(e instanceof BatchMismatch)) throw e;
      // Rolled back. Name what the batch's rows are now, by count and digest, as a report.
      const rows = batchRowsSql(batch);
      const found = e.found ?? (await this.#sql.get<{ n: Num; digest: string }>(`${rows.with} SELECT count(*) AS n, ${idsDigestSql('v.id')} AS digest FROM ${rows.from} WHERE ${rows.where}`, rows.params))!;
      return { status: 'mismatch', found: { count: num(found.n), digest: found.digest }, ms: performance.now() - started };
    }
  }

  /**
   * How a batch proves it deleted its planned rows. A batch of whole ranges cut by ids, run
   * with the plan's ids for its shard: by the fingerprint of those ids under a fresh seed,
   * summed by the server as it deletes (no sort). Otherwise: by the SHA-256 of the deleted
   * ids in order, computed by the server. Either way no id crosses the wire.
   */
  #batchCheck(batch: BatchSpec, plannedShardIds: Float64Array | undefined): BatchCheck {
    if (!plannedShardIds || !openGrid(batch.segments)) return { kind: 'digest' };
    const ids = idsBetween(plannedShardIds, batch.firstId, batch.lastId);
    if (ids.length !== batch.count || idsDigest(ids) !== batch.digest) {
      throw redactionError('INTERNAL', `job ${batch.jobId} batch ${batch.seq}`, `the plan's ids from ${batch.firstId} to ${batch.lastId} are not the batch's (${ids.length} ids, ${batch.count} planned)`);
    }
    const seed = randomBytes(8).readBigInt64BE();
    return { kind: 'fingerprint', seed, expected: idSetFingerprint(ids, seed) };
  }

  async #runBatch(batch: BatchSpec, started: number, check: BatchCheck, publish?: InTransactionPublisher): Promise<BatchOutcome> {
    return this.#store.transaction(async (tx): Promise<BatchOutcome> => {
      // Two runs of one job (a resumed process and a stale one) serialise per shard here.
      await tx.sql.lock(`redaction:${batch.jobId}:${batch.shard}`);
      const row = await tx.sql.get<{ done: number }>('SELECT done FROM vector_purge_checkpoints WHERE job_id = ? AND shard = ?', [batch.jobId, batch.shard]);
      const already = row?.done ?? 0;
      if (already > batch.shardIndex) return { status: 'already-done', ms: performance.now() - started };
      if (already < batch.shardIndex) {
        throw redactionError('INTERNAL', `job ${batch.jobId} shard ${batch.shard}`, `batch ${batch.shardIndex} cannot run before batch ${already}`);
      }
      // One statement deletes the batch's rows, writes the receipt and the checkpoint, and
      // returns what proves the deleted rows are the planned ones. A batch that found other
      // rows throws, and its transaction rolls back: nothing of it is deleted, receipted or
      // checkpointed.
      const { sql, params } = batchDeleteSql(batch, check.kind === 'fingerprint' ? check.seed : undefined);
      if (check.kind === 'fingerprint') {
        const found = (await tx.sql.get<FingerprintRow>(sql, params))!;
        if (!sameFingerprint(addFingerprintRow(emptyFingerprint(), found), check.expected)) throw new BatchMismatch();
      } else {
        const found = (await tx.sql.get<{ n: Num; digest: string }>(sql, params))!;
        if (num(found.n) !== batch.count || found.digest !== batch.digest) throw new BatchMismatch(found);
      }
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
    pgArray(seg.map((s) => s.caseId)),
    pgArray(seg.map((s) => s.purpose)),
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

/** A batch's delete, receipt and checkpoint as one statement, and what proves the deleted rows. */
function batchDeleteSql(batch: BatchSpec, fingerprintSeed?: bigint): { sql: string; params: SqlValue[] } {
  const rows = batchRowsSql(batch);
  const params: SqlValue[] = [
    ...rows.params,
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
    ...(fingerprintSeed === undefined ? [] : fingerprintParams(fingerprintSeed)),
  ];
  const sql = `${rows.with ? `${rows.with},` : 'WITH'} deleted AS (
      DELETE FROM vectors v ${rows.using} WHERE ${rows.where}
      RETURNING v.id
    ), receipt AS (
      INSERT INTO vector_purge_receipts (job_id, seq, shard, first_id, last_id, count, digest) VALUES (?, ?, ?, ?, ?, ?, ?)
    ), checkpoint AS (
      INSERT INTO vector_purge_checkpoints (job_id, shard, done) VALUES (?, ?, ?)
      ON CONFLICT (job_id, shard) DO UPDATE SET done = excluded.done
    )
    SELECT ${fingerprintSeed === undefined ? `count(*) AS n, ${idsDigestSql('id')} AS digest` : fingerprintSelectSql('id')} FROM deleted`;
  return { sql, params };
}

/**
 * The rows a batch deletes, `v` in vectors: those of its segments whose ids lie in
 * [firstId, lastId]. Open segments that form one cases × purposes grid under one cutoff (what
 * planIdIntervalBatches cuts) are three index conditions; other segments are joined from
 * parallel arrays, each one index range scan. The id interval is checked on the index
 * entries as they are read, so only the batch's own rows' heap tuples are touched.
 */
function batchRowsSql(batch: BatchSpec): { with: string; from: string; using: string; where: string; params: SqlValue[] } {
  const grid = openGrid(batch.segments);
  if (grid) {
    return {
      with: '',
      from: 'vectors v',
      using: '',
      where: 'v.shard = ? AND v.case_id = ANY (?::text[]) AND v.purpose = ANY (?::text[]) AND v.created_at < ? AND v.id BETWEEN ? AND ?',
      params: [batch.shard, pgArray(grid.cases), pgArray(grid.purposes), grid.beforeMs, batch.firstId, batch.lastId],
    };
  }
  return {
    with: `WITH seg AS (${SEGMENTS_SQL})`,
    from: 'vectors v, seg',
    using: 'USING seg',
    where: `${IN_SEGMENT_SQL} AND v.id BETWEEN ? AND ?`,
    params: [...segmentArrays(batch.segments), batch.shard, batch.firstId, batch.lastId],
  };
}

/** The cases × purposes grid the ranges cover under one cutoff, or undefined when they do not form one. */
function gridOf(ranges: readonly PolicyRange[]): { cases: string[]; purposes: string[]; beforeMs: number } | undefined {
  if (ranges.length === 0 || ranges.some((r) => r.beforeMs !== ranges[0]!.beforeMs)) return undefined;
  const cases = [...new Set(ranges.map((r) => r.caseId))];
  const purposes = [...new Set(ranges.map((r) => r.purpose))];
  const pairs = new Set(ranges.map((r) => `${r.caseId}\u0000${r.purpose}`));
  return pairs.size === cases.length * purposes.length ? { cases, purposes, beforeMs: ranges[0]!.beforeMs } : undefined;
}

/** The grid of a batch whose segments are all open (whole ranges), as planIdIntervalBatches cuts them. */
const openGrid = (segments: readonly Segment[]) => (segments.every((s) => s.after === null && s.through === null) ? gridOf(segments) : undefined);

const pgArray = (values: readonly string[]) => `{${values.map(pgArrayText).join(',')}}`;

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
  /** What the digest check found; absent after a fingerprint check (runBatch reads it afterwards). */
  readonly found: { n: Num; digest: string } | undefined;
  constructor(found?: { n: Num; digest: string }) {
    super('a batch found other rows than planned');
    this.found = found;
  }
}

type BatchCheck = { kind: 'digest' } | { kind: 'fingerprint'; seed: bigint; expected: IdSetFingerprint };
