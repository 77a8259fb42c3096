import { randomUUID } from 'node:crypto';
import { checkDimension, decodeEmbedding, encodeEmbedding } from './embedding.ts';
import type { ActiveRecall, JobRepository } from './job-repository.ts';
import type { QueryLog } from './query-log.ts';
import { badRedactionInput, redactionError } from './redaction-error.ts';
import { checkLabel } from './retention-policy.ts';
import type { VectorBackend, VectorRow } from './vector-backend.ts';
import { shardOf } from './vector-backend.ts';

export interface VectorInput {
  id: number;
  tenant: string;
  region: string;
  caseId: string;
  purpose: string;
  /** Epoch ms. */
  createdAt: number;
  embedding: ArrayLike<number>;
}

export interface SearchHit {
  id: number;
  shard: number;
  distance: number;
}

/** The ranges recalls hide: (caseId, purpose) → the latest cutoff among the recalls on it. */
export class RecallFilter {
  readonly #before = new Map<string, number>();

  constructor(recalls: readonly ActiveRecall[]) {
    for (const r of recalls) {
      const key = `${r.caseId}\u0000${r.purpose}`;
      this.#before.set(key, Math.max(this.#before.get(key) ?? -Infinity, r.beforeMs));
    }
  }

  get size(): number {
    return this.#before.size;
  }

  hides(caseId: string, purpose: string, createdAt: number): boolean {
    const b = this.#before.get(`${caseId}\u0000${purpose}`);
    return b !== undefined && createdAt < b;
  }
}

/** Keeps the k nearest (smallest distance; ties by smaller id) of a stream. */
class TopK {
  readonly hits: SearchHit[] = [];
  readonly #k: number;
  constructor(k: number) {
    this.#k = k;
  }
  offer(id: number, shard: number, distance: number): void {
    const h = this.hits;
    if (h.length === this.#k) {
      const worst = h[h.length - 1]!;
      if (distance > worst.distance || (distance === worst.distance && id > worst.id)) return;
      h.pop();
    }
    let i = h.length;
    while (i > 0 && (h[i - 1]!.distance > distance || (h[i - 1]!.distance === distance && h[i - 1]!.id > id))) i--;
    h.splice(i, 0, { id, shard, distance });
  }
}

/**
 * The vectors as every reader sees them: whatever a recall hides is invisible to get, search
 * and ingest from the moment the recall commits, on every shard at once (the recall is one
 * row set in the main store, read by each query).
 */
export class VectorStore {
  readonly backend: VectorBackend;
  readonly #jobs: JobRepository;
  readonly #log: QueryLog;

  constructor(backend: VectorBackend, jobs: JobRepository, log: QueryLog) {
    this.backend = backend;
    this.#jobs = jobs;
    this.#log = log;
  }

