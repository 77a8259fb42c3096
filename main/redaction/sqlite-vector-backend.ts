import type { Database as SqliteDatabase, Statement } from 'better-sqlite3';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { WorkbenchError } from '../../shared/api/errors.ts';
import { checkDimension } from './embedding.ts';
import { ShardOpError } from './shard-op-error.ts';
import { redactionError } from './redaction-error.ts';
import type { PolicyRange } from './retention-policy.ts';
import { openShardFile, type ShardFileOptions } from './shard-file.ts';
import { ShardOps } from './shard-ops.ts';
import { ShardPool, ShardWorkerUnavailable } from './shard-pool.ts';
import { SHARD_FILE, SHARD_FORMAT, SHARD_SQL, shardFileName } from './shard-schema.ts';
import { contains } from './sorted-ids.ts';
import type { BatchOutcome, BatchSpec, Receipt, RowVisitor, ShardPlan, VectorBackend, VectorRow } from './vector-backend.ts';
import { shardOf } from './vector-backend.ts';

export interface SqliteVectorOptions extends ShardFileOptions {
  /**
   * Worker threads for scans and purge batches (0: everything on the caller's thread). Shard
   * s runs on worker s mod n, so n workers purge n shards at once.
   */
  workers?: number;
  /** Where the worker script is, when a bundle moved it (default: see defaultWorkerUrl). */
  workerUrl?: URL;
  /**
   * Told once when the workers cannot start or die and the work moves to the caller's
   * thread (correct, but one core instead of n). Default: a process warning on stderr.
   */
  onWorkerFallback?: (reason: string) => void;
}

const warnWorkerFallback = (reason: string): void => {
  process.emitWarning(`${reason}; shard work continues on the calling thread`, { code: 'WORKBENCH_SHARD_WORKER_FALLBACK' });
};

const MAX_SHARDS = 100;

/**
 * Vectors in SQLite shard files under one folder (`<dataDir>/vectors`). Each shard has its
 * own connection; better-sqlite3 is synchronous, so every method does its work in one go
 * and the caller's loop yields between batches.
 *
 * `secure_delete = ON`: SQLite overwrites deleted rows and freed pages with zeros, so an
 * erased embedding does not linger in free pages of the file (ADR-055 measures the cost).
 */
export class SqliteVectorBackend implements VectorBackend {
  readonly kind = 'sqlite' as const;
  readonly shards: number;
  readonly dimension: number;
  readonly display: string;
  readonly #dir: string;
  readonly #dbs: SqliteDatabase[];
  readonly #ops: ShardOps[];
  #pool: ShardPool | undefined;
  readonly #onWorkerFallback: (reason: string) => void;

  private constructor(dir: string, dbs: SqliteDatabase[], dimension: number, options: SqliteVectorOptions) {
    this.display = dir;
    this.#dir = dir;
    this.#dbs = dbs;
    this.shards = dbs.length;
    this.dimension = dimension;
    this.#ops = dbs.map((db, shard) => new ShardOps(db, shard));
    const workers = Math.min(options.workers ?? 0, dbs.length);
    const fileOptions = { ...(options.cacheKiB !== undefined ? { cacheKiB: options.cacheKiB } : {}), ...(options.busyTimeoutMs !== undefined ? { busyTimeoutMs: options.busyTimeoutMs } : {}) };
    this.#pool = workers > 0 ? new ShardPool(workers, fileOptions, options.workerUrl) : undefined;
    this.#onWorkerFallback = options.onWorkerFallback ?? warnWorkerFallback;
  }

  /** Starts the shard workers ahead of a large job (e.g. while its plan is read). */
  warm(): void {
    this.#pool?.warm();
  }

  /** Worker threads in use (0: the caller's thread). */
  get workers(): number {
    return this.#pool?.size ?? 0;
  }

  /** True when the folder holds shard files. */
  static exists(dir: string): boolean {
    return existsSync(dir) && readdirSync(dir).some((f) => SHARD_FILE.test(f));
  }

  /** Creates `shards` empty shard files; refuses a folder that already holds shards. */
  static create(dir: string, spec: { shards: number; dimension: number }, options: SqliteVectorOptions = {}): SqliteVectorBackend {
    if (!Number.isInteger(spec.shards) || spec.shards < 1 || spec.shards > MAX_SHARDS) {
      throw redactionError('BAD_INPUT', 'shards', `must be a whole number from 1 to ${MAX_SHARDS}, got ${spec.shards}`);
    }
    checkDimension(spec.dimension);
    if (SqliteVectorBackend.exists(dir)) throw redactionError('CONFLICT', dir, 'already holds a vector store', { dir });
    mkdirSync(dir, { recursive: true });
    const dbs: SqliteDatabase[] = [];
    try {
      for (let s = 0; s < spec.shards; s++) {
        const db = openShardFile(join(dir, shardFileName(s)), options);
        dbs.push(db);
        db.exec(SHARD_SQL);
        db.prepare('INSERT INTO shard_meta (singleton, format, shard, shards, dimension) VALUES (1, ?, ?, ?, ?)').run(SHARD_FORMAT, s, spec.shards, spec.dimension);
      }
    } catch (e) {
      for (const db of dbs) db.close();
      throw e;
    }
    return new SqliteVectorBackend(dir, dbs, spec.dimension, options);
  }

