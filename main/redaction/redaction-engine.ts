import { copyFileSync, existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DEFAULT_BATCH_SIZES } from '../../shared/domain/purge-batches.ts';
import type { Store } from '../store/store.ts';
import { AdaptiveConcurrency, type ConcurrencyChange } from './adaptive-concurrency.ts';
import { numberBatches, type ShardDifference } from './batch-planner.ts';
import { canonicalJson, type CanonicalValue } from './canonical-json.ts';
import { buildPlan, readPlanFile, writePlanFile, type HashedPlan, type PlanProgress } from './diff-plan.ts';
import { parseDuration } from './duration.ts';
import { issueCertificate, type CertificateSigner, type ErasureCertificate } from './erasure-certificate.ts';
import type { JobRecord, JobRepository } from './job-repository.ts';
import { runPurge } from './purge-runner.ts';
import type { QueryLog } from './query-log.ts';
import { redactionError } from './redaction-error.ts';
import { checkIsoTime, policyRanges, type RetentionPolicy } from './retention-policy.ts';
import { ShardThrottle } from './shard-throttle.ts';
import type { BatchSpec, Receipt, VectorBackend } from './vector-backend.ts';
import type { VectorStore } from './vector-store.ts';

export interface EngineDeps {
  store: Store;
  backend: VectorBackend;
  jobs: JobRepository;
  queryLog: QueryLog;
  vectors: VectorStore;
  /** The data folder: plans and certificates are kept under `<dataDir>/redaction/`. */
  dataDir: string;
  signingKey: () => CertificateSigner;
}

export interface PurgeProgress {
  jobId: string;
  /** Vectors erased and receipted so far (including earlier runs of this job). */
  done: number;
  total: number;
  batchesDone: number;
  batchCount: number;
  /** Vectors per second in this run. */
  rate: number;
  /** Seconds left at this run's rate; null until there is a rate. */
  etaSeconds: number | null;
  concurrency: number;
}

export interface PurgeOptions {
  actorId: string;
  /** Reference time: the grace window is judged against it; the certificate carries it. */
  at: string;
  /** Audit-event timestamps (the wall clock in the app; `at` in tests). */
  now?: () => Date;
  signal?: AbortSignal;
  /** Most shards purged at once (default 4); the adaptive limit stays within it. */
  maxConcurrency?: number;
  /** Rows per second per shard; 0 = unthrottled. */
  rowsPerSecondPerShard?: number;
  onProgress?: (p: PurgeProgress) => void;
  onConcurrencyChange?: (c: ConcurrencyChange) => void;
}

export interface JobStart {
  job: JobRecord;
  created: boolean;
}

/** A plan that no longer matches the data: the refusal names every shard that differs. */
export function planConflict(jobOrPlan: string, differences: ShardDifference[]) {
  const lines = differences
    .slice(0, 5)
    .map((d) => `shard ${d.shard}: planned ${d.planned}, found ${d.found} (${d.missingCount} missing, ${d.unexpectedCount} unexpected)`);
  return redactionError('CONFLICT', jobOrPlan, `the data no longer matches the plan; nothing was changed. ${lines.join('; ')}${differences.length > 5 ? '; …' : ''}`, {
    differences,
  });
}

/**
 * The redaction work itself, under no policy guard (the service guards it): dry-run,
 * recall, checkpointed purge, certificate. Every state change is in the main store, every
 * deletion in a batch transaction with its checkpoint and receipt, so a process killed at
 * any point resumes to the same end state.
 */
export class RedactionEngine {
  readonly #d: EngineDeps;
  /** The plan the last job was created from: its purge usually follows in the same process. */
  #recentPlan: HashedPlan | undefined;

  constructor(deps: EngineDeps) {
    this.#d = deps;
  }

  get backend(): VectorBackend {
    return this.#d.backend;
  }

