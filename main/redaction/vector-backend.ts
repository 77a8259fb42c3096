import type { Store, StoreKind } from '../store/store.ts';
import type { ShardDifference } from './batch-planner.ts';
import type { PolicyRange } from './retention-policy.ts';

/** One stored vector. `createdAt` is epoch milliseconds; the shard is `id mod shards`. */
export interface VectorRow {
  id: number;
  tenant: string;
  region: string;
  caseId: string;
  purpose: string;
  createdAt: number;
  /** Little-endian float32 bytes. */
  embedding: Uint8Array;
}

/** A clustered key within one (case_id, purpose): rows compare by (created_at, id). */
export interface KeyBound {
  createdAt: number;
  id: number;
}

/**
 * A contiguous run of one policy range inside a batch: rows of (caseId, purpose) created
 * before `beforeMs` with key > `after` (from the range start when null) and key ≤ `through`
 * (to the range end when null).
 */
export interface Segment {
  caseId: string;
  purpose: string;
  beforeMs: number;
  after: KeyBound | null;
  through: KeyBound | null;
}

/** What a shard holds under a plan's ranges: its batches, or how it differs from the plan. */
export type ShardPlan = { ok: true; batches: BatchSpec[] } | { ok: false; difference: ShardDifference };

/** One batch of a job: what it deletes and what it must find there first. */
export interface BatchSpec {
  jobId: string;
  /** Position in the job (0-based), global across shards. */
  seq: number;
  shard: number;
  /** Position among this shard's batches: the checkpoint counts these. */
  shardIndex: number;
  segments: Segment[];
  count: number;
  firstId: number;
  lastId: number;
  /** SHA-256 hex of the batch's ids in ascending order, each as 8 bytes big-endian. */
  digest: string;
}

export interface Receipt {
  jobId: string;
  seq: number;
  shard: number;
  firstId: number;
  lastId: number;
  count: number;
  digest: string;
}

export type BatchOutcome =
  /** Deleted, checkpointed and receipted in one transaction. `publishedInTransaction`: the receipt's audit event committed with it. */
  | { status: 'done'; receipt: Receipt; publishedInTransaction: boolean; ms: number }
  /** The checkpoint shows this batch already committed (a resumed or concurrent run). */
  | { status: 'already-done'; ms: number }
  /** The data in the batch's key ranges is not what the plan said: nothing was deleted. */
  | { status: 'mismatch'; found: { count: number; digest: string }; ms: number };

/** Something that must commit in the batch's own transaction when the backend can offer one (PostgreSQL). */
export type InTransactionPublisher = (receipt: Receipt, tx: Store) => Promise<void>;

/** What a batch run may be given besides its spec. */
export interface BatchRunOptions {
  /** Commits in the batch's own transaction where the backend can offer one (PostgreSQL). */
  publish?: InTransactionPublisher;
  /** The plan's ids for the batch's shard, ascending: a backend that checksBatchesWithPlanIds uses them. */
  plannedShardIds?: Float64Array;
}

/** A row visitor for brute-force search; embeddings are only valid during the call. */
export type RowVisitor = (id: number, caseId: string, purpose: string, createdAt: number, tenant: string, embedding: Uint8Array) => void;

/**
 * Where vectors live: SQLite shard files locally, PostgreSQL tables remotely. Everything
 * the redaction capability does to vectors goes through this interface.
 */
export interface VectorBackend {
  readonly kind: StoreKind;
  readonly shards: number;
  readonly dimension: number;
  /** For reports: the vectors folder or the PostgreSQL store. */
  readonly display: string;
  /** Inserts rows of one shard (any order); ids must be new. */
  insertRows(shard: number, rows: readonly VectorRow[]): Promise<void>;
  /** Ids of the rows in the ranges, range by range (unsorted overall), and each range's count. */
  selectIds(shard: number, ranges: readonly PolicyRange[]): Promise<{ ids: Float64Array; counts: number[] }>;
  /**
   * Checks the shard against the plan's ids for it (ascending) and, when they match, cuts
   * its rows into batches (seq -1; the job numbers them).
   */
  planShard(shard: number, ranges: readonly PolicyRange[], plannedIds: Float64Array, jobId: string, batchSize: number): Promise<ShardPlan>;
  /** How many rows the ranges still hold (the policy predicate). */
  countInRanges(shard: number, ranges: readonly PolicyRange[]): Promise<number>;
  /** Which of the given ids (ascending) the shard still holds. */
  existingIds(shard: number, ids: Float64Array): Promise<number[]>;
  getById(id: number): Promise<VectorRow | undefined>;
  /** Visits every row of a shard (brute-force search). */
  scan(shard: number, visit: RowVisitor): Promise<void>;
  countRows(shard: number): Promise<number>;
  /**
   * True when runBatch checks what a batch deletes against the plan's ids for it (given as
   * plannedShardIds) instead of digesting the deleted ids in order (PostgreSQL: ADR-055).
   */
  readonly checksBatchesWithPlanIds?: boolean;
  /** Verifies, deletes, checkpoints and receipts one batch in one transaction. */
  runBatch(batch: BatchSpec, opts?: BatchRunOptions): Promise<BatchOutcome>;
  /** Batches of this job the shard has committed. */
  batchesDone(jobId: string, shard: number): Promise<number>;
  /** The receipts the backend committed for a job, by seq. */
  receipts(jobId: string): Promise<Receipt[]>;
  /** After a purge: fold the WAL back so no page image of erased rows stays in a side file. */
  compact(shard: number): Promise<void>;
  /** Optional: get ready for a large job (start worker threads) without waiting. */
  warm?(): void;
  close(): Promise<void>;
}

export function shardOf(id: number, shards: number): number {
  return id % shards;
}