  async recallFilter(): Promise<RecallFilter> {
    return new RecallFilter(await this.#jobs.activeRecalls());
  }

  /** Adds vectors; refuses ids already stored and rows that fall in a recalled range. */
  async ingest(inputs: readonly VectorInput[]): Promise<number> {
    const dim = checkDimension(this.backend.dimension);
    const filter = await this.recallFilter();
    const byShard = new Map<number, VectorRow[]>();
    const seen = new Set<number>();
    inputs.forEach((v, i) => {
      const w = `vectors[${i}]`;
      if (!Number.isSafeInteger(v.id) || v.id <= 0) throw badRedactionInput(`${w}.id`, `${v.id} is not a positive whole number`);
      if (seen.has(v.id)) throw badRedactionInput(`${w}.id`, `${v.id} appears twice in this batch`);
      seen.add(v.id);
      for (const f of ['tenant', 'region', 'caseId', 'purpose'] as const) checkLabel(v[f], `${w}.${f}`);
      if (!Number.isSafeInteger(v.createdAt)) throw badRedactionInput(`${w}.createdAt`, 'must be epoch milliseconds');
      if (filter.hides(v.caseId, v.purpose, v.createdAt)) {
        throw redactionError('CONFLICT', `${w}`, `falls in a recalled range (${v.caseId}, ${v.purpose}); it would be hidden and not in the purge plan`);
      }
      const row: VectorRow = { id: v.id, tenant: v.tenant, region: v.region, caseId: v.caseId, purpose: v.purpose, createdAt: v.createdAt, embedding: encodeEmbedding(v.embedding, dim, `${w}.embedding`) };
      const shard = shardOf(v.id, this.backend.shards);
      const list = byShard.get(shard);
      if (list) list.push(row);
      else byShard.set(shard, [row]);
    });
    for (const [shard, rows] of byShard) {
      const ids = Float64Array.from(rows, (r) => r.id).sort();
      const existing = await this.backend.existingIds(shard, ids);
      if (existing.length > 0) throw redactionError('CONFLICT', 'vectors', `ids already stored: ${existing.slice(0, 10).join(', ')}`, { ids: existing.slice(0, 100) });
    }
    for (const [shard, rows] of byShard) await this.backend.insertRows(shard, rows);
    return inputs.length;
  }

  /** A vector by id, unless a recall hides it. */
  async get(id: number): Promise<(VectorRow & { shard: number }) | undefined> {
    if (!Number.isSafeInteger(id) || id <= 0) throw badRedactionInput('id', `${id} is not a positive whole number`);
    const row = await this.backend.getById(id);
    if (!row) return undefined;
    if ((await this.recallFilter()).hides(row.caseId, row.purpose, row.createdAt)) return undefined;
    return { ...row, shard: shardOf(id, this.backend.shards) };
  }

  /**
   * Exact nearest neighbours (squared Euclidean distance) of several probes in one pass over
   * the shards. Recalled rows are skipped. Does not log.
   */
  async nearestMany(probes: readonly Float32Array[], k: number, opts: { tenant?: string; signal?: AbortSignal } = {}): Promise<SearchHit[][]> {
    if (!Number.isInteger(k) || k < 1 || k > 1000) throw badRedactionInput('k', `must be a whole number from 1 to 1000, got ${k}`);
    probes.forEach((p, i) => {
      if (p.length !== this.backend.dimension) throw badRedactionInput(`vectors[${i}]`, `has ${p.length} dimensions, the store holds ${this.backend.dimension}`);
    });
    const filter = await this.recallFilter();
    const tops = probes.map(() => new TopK(k));
    const dim = this.backend.dimension;
    for (let shard = 0; shard < this.backend.shards; shard++) {
      if (opts.signal?.aborted) throw redactionError('CANCELLED', 'search', 'cancelled');
      await this.backend.scan(shard, (id, caseId, purpose, createdAt, tenant, bytes) => {
        if (opts.tenant !== undefined && tenant !== opts.tenant) return;
        if (filter.size > 0 && filter.hides(caseId, purpose, createdAt)) return;
        const v = decodeEmbedding(bytes, dim);
        for (let p = 0; p < probes.length; p++) {
          const probe = probes[p]!;
          let sum = 0;
          for (let i = 0; i < dim; i++) {
            const d = probe[i]! - v[i]!;
            sum += d * d;
          }
          tops[p]!.offer(id, shard, sum);
        }
      });
    }
    return tops.map((t) => t.hits);
  }

  /** A logged search: the query and the ids it returned go into the query log. */
  async search(vector: ArrayLike<number>, k: number, opts: { actorId: string; at: string; tenant?: string; signal?: AbortSignal }): Promise<{ queryId: string; hits: SearchHit[] }> {
    const probe = decodeEmbedding(encodeEmbedding(vector, this.backend.dimension, 'vector'), this.backend.dimension);
    const [hits] = await this.nearestMany([probe], k, opts);
    const queryId = `vq-${randomUUID()}`;
    await this.#log.record([{ id: queryId, at: opts.at, actorId: opts.actorId, k, resultIds: hits!.map((h) => h.id) }]);
    return { queryId, hits: hits! };
  }
}