  planPath(planHash: string): string {
    return join(this.#d.dataDir, 'redaction', 'plans', `${planHash}.json`);
  }

  certificatePath(jobId: string): string {
    return join(this.#d.dataDir, 'redaction', 'certificates', `${jobId}.json`);
  }

  /** The id of the key certificates are signed with (created on first use). */
  signingKeyId(): string {
    return this.#d.signingKey().keyId;
  }

  static jobIdFor(planHash: string): string {
    return `rj-${planHash.slice(0, 16)}`;
  }

  async dryRun(policy: RetentionPolicy, options: { onProgress?: (p: PlanProgress) => void; signal?: AbortSignal } = {}): Promise<HashedPlan> {
    return buildPlan(this.#d.backend, this.#d.queryLog, policy, options);
  }

  /**
   * Keeps a copy of the plan in the data folder, under its hash (verify reads it there).
   * `sourceFile` is a plan file already read and checked by readPlanFile: its bytes are the
   * canonical plan, so they are copied rather than written again.
   */
  keepPlan(hashed: HashedPlan, sourceFile?: string): string {
    const path = this.planPath(hashed.planHash);
    if (existsSync(path)) return path;
    if (sourceFile === undefined) {
      writePlanFile(path, hashed);
      return path;
    }
    mkdirSync(dirname(path), { recursive: true });
    const temp = `${path}.${process.pid}.tmp`;
    copyFileSync(sourceFile, temp);
    renameSync(temp, path);
    return path;
  }

  loadPlan(planHash: string): HashedPlan {
    const hashed = readPlanFile(this.planPath(planHash));
    if (hashed.planHash !== planHash) throw redactionError('INTERNAL', this.planPath(planHash), `holds plan ${hashed.planHash}`);
    return hashed;
  }

  /**
   * Checks the plan against the data, fixes the batches and recalls the plan's ranges, all
   * or nothing. An existing job for the same plan is returned as it is.
   */
  async createJob(
    hashed: HashedPlan,
    opts: { actorId: string; at: string; grace: string; batchSize?: number; now?: () => Date; planFile?: string },
  ): Promise<JobStart> {
    const { plan, planHash } = hashed;
    const jobId = RedactionEngine.jobIdFor(planHash);
    const existing = await this.#d.jobs.getJob(jobId);
    if (existing) {
      if (existing.planHash !== planHash) throw redactionError('CONFLICT', `job ${jobId}`, `belongs to plan ${existing.planHash}`);
      return { job: existing, created: false };
    }
    const b = this.#d.backend;
    if (plan.store.kind !== b.kind || plan.store.shards !== b.shards || plan.store.dimension !== b.dimension) {
      throw redactionError('BAD_INPUT', 'plan.store', `the plan is for a ${plan.store.kind} store of ${plan.store.shards} shards × ${plan.store.dimension} dimensions; this store is ${b.kind}, ${b.shards} × ${b.dimension}`);
    }
    const atMs = checkIsoTime(opts.at, 'at');
    const graceMs = parseDuration(opts.grace, 'grace');
    // Kept for the purge that follows at once; a job in its grace window reads the kept copy later.
    this.#recentPlan = this.#d.backend.checksBatchesWithPlanIds && graceMs === 0 ? hashed : undefined;
    const batchSize = opts.batchSize ?? DEFAULT_BATCH_SIZES[b.kind];
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 1_000_000) throw redactionError('BAD_INPUT', 'batchSize', `must be 1..1000000, got ${batchSize}`);
    const ranges = policyRanges(plan.policy);
    // Shards are checked and cut into batches in parallel where the backend has workers; a
    // few at a time, so only those shards' id lists are copied to the workers at once.
    const results = await mapLimit(plan.shards, 4, (s) => b.planShard(s.shard, ranges, s.ids, jobId, batchSize));
    const differences: ShardDifference[] = [];
    for (const r of results) if (!r.ok) differences.push(r.difference);
    const batches = numberBatches(results.map((r) => (r.ok ? r.batches : [])));
    if (differences.length > 0) throw planConflict(`plan ${planHash}`, differences);
    this.keepPlan(hashed, opts.planFile);
    const now = opts.now ?? (() => new Date(opts.at));
    const graceUntil = new Date(atMs + graceMs).toISOString();
    const inserted = await this.#d.store.transaction(async (tx) => {
      // Two applies of one plan at once: the second finds the first's job and takes it.
      await tx.sql.lock(`redaction-job:${jobId}`);
      if (await this.#d.jobs.getJob(jobId, tx.sql)) return false;
      await this.#d.jobs.insertJob(
        tx,
        {
          id: jobId,
          planHash,
          policy: plan.policy,
          state: 'recalled',
          total: plan.totals.vectors,
          batchCount: batches.length,
          batchSize,
          createdBy: opts.actorId,
          createdAt: opts.at,
          graceUntil,
        },
        batches,
        ranges,
      );
      await tx.appendAuditEvent({
        at: now().toISOString(),
        actorId: opts.actorId,
        action: 'vectors.recall',
        resourceType: 'redaction-job',
        resourceId: jobId,
        decision: 'info',
        payload: { jobId, planHash, vectors: plan.totals.vectors, batches: batches.length, graceUntil },
      });
      return true;
    });
    if (!inserted) return { job: await this.#d.jobs.requireJob(jobId), created: false };
    // Ingest into recalled ranges is refused from here on; a row that slipped in between the
    // check above and the recall would be hidden without being in the plan, so look again.
    const counts = await mapLimit(plan.shards, 4, (shard) => b.countInRanges(shard.shard, ranges));
    const drift = plan.shards.filter((shard, i) => counts[i] !== shard.count).map((shard) => shard.shard);
    if (drift.length > 0) {
      await this.#d.jobs.setState(jobId, 'restored', now().toISOString(), `the data changed in shards ${drift.join(', ')} while the job was created; recall lifted`);
      throw redactionError('CONFLICT', `plan ${planHash}`, `the data changed in shards ${drift.join(', ')} while the recall was made; the recall was lifted and nothing was erased — run a new dry-run`);
    }
    return { job: await this.#d.jobs.requireJob(jobId), created: true };
  }

  /** Lifts a recall inside its grace window: the vectors are visible again and the job ends. */
  async restore(jobId: string, opts: { actorId: string; at: string; now?: () => Date }): Promise<JobRecord> {
    const job = await this.#d.jobs.requireJob(jobId);
    if (job.state !== 'recalled') throw redactionError('CONFLICT', `job ${jobId}`, `is ${job.state}; only a recalled job that has not started purging can be restored`);
    if (checkIsoTime(opts.at, 'at') >= Date.parse(job.graceUntil)) {
      throw redactionError('CONFLICT', `job ${jobId}`, `its grace window ended at ${job.graceUntil}; the recall is final`);
    }
    const now = opts.now ?? (() => new Date(opts.at));
    await this.#d.store.transaction(async (tx) => {
      await this.#d.jobs.setState(jobId, 'restored', now().toISOString(), null, tx.sql);
      await tx.appendAuditEvent({ at: now().toISOString(), actorId: opts.actorId, action: 'vectors.restore', resourceType: 'redaction-job', resourceId: jobId, decision: 'info', payload: { jobId } });
    });
    return this.#d.jobs.requireJob(jobId);
  }

