import type { AuditEvent } from '../../shared/domain/audit.ts';
import type { SqlClient } from '../store/sql-client.ts';
import type { Store } from '../store/store.ts';
import { redactionError } from './redaction-error.ts';
import type { PlanPolicy } from './diff-plan.ts';
import type { PolicyRange, StoredPolicy } from './retention-policy.ts';
import type { BatchSpec, Receipt, Segment } from './vector-backend.ts';

export const JOB_STATES = ['recalled', 'purging', 'paused', 'failed', 'completed', 'restored'] as const;
export type JobState = (typeof JOB_STATES)[number];

/** States in which a job's recall hides its vectors from every query. */
export const RECALLING_STATES: readonly JobState[] = ['recalled', 'purging', 'paused', 'failed'];

export interface JobRecord {
  id: string;
  planHash: string;
  policy: PlanPolicy;
  state: JobState;
  total: number;
  batchCount: number;
  batchSize: number;
  createdBy: string;
  createdAt: string;
  graceUntil: string;
  updatedAt: string;
  error: string | null;
  /** Receipts chained into the audit trail so far. */
  receipted: { batches: number; vectors: number };
  hasCertificate: boolean;
}

export interface ReceiptRecord extends Receipt {
  auditEventId: string;
}

export interface ActiveRecall {
  jobId: string;
  caseId: string;
  purpose: string;
  beforeMs: number;
}

type Num = number | bigint;

interface JobRow {
  id: string;
  plan_hash: string;
  policy: string;
  state: JobState;
  total: Num;
  batch_count: number;
  batch_size: number;
  created_by: string;
  created_at: string;
  grace_until: string;
  updated_at: string;
  error: string | null;
  has_certificate: Num;
  receipted_batches: Num;
  receipted_vectors: Num | null;
}

const JOB_SELECT = `SELECT j.id, j.plan_hash, j.policy, j.state, j.total, j.batch_count, j.batch_size, j.created_by, j.created_at, j.grace_until,
  j.updated_at, j.error, CASE WHEN j.certificate IS NULL THEN 0 ELSE 1 END AS has_certificate,
  (SELECT count(*) FROM redaction_receipts r WHERE r.job_id = j.id) AS receipted_batches,
  (SELECT sum(r.count) FROM redaction_receipts r WHERE r.job_id = j.id) AS receipted_vectors
  FROM redaction_jobs j`;

function toJob(r: JobRow): JobRecord {
  return {
    id: r.id,
    planHash: r.plan_hash,
    policy: JSON.parse(r.policy) as PlanPolicy,
    state: r.state,
    total: Number(r.total),
    batchCount: r.batch_count,
    batchSize: r.batch_size,
    createdBy: r.created_by,
    createdAt: r.created_at,
    graceUntil: r.grace_until,
    updatedAt: r.updated_at,
    error: r.error,
    receipted: { batches: Number(r.receipted_batches), vectors: Number(r.receipted_vectors ?? 0) },
    hasCertificate: Number(r.has_certificate) === 1,
  };
}

/** The redaction tables of the main store (see redaction-schema.ts). */
export class JobRepository {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  get store(): Store {
    return this.#store;
  }

  async getJob(id: string, sql: SqlClient = this.#store.sql): Promise<JobRecord | undefined> {
    const row = await sql.get<JobRow>(`${JOB_SELECT} WHERE j.id = ?`, [id]);
    return row && toJob(row);
  }

  async requireJob(id: string): Promise<JobRecord> {
    const job = await this.getJob(id);
    if (!job) throw redactionError('NOT_FOUND', `job ${id}`, 'no such redaction job', { jobId: id });
    return job;
  }

  async listJobs(): Promise<JobRecord[]> {
    return (await this.#store.sql.all<JobRow>(`${JOB_SELECT} ORDER BY j.created_at DESC, j.id`)).map(toJob);
  }

  /** Creates the job, its batches and its recall in the given transaction. */
  async insertJob(
    tx: Store,
    job: Omit<JobRecord, 'receipted' | 'hasCertificate' | 'error' | 'updatedAt'>,
    batches: readonly BatchSpec[],
    recalls: readonly PolicyRange[],
  ): Promise<void> {
    await tx.sql.run(
      `INSERT INTO redaction_jobs (id, plan_hash, policy, state, total, batch_count, batch_size, created_by, created_at, grace_until, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [job.id, job.planHash, JSON.stringify(job.policy), job.state, job.total, job.batchCount, job.batchSize, job.createdBy, job.createdAt, job.graceUntil, job.createdAt],
    );
    for (let i = 0; i < batches.length; i += 500) {
      const part = batches.slice(i, i + 500);
      await tx.sql.run(
        `INSERT INTO redaction_batches (job_id, seq, shard, shard_index, segments, count, first_id, last_id, digest) VALUES ${part.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
        part.flatMap((b) => [b.jobId, b.seq, b.shard, b.shardIndex, JSON.stringify(b.segments), b.count, b.firstId, b.lastId, b.digest]),
      );
    }
    for (let i = 0; i < recalls.length; i += 500) {
      const part = recalls.slice(i, i + 500);
      await tx.sql.run(
        `INSERT INTO redaction_recalls (job_id, case_id, purpose, before_ms) VALUES ${part.map(() => '(?, ?, ?, ?)').join(', ')}`,
        part.flatMap((r) => [job.id, r.caseId, r.purpose, r.beforeMs]),
      );
    }
  }

  async setState(id: string, state: JobState, at: string, error: string | null = null, sql: SqlClient = this.#store.sql): Promise<void> {
    await sql.run('UPDATE redaction_jobs SET state = ?, error = ?, updated_at = ? WHERE id = ?', [state, error, at, id]);
  }

  async setCertificate(tx: Store, id: string, certificateJson: string, at: string): Promise<void> {
    await tx.sql.run("UPDATE redaction_jobs SET certificate = ?, state = 'completed', error = NULL, updated_at = ? WHERE id = ?", [certificateJson, at, id]);
  }

  async certificate(id: string): Promise<string | undefined> {
    const row = await this.#store.sql.get<{ certificate: string | null }>('SELECT certificate FROM redaction_jobs WHERE id = ?', [id]);
    return row?.certificate ?? undefined;
  }

  async batches(jobId: string): Promise<BatchSpec[]> {
    const rows = await this.#store.sql.all<{
      seq: number;
      shard: number;
      shard_index: number;
      segments: string;
      count: number;
      first_id: Num;
      last_id: Num;
      digest: string;
    }>('SELECT seq, shard, shard_index, segments, count, first_id, last_id, digest FROM redaction_batches WHERE job_id = ? ORDER BY seq', [jobId]);
    return rows.map((r) => ({
      jobId,
      seq: r.seq,
      shard: r.shard,
      shardIndex: r.shard_index,
      segments: JSON.parse(r.segments) as Segment[],
      count: r.count,
      firstId: Number(r.first_id),
      lastId: Number(r.last_id),
      digest: r.digest,
    }));
  }