  /** Opens the shard files of a folder; every shard must be there and agree on shards and dimension. */
  static open(dir: string, options: SqliteVectorOptions = {}): SqliteVectorBackend {
    if (!SqliteVectorBackend.exists(dir)) throw redactionError('NOT_FOUND', dir, 'holds no vector store (no shard-XX.sqlite files)', { dir });
    const present = new Set(
      readdirSync(dir)
        .map((f) => SHARD_FILE.exec(f)?.[1])
        .filter((n): n is string => n !== undefined)
        .map(Number),
    );
    const dbs: SqliteDatabase[] = [];
    try {
      let expected = { shards: 0, dimension: 0 };
      for (let s = 0; s === 0 || s < expected.shards; s++) {
        const file = join(dir, shardFileName(s));
        if (!present.has(s)) {
          const missing = Array.from({ length: Math.max(expected.shards, 1) }, (_, i) => i).filter((i) => !present.has(i));
          throw redactionError('UNAVAILABLE', dir, `is missing shard files ${missing.map(shardFileName).join(', ')}`, { dir, missing });
        }
        const db = openShardFile(file, options);
        dbs.push(db);
        const meta = db.prepare('SELECT format, shard, shards, dimension FROM shard_meta').get() as
          | { format: number; shard: number; shards: number; dimension: number }
          | undefined;
        if (s === 0 && meta) expected = { shards: meta.shards, dimension: meta.dimension };
        if (!meta || meta.format !== SHARD_FORMAT || meta.shard !== s || meta.shards !== expected.shards || meta.dimension !== expected.dimension) {
          throw redactionError('UNAVAILABLE', file, `is not shard ${s} of a ${expected.shards}-shard store of ${expected.dimension}-dimension vectors`, { meta: meta ?? null });
        }
      }
      const extra = [...present].filter((n) => n >= expected.shards);
      if (extra.length > 0) throw redactionError('UNAVAILABLE', dir, `holds shard files beyond the store's ${expected.shards}: ${extra.map(shardFileName).join(', ')}`);
      return new SqliteVectorBackend(dir, dbs, expected.dimension, options);
    } catch (e) {
      for (const db of dbs) db.close();
      throw e;
    }
  }