  /** Vectors recalled and not yet erased, over every job that still holds a recall. */
  async backlog(): Promise<{ vectors: number; jobs: number }> {
    const jobs = (await this.#d.jobs.listJobs()).filter((j) => ['recalled', 'purging', 'paused', 'failed'].includes(j.state));
    return { vectors: jobs.reduce((n, j) => n + (j.total - j.receipted.vectors), 0), jobs: jobs.length };
  }

  async #publishMissing(jobId: string, actorId: string, now: () => Date): Promise<number> {
    const published = await this.#d.jobs.publishedSeqs(jobId);
    const missing = (await this.#d.backend.receipts(jobId)).filter((r) => !published.has(r.seq));
    for (const r of missing) await this.#d.store.transaction((tx) => this.#d.jobs.publishReceipt(tx, r, actorId, now().toISOString()).then(() => undefined));
    return missing.length;
  }

  /**
   * Erases a recalled job's vectors batch by batch, or continues where a cancelled, failed
   * or killed run stopped; ends with the certificate. Returns the job as it stands.
   */
  async purge(jobId: string, opts: PurgeOptions): Promise<JobRecord> {
    const d = this.#d;
    const now = opts.now ?? (() => new Date(opts.at));
    let job = await d.jobs.requireJob(jobId);
    if (job.state === 'completed') return job;
    if (job.state === 'restored') throw redactionError('CONFLICT', `job ${jobId}`, 'was restored; its recall was lifted and nothing will be purged');
    if (job.state === 'recalled' && checkIsoTime(opts.at, 'at') < Date.parse(job.graceUntil)) {
      throw redactionError('CONFLICT', `job ${jobId}`, `is in its grace window until ${job.graceUntil}; purge after that, or restore it`, { graceUntil: job.graceUntil });
    }
    if (job.state !== 'purging') {
      await d.store.transaction(async (tx) => {
        await d.jobs.setState(jobId, 'purging', now().toISOString(), null, tx.sql);
        await tx.appendAuditEvent({
          at: now().toISOString(),
          actorId: opts.actorId,
          action: 'vectors.purge',
          resourceType: 'redaction-job',
          resourceId: jobId,
          decision: 'info',
          payload: { jobId, resumedFrom: job.state },
        });
      });
    }
    await this.#publishMissing(jobId, opts.actorId, now);
    const batches = await d.jobs.batches(jobId);
    const pending = new Map<number, BatchSpec[]>();
    for (const batch of batches) {
      if (!pending.has(batch.shard)) pending.set(batch.shard, []);
    }
    for (const shard of pending.keys()) {
      const done = await d.backend.batchesDone(jobId, shard);
      pending.set(
        shard,
        batches.filter((x) => x.shard === shard && x.shardIndex >= done),
      );
    }
    job = await d.jobs.requireJob(jobId);
    let doneVectors = job.receipted.vectors;
    let doneBatches = job.receipted.batches;
    const started = performance.now();
    let runVectors = 0;
    const concurrency = new AdaptiveConcurrency({ max: opts.maxConcurrency ?? 4, initial: Math.min(2, opts.maxConcurrency ?? 4) });
    const report = () => {
      const secs = (performance.now() - started) / 1000;
      const rate = secs > 0 ? runVectors / secs : 0;
      opts.onProgress?.({
        jobId,
        done: doneVectors,
        total: job.total,
        batchesDone: doneBatches,
        batchCount: job.batchCount,
        rate,
        etaSeconds: rate > 0 ? (job.total - doneVectors) / rate : null,
        concurrency: concurrency.limit,
      });
    };
    report();
    const plannedIds = d.backend.checksBatchesWithPlanIds ? this.#plannedIds(job.planHash) : undefined;
    const publishInTransaction =
      d.backend.kind === 'postgres' ? (r: Receipt, tx: Store) => d.jobs.publishReceipt(tx, r, opts.actorId, now().toISOString()).then(() => undefined) : undefined;
    let stop;
    try {
      stop = await runPurge({
        backend: d.backend,
        pending,
        concurrency,
        throttle: new ShardThrottle({ rowsPerSecond: opts.rowsPerSecondPerShard ?? 0 }),
        ...(opts.signal ? { signal: opts.signal } : {}),
        ...(publishInTransaction ? { publishInTransaction } : {}),
        ...(plannedIds ? { plannedIds } : {}),
        ...(opts.onConcurrencyChange ? { onConcurrencyChange: opts.onConcurrencyChange } : {}),
        onBatch: async (batch, outcome) => {
          if (outcome.status !== 'done') return;
          if (!outcome.publishedInTransaction) {
            await d.store.transaction((tx) => d.jobs.publishReceipt(tx, outcome.receipt, opts.actorId, now().toISOString()).then(() => undefined));
          }
          doneVectors += batch.count;
          doneBatches += 1;
          runVectors += batch.count;
          report();
        },
      });
    } catch (e) {
      await d.jobs.setState(jobId, 'failed', now().toISOString(), (e as Error).message);
      throw e;
    }
    if (stop.status === 'cancelled') {
      await d.jobs.setState(jobId, 'paused', now().toISOString(), null);
      return d.jobs.requireJob(jobId);
    }
    if (stop.status === 'mismatch') {
      const msg = `batch ${stop.batch.seq} (shard ${stop.batch.shard}) found ${stop.found.count} rows with digest ${stop.found.digest}, the plan fixed ${stop.batch.count} with ${stop.batch.digest}; nothing of that batch was deleted`;
      await d.jobs.setState(jobId, 'failed', now().toISOString(), msg);
      throw redactionError('CONFLICT', `job ${jobId}`, msg, { batch: stop.batch.seq, shard: stop.batch.shard });
    }
    await this.#publishMissing(jobId, opts.actorId, now);
    return this.#finish(jobId, opts.actorId, opts.at, now);
  }

  /**
   * The plan's ids per shard, for a backend that checks batches against them: from the plan
   * just applied in this process, else from the kept copy. Without a readable copy the
   * backend falls back to digesting what each batch deletes, as slow as it is sure.
   */
  #plannedIds(planHash: string): Map<number, Float64Array> | undefined {
    let hashed = this.#recentPlan?.planHash === planHash ? this.#recentPlan : undefined;
    this.#recentPlan = undefined;
    if (!hashed) {
      try {
        hashed = this.loadPlan(planHash);
      } catch {
        return undefined;
      }
    }
    return new Map(hashed.plan.shards.map((s) => [s.shard, s.ids]));
  }