  /** Every recall in force: the ranges no query may return. */
  async activeRecalls(): Promise<ActiveRecall[]> {
    const rows = await this.#store.sql.all<{ job_id: string; case_id: string; purpose: string; before_ms: Num }>(
      `SELECT r.job_id, r.case_id, r.purpose, r.before_ms FROM redaction_recalls r JOIN redaction_jobs j ON j.id = r.job_id
       WHERE j.state IN (${RECALLING_STATES.map(() => '?').join(', ')}) ORDER BY r.job_id, r.case_id, r.purpose`,
      [...RECALLING_STATES],
    );
    return rows.map((r) => ({ jobId: r.job_id, caseId: r.case_id, purpose: r.purpose, beforeMs: Number(r.before_ms) }));
  }

  async publishedSeqs(jobId: string): Promise<Set<number>> {
    const rows = await this.#store.sql.all<{ seq: number }>('SELECT seq FROM redaction_receipts WHERE job_id = ?', [jobId]);
    return new Set(rows.map((r) => r.seq));
  }

  /** Chains a receipt into the audit trail and records the link, in the caller's transaction. */
  async publishReceipt(tx: Store, receipt: Receipt, actorId: string, at: string): Promise<AuditEvent | undefined> {
    // Two runs of one job (a resumed process, a stale one) may both try: the first one wins.
    await tx.sql.lock(`redaction-receipts:${receipt.jobId}`);
    if (await tx.sql.get('SELECT 1 AS x FROM redaction_receipts WHERE job_id = ? AND seq = ?', [receipt.jobId, receipt.seq])) return undefined;
    const event = await tx.appendAuditEvent({
      at,
      actorId,
      action: 'vectors.purge.receipt',
      resourceType: 'redaction-job',
      resourceId: receipt.jobId,
      decision: 'info',
      payload: { jobId: receipt.jobId, batch: receipt.seq, shard: receipt.shard, firstId: receipt.firstId, lastId: receipt.lastId, count: receipt.count, digest: receipt.digest },
    });
    await tx.sql.run(
      'INSERT INTO redaction_receipts (job_id, seq, shard, first_id, last_id, count, digest, audit_event_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      [receipt.jobId, receipt.seq, receipt.shard, receipt.firstId, receipt.lastId, receipt.count, receipt.digest, event.id],
    );
    return event;
  }

  async receipts(jobId: string, afterSeq = -1, limit = 1_000_000): Promise<ReceiptRecord[]> {
    const rows = await this.#store.sql.all<{ seq: number; shard: number; first_id: Num; last_id: Num; count: number; digest: string; audit_event_id: string }>(
      'SELECT seq, shard, first_id, last_id, count, digest, audit_event_id FROM redaction_receipts WHERE job_id = ? AND seq > ? ORDER BY seq LIMIT ?',
      [jobId, afterSeq, limit],
    );
    return rows.map((r) => ({
      jobId,
      seq: r.seq,
      shard: r.shard,
      firstId: Number(r.first_id),
      lastId: Number(r.last_id),
      count: r.count,
      digest: r.digest,
      auditEventId: r.audit_event_id,
    }));
  }

  async savePolicy(tx: Store, policy: StoredPolicy, actorId: string, at: string, auditEventId: string): Promise<void> {
    const body = JSON.stringify({ cases: policy.cases, purposes: policy.purposes, retention: policy.retention });
    await tx.sql.run(
      `INSERT INTO redaction_policies (name, body, saved_by, saved_at, audit_event_id) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET body = excluded.body, saved_by = excluded.saved_by, saved_at = excluded.saved_at, audit_event_id = excluded.audit_event_id`,
      [policy.name, body, actorId, at, auditEventId],
    );
  }

  async listPolicies(): Promise<Array<StoredPolicy & { savedBy: string; savedAt: string }>> {
    const rows = await this.#store.sql.all<{ name: string; body: string; saved_by: string; saved_at: string }>(
      'SELECT name, body, saved_by, saved_at FROM redaction_policies ORDER BY name',
    );
    return rows.map((r) => {
      const b = JSON.parse(r.body) as Omit<StoredPolicy, 'name'>;
      return { name: r.name, cases: b.cases, purposes: b.purposes, retention: b.retention, savedBy: r.saved_by, savedAt: r.saved_at };
    });
  }

  async getPolicy(name: string): Promise<StoredPolicy | undefined> {
    return (await this.listPolicies()).find((p) => p.name === name);
  }
}