  #db(shard: number): SqliteDatabase {
    const db = this.#dbs[shard];
    if (!db) throw redactionError('BAD_INPUT', 'shard', `${shard} is not a shard of this store (0-${this.shards - 1})`);
    return db;
  }

  #stmt(shard: number, sql: string): Statement {
    this.#db(shard);
    return this.#ops[shard]!.stmt(sql);
  }

  #file(shard: number): string {
    return join(this.#dir, shardFileName(shard));
  }

  /**
   * Runs a shard operation on its worker, or here when there are no workers. A worker that
   * cannot start (a bundle without the worker script) or dies turns the pool off: the call,
   * and every later one, runs on this thread (a batch it was running rolled back, and its
   * checkpoint makes running it again safe).
   */
  async #onPool<T>(shard: number, op: 'selectIds' | 'planShard' | 'countInRanges' | 'runBatch', args: unknown[], here: () => T): Promise<T> {
    const pool = this.#pool;
    if (pool) {
      try {
        return await pool.call<T>(this.#file(shard), shard, op, args);
      } catch (e) {
        if (!(e instanceof ShardWorkerUnavailable)) throw e;
        if (this.#pool === pool) {
          this.#pool = undefined;
          void pool.close().catch(() => undefined);
          this.#onWorkerFallback(e.message);
        }
      }
    }
    return inThread(here);
  }

  async insertRows(shard: number, rows: readonly VectorRow[]): Promise<void> {
    const db = this.#db(shard);
    const insert = this.#stmt(shard, 'INSERT INTO vectors (case_id, purpose, created_at, id, tenant, region, embedding) VALUES (?, ?, ?, ?, ?, ?, ?)');
    db.transaction(() => {
      for (const r of rows) {
        if (shardOf(r.id, this.shards) !== shard) throw redactionError('BAD_INPUT', `vector ${r.id}`, `belongs to shard ${shardOf(r.id, this.shards)}, not ${shard}`);
        insert.run(r.caseId, r.purpose, r.createdAt, r.id, r.tenant, r.region, r.embedding);
      }
    }).immediate();
  }

  async selectIds(shard: number, ranges: readonly PolicyRange[]): Promise<{ ids: Float64Array; counts: number[] }> {
    this.#db(shard);
    return this.#onPool(shard, 'selectIds', [ranges], () => this.#ops[shard]!.selectIds(ranges));
  }

  async planShard(shard: number, ranges: readonly PolicyRange[], plannedIds: Float64Array, jobId: string, batchSize: number): Promise<ShardPlan> {
    this.#db(shard);
    return this.#onPool(shard, 'planShard', [ranges, plannedIds, jobId, batchSize], () => this.#ops[shard]!.planShard(ranges, plannedIds, jobId, batchSize));
  }

  async countInRanges(shard: number, ranges: readonly PolicyRange[]): Promise<number> {
    this.#db(shard);
    return this.#onPool(shard, 'countInRanges', [ranges], () => this.#ops[shard]!.countInRanges(ranges));
  }

  async existingIds(shard: number, ids: Float64Array): Promise<number[]> {
    if (ids.length === 0) return [];
    if (ids.length <= 200) {
      const placeholders = Array.from({ length: ids.length }, () => '?').join(', ');
      const found = this.#db(shard).prepare(`SELECT id FROM vectors WHERE id IN (${placeholders})`).pluck().all(...ids) as number[];
      return found.sort((a, b) => a - b);
    }
    const found: number[] = [];
    for (const id of this.#stmt(shard, 'SELECT id FROM vectors').pluck().iterate() as IterableIterator<number>) {
      if (contains(ids, id)) found.push(id);
    }
    return found.sort((a, b) => a - b);
  }

  async getById(id: number): Promise<VectorRow | undefined> {
    const shard = shardOf(id, this.shards);
    const row = this.#stmt(shard, 'SELECT id, tenant, region, case_id, purpose, created_at, embedding FROM vectors WHERE id = ?').get(id) as
      | { id: number; tenant: string; region: string; case_id: string; purpose: string; created_at: number; embedding: Buffer }
      | undefined;
    return row && { id: row.id, tenant: row.tenant, region: row.region, caseId: row.case_id, purpose: row.purpose, createdAt: row.created_at, embedding: row.embedding };
  }

  async scan(shard: number, visit: RowVisitor): Promise<void> {
    const all = this.#stmt(shard, 'SELECT id, case_id, purpose, created_at, tenant, embedding FROM vectors').raw();
    for (const r of all.iterate() as IterableIterator<[number, string, string, number, string, Buffer]>) visit(r[0], r[1], r[2], r[3], r[4], r[5]);
  }

  async countRows(shard: number): Promise<number> {
    return this.#stmt(shard, 'SELECT count(*) FROM vectors').pluck().get() as number;
  }

  async runBatch(batch: BatchSpec): Promise<BatchOutcome> {
    this.#db(batch.shard);
    return this.#onPool(batch.shard, 'runBatch', [batch], () => this.#ops[batch.shard]!.runBatch(batch));
  }

  async batchesDone(jobId: string, shard: number): Promise<number> {
    return (this.#stmt(shard, 'SELECT done FROM purge_checkpoints WHERE job_id = ?').pluck().get(jobId) as number | undefined) ?? 0;
  }

  async receipts(jobId: string): Promise<Receipt[]> {
    const out: Receipt[] = [];
    for (let shard = 0; shard < this.shards; shard++) {
      const rows = this.#stmt(shard, 'SELECT seq, first_id, last_id, count, digest FROM purge_receipts WHERE job_id = ? ORDER BY seq').all(jobId) as Array<{
        seq: number;
        first_id: number;
        last_id: number;
        count: number;
        digest: string;
      }>;
      for (const r of rows) out.push({ jobId, seq: r.seq, shard, firstId: r.first_id, lastId: r.last_id, count: r.count, digest: r.digest });
    }
    return out.sort((a, b) => a.seq - b.seq);
  }

  async compact(shard: number): Promise<void> {
    this.#db(shard).pragma('wal_checkpoint(TRUNCATE)');
  }

  async close(): Promise<void> {
    await this.#pool?.close();
    for (const db of this.#dbs) if (db.open) db.close();
  }
}

/** Runs a shard operation on this thread with the same errors the workers report. */
function inThread<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ShardOpError) throw new WorkbenchError(e.code, e.message, e.details);
    throw e;
  }
}