  async #finish(jobId: string, actorId: string, at: string, now: () => Date): Promise<JobRecord> {
    const d = this.#d;
    const job = await d.jobs.requireJob(jobId);
    const receipts = await d.jobs.receipts(jobId);
    if (receipts.length !== job.batchCount) {
      throw redactionError('INTERNAL', `job ${jobId}`, `has ${receipts.length} receipts for ${job.batchCount} batches; run it again to finish`);
    }
    const ranges = policyRanges(job.policy);
    // Compact first: the recount then reads an index the compaction has cleared.
    const shards = Array.from({ length: d.backend.shards }, (_, shard) => shard);
    for (const shard of shards) await d.backend.compact(shard);
    const remaining = (await mapLimit(shards, 4, (shard) => d.backend.countInRanges(shard, ranges))).reduce((n, c) => n + c, 0);
    if (remaining > 0) {
      await d.jobs.setState(jobId, 'failed', now().toISOString(), `${remaining} vectors still match the policy after every batch ran`);
      throw redactionError('CONFLICT', `job ${jobId}`, `${remaining} vectors still match the policy after every batch ran; no certificate issued`);
    }
    const cert = issueCertificate(
      {
        jobId,
        planHash: job.planHash,
        policy: job.policy,
        store: { kind: d.backend.kind, shards: d.backend.shards, dimension: d.backend.dimension },
        recalledAt: job.createdAt,
        receipts,
        shards: d.backend.shards,
        remainingMatching: remaining,
        issuedAt: at,
      },
      d.signingKey(),
    );
    const text = canonicalJson(cert as unknown as CanonicalValue);
    this.#writeCertificateFile(jobId, text);
    await d.store.transaction(async (tx) => {
      await d.jobs.setCertificate(tx, jobId, text, now().toISOString());
      await tx.appendAuditEvent({
        at: now().toISOString(),
        actorId,
        action: 'vectors.purge.certificate',
        resourceType: 'redaction-job',
        resourceId: jobId,
        decision: 'info',
        payload: { jobId, planHash: job.planHash, vectors: cert.body.erased.vectors, receiptsChain: cert.body.receiptsChain, keyId: cert.body.issuer.keyId },
      });
    });
    return d.jobs.requireJob(jobId);
  }

  #writeCertificateFile(jobId: string, text: string): void {
    const path = this.certificatePath(jobId);
    mkdirSync(join(this.#d.dataDir, 'redaction', 'certificates'), { recursive: true });
    const temp = `${path}.${process.pid}.tmp`;
    writeFileSync(temp, text + '\n');
    renameSync(temp, path);
  }

  async certificate(jobId: string): Promise<ErasureCertificate | undefined> {
    const text = await this.#d.jobs.certificate(jobId);
    return text === undefined ? undefined : (JSON.parse(text) as ErasureCertificate);
  }
}

/** `fn` over the items, at most `limit` at a time, results in item order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
