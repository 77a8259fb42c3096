import type { CallContext } from '../../shared/api/contract.ts';
import type { Actor } from '../../shared/domain/actors.ts';
import type { DiffView, ErasureCertificate as CertificateWire, JobView, StoredPolicyView } from '../../shared/api/redaction.ts';
import type { Pep } from '../policy/pep.ts';
import type { SessionService } from '../session/session-service.ts';
import type { Store } from '../store/store.ts';
import type { HashedPlan } from './diff-plan.ts';
import { readPlanFile } from './diff-plan.ts';
import { checkCertificate } from './erasure-certificate.ts';
import type { JobRecord } from './job-repository.ts';
import { verifyJob, type JobVerification, type ProbeSource } from './job-verifier.ts';
import type { Redaction } from './open-redaction.ts';
import type { PurgeProgress } from './redaction-engine.ts';
import type { RedactionEmit } from './redaction-events.ts';
import { redactionError } from './redaction-error.ts';
import { normalizePolicy, normalizeStoredPolicy, type RetentionPolicy } from './retention-policy.ts';

export const DEFAULT_BACKLOG_THRESHOLD = 1_000_000;

export interface RedactionServiceDeps {
  store: Store;
  pep: Pep;
  session: SessionService;
  emit: RedactionEmit;
  now: () => Date;
  /** The vector store and engine, opened on first use (a workbench may have none yet). */
  open: () => Promise<Redaction>;
  /** Alert (`redaction.backlog`) when more vectors than this are recalled and not yet erased. */
  backlogThreshold?: number;
  /** Where verify gets erased vectors' own embeddings, when it can (generated stores). */
  probes?: ProbeSource;
}

type PolicyInput = { name: string } | { cases: string[]; purposes: string[]; retention: string };

interface Running {
  controller: AbortController;
  done: Promise<void>;
}

const READ = 'vectors.read';
const PURGE = 'vectors.purge';

/**
 * The `redaction` namespace of the contract. Every method asks the PEP first (`vectors.read`
 * to look, `vectors.purge` to change), so a denial is audited and appealable like any other.
 * `apply` and `resume` start the purge in the background and return; progress, state changes
 * and backlog alerts go out as events.
 */
export class RedactionService {
  readonly #d: RedactionServiceDeps;
  readonly #running = new Map<string, Running>();
  #parts: Promise<Redaction> | undefined;

  constructor(deps: RedactionServiceDeps) {
    this.#d = deps;
  }

  #open(): Promise<Redaction> {
    this.#parts ??= this.#d.open().catch((e: unknown) => {
      this.#parts = undefined;
      throw e;
    });
    return this.#parts;
  }

  async #guard(ctx: CallContext, action: string, id: string): Promise<Actor> {
    const actor = await this.#d.session.actor(ctx);
    await this.#d.pep.guard(actor, action, { type: 'vector-shard', id });
    return actor;
  }

  #at(at: string | undefined): string {
    return at ?? this.#d.now().toISOString();
  }

  #view(job: JobRecord): JobView {
    return {
      id: job.id,
      planHash: job.planHash,
      state: job.state,
      policy: job.policy,
      total: job.total,
      erased: job.receipted.vectors,
      batches: { total: job.batchCount, done: job.receipted.batches },
      createdBy: job.createdBy,
      createdAt: job.createdAt,
      graceUntil: job.graceUntil,
      updatedAt: job.updatedAt,
      error: job.error,
      hasCertificate: job.hasCertificate,
      running: this.#running.has(job.id),
    };
  }

  async policies(_input: Record<string, never>, ctx: CallContext): Promise<{ policies: StoredPolicyView[] }> {
    await this.#guard(ctx, READ, 'policies');
    return { policies: await (await this.#open()).jobs.listPolicies() };
  }

  async savePolicy(input: { name: string; cases: string[]; purposes: string[]; retention: string }, ctx: CallContext): Promise<StoredPolicyView> {
    const policy = normalizeStoredPolicy(input);
    const actor = await this.#d.session.actor(ctx);
    const decision = await this.#d.pep.guard(actor, PURGE, { type: 'vector-shard', id: `policy:${policy.name}` });
    const r = await this.#open();
    const at = this.#d.now().toISOString();
    await this.#d.store.transaction((tx) => r.jobs.savePolicy(tx, policy, actor.id, at, decision.decisionId));
    return { ...policy, savedBy: actor.id, savedAt: at };
  }

  async #resolvePolicy(spec: PolicyInput, at: string): Promise<RetentionPolicy> {
    if ('name' in spec) {
      const stored = await (await this.#open()).jobs.getPolicy(spec.name);
      if (!stored) throw redactionError('NOT_FOUND', 'policy.name', `no stored policy named ${JSON.stringify(spec.name)}`);
      return normalizePolicy({ ...stored, at });
    }
    return normalizePolicy({ ...spec, at });
  }

  async dryRun(input: { policy: PolicyInput; at?: string; sample: number; progressId?: string }, ctx: CallContext): Promise<DiffView> {
    await this.#guard(ctx, READ, 'dry-run');
    const r = await this.#open();
    const policy = await this.#resolvePolicy(input.policy, this.#at(input.at));
    const progressId = input.progressId ?? `dry-run-${this.#d.now().getTime()}`;
    const hashed = await r.engine.dryRun(policy, {
      ...(ctx.signal ? { signal: ctx.signal } : {}),
      onProgress: (p) =>
        this.#d.emit({ topic: 'progress', payload: { jobId: progressId, label: `dry-run: shard ${p.shardsDone} of ${p.shards}`, done: p.shardsDone, total: p.shards, finished: false } }),
    });
    const planPath = r.engine.keepPlan(hashed);
    this.#d.emit({ topic: 'progress', payload: { jobId: progressId, label: `dry-run: ${hashed.plan.totals.vectors} vectors would be erased`, done: r.backend.shards, total: r.backend.shards, finished: true } });
    return diffView(hashed, planPath, input.sample);
  }

  async listJobs(_input: Record<string, never>, ctx: CallContext) {
    await this.#guard(ctx, READ, 'jobs');
    const r = await this.#open();
    const jobs = await r.jobs.listJobs();
    const backlog = await r.engine.backlog();
    return { jobs: jobs.map((j) => this.#view(j)), backlog: { ...backlog, threshold: this.#d.backlogThreshold ?? DEFAULT_BACKLOG_THRESHOLD } };
  }

  async apply(
    input: { planHash?: string; planPath?: string; grace: string; at?: string; batchSize?: number; maxConcurrency?: number; rowsPerSecondPerShard?: number },
    ctx: CallContext,
  ): Promise<JobView> {
    const actor = await this.#guard(ctx, PURGE, input.planHash ?? input.planPath ?? 'plan');
    const r = await this.#open();
    r.backend.warm?.();
    let hashed: HashedPlan;
    if (input.planHash) {
      try {
        hashed = r.engine.loadPlan(input.planHash);
      } catch (e) {
        throw redactionError('NOT_FOUND', 'planHash', `no kept plan ${input.planHash}: run dryRun first (${(e as Error).message})`);
      }
    } else {
      hashed = readPlanFile(input.planPath!);
    }
    const at = this.#at(input.at);
    const { job } = await r.engine.createJob(hashed, {
      actorId: actor.id,
      at,
      grace: input.grace,
      now: this.#d.now,
      ...(input.batchSize ? { batchSize: input.batchSize } : {}),
      ...(input.planPath ? { planFile: input.planPath } : {}),
    });
    await this.#announce(job);
    await this.#checkBacklog();
    const waiting = job.state === 'recalled' && Date.parse(at) < Date.parse(job.graceUntil);
    if (job.state !== 'completed' && job.state !== 'restored' && !waiting && !this.#running.has(job.id)) {
      this.#start(job.id, actor.id, at, input);
    }
    return this.#view(await r.jobs.requireJob(job.id));
  }

  async cancel(input: { jobId: string }, ctx: CallContext): Promise<JobView> {
    await this.#guard(ctx, PURGE, input.jobId);
    const r = await this.#open();
    const running = this.#running.get(input.jobId);
    if (running) {
      running.controller.abort();
      await running.done;
    } else {
      const job = await r.jobs.requireJob(input.jobId);
      // A purge left "purging" by a process that died: nothing runs it, so it is paused.
      if (job.state === 'purging') await r.jobs.setState(job.id, 'paused', this.#d.now().toISOString());
      else throw redactionError('CONFLICT', `job ${input.jobId}`, `is ${job.state}, not running`);
    }
    const job = await r.jobs.requireJob(input.jobId);
    await this.#announce(job);
    return this.#view(job);
  }

  async resume(input: { jobId: string; at?: string; maxConcurrency?: number; rowsPerSecondPerShard?: number }, ctx: CallContext): Promise<JobView> {
    const actor = await this.#guard(ctx, PURGE, input.jobId);
    const r = await this.#open();
    if (this.#running.has(input.jobId)) throw redactionError('CONFLICT', `job ${input.jobId}`, 'is already running');
    const job = await r.jobs.requireJob(input.jobId);
    const at = this.#at(input.at);
    if (job.state === 'completed' || job.state === 'restored') throw redactionError('CONFLICT', `job ${job.id}`, `is ${job.state}; there is nothing to resume`);
    if (job.state === 'recalled' && Date.parse(at) < Date.parse(job.graceUntil)) {
      throw redactionError('CONFLICT', `job ${job.id}`, `is in its grace window until ${job.graceUntil}`, { graceUntil: job.graceUntil });
    }
    this.#start(job.id, actor.id, at, input);
    return this.#view(await r.jobs.requireJob(job.id));
  }

  async restore(input: { jobId: string; at?: string }, ctx: CallContext): Promise<JobView> {
    const actor = await this.#guard(ctx, PURGE, input.jobId);
    const r = await this.#open();
    const job = await r.engine.restore(input.jobId, { actorId: actor.id, at: this.#at(input.at), now: this.#d.now });
    await this.#announce(job);
    return this.#view(job);
  }

  async receipts(input: { jobId: string; afterBatch: number; limit: number }, ctx: CallContext) {
    await this.#guard(ctx, READ, input.jobId);
    const r = await this.#open();
    const job = await r.jobs.requireJob(input.jobId);
    const receipts = await r.jobs.receipts(job.id, input.afterBatch, input.limit);
    return {
      receipts: receipts.map((x) => ({ batch: x.seq, shard: x.shard, firstId: x.firstId, lastId: x.lastId, count: x.count, digest: x.digest, auditEventId: x.auditEventId })),
      total: job.receipted.batches,
    };
  }

  async certificate(input: { jobId: string }, ctx: CallContext): Promise<{ certificate: CertificateWire; checks: ReturnType<typeof checkCertificate> }> {
    await this.#guard(ctx, READ, input.jobId);
    const r = await this.#open();
    await r.jobs.requireJob(input.jobId);
    const cert = await r.engine.certificate(input.jobId);
    if (!cert) throw redactionError('NOT_FOUND', `job ${input.jobId}`, 'has no certificate yet: it is issued when the purge completes');
    const checks = checkCertificate(cert, { trustedKeyId: r.engine.signingKeyId(), receipts: await r.jobs.receipts(input.jobId) });
    return { certificate: cert as CertificateWire, checks };
  }

  async verify(input: { jobId: string }, ctx: CallContext, probes: ProbeSource | undefined = this.#d.probes): Promise<JobVerification> {
    await this.#guard(ctx, READ, input.jobId);
    const r = await this.#open();
    const job = await r.jobs.requireJob(input.jobId);
    return verifyJob(
      {
        store: this.#d.store,
        backend: r.backend,
        jobs: r.jobs,
        vectors: r.vectors,
        loadPlan: (h) => r.engine.loadPlan(h),
        certificate: (id) => r.engine.certificate(id),
        trustedKeyId: () => r.engine.signingKeyId(),
      },
      job,
      { ...(probes ? { probes } : {}), ...(ctx.signal ? { signal: ctx.signal } : {}) },
    );
  }

  /** Settles when the job's background purge (if any) has stopped. Not part of the contract. */
  async settled(jobId: string): Promise<void> {
    await this.#running.get(jobId)?.done;
  }

  /** Stops every running purge (they pause, resumable) and closes the vector store. */
  async close(): Promise<void> {
    for (const r of this.#running.values()) r.controller.abort();
    await Promise.all([...this.#running.values()].map((r) => r.done));
    const parts = this.#parts;
    this.#parts = undefined;
    if (parts) await (await parts).close();
  }

  #start(jobId: string, actorId: string, at: string, opts: { maxConcurrency?: number; rowsPerSecondPerShard?: number }): void {
    const controller = new AbortController();
    let last = 0;
    const done = (async () => {
      const r = await this.#open();
      try {
        await this.#checkBacklog();
        const job = await r.engine.purge(jobId, {
          actorId,
          at,
          now: this.#d.now,
          signal: controller.signal,
          ...(opts.maxConcurrency ? { maxConcurrency: opts.maxConcurrency } : {}),
          ...(opts.rowsPerSecondPerShard ? { rowsPerSecondPerShard: opts.rowsPerSecondPerShard } : {}),
          onProgress: (p) => {
            const t = performance.now();
            if (t - last < 200 && p.done < p.total) return;
            last = t;
            this.#progress(p, 'purging', false);
          },
        });
        this.#running.delete(jobId);
        await this.#announce(job);
      } catch (e) {
        this.#running.delete(jobId);
        const job = await r.jobs.getJob(jobId).catch(() => undefined);
        if (job) await this.#announce(job, (e as Error).message);
      }
    })();
    this.#running.set(jobId, { controller, done });
  }

  #progress(p: PurgeProgress, state: JobView['state'], finished: boolean): void {
    this.#d.emit({ topic: 'progress', payload: { jobId: p.jobId, label: `purging: ${p.done} of ${p.total} vectors`, done: p.done, total: p.total, finished } });
    this.#d.emit({
      topic: 'redaction.job',
      payload: {
        jobId: p.jobId,
        state,
        erased: p.done,
        total: p.total,
        batchesDone: p.batchesDone,
        batchCount: p.batchCount,
        rate: p.rate,
        etaSeconds: p.etaSeconds,
        concurrency: p.concurrency,
        error: null,
      },
    });
  }

  async #announce(job: JobRecord, error?: string): Promise<void> {
    const finished = job.state !== 'purging' && job.state !== 'recalled';
    this.#d.emit({ topic: 'progress', payload: { jobId: job.id, label: `job ${job.state}`, done: job.receipted.vectors, total: job.total, finished } });
    this.#d.emit({
      topic: 'redaction.job',
      payload: {
        jobId: job.id,
        state: job.state,
        erased: job.receipted.vectors,
        total: job.total,
        batchesDone: job.receipted.batches,
        batchCount: job.batchCount,
        rate: 0,
        etaSeconds: null,
        concurrency: 0,
        error: error ?? job.error,
      },
    });
  }

  async #checkBacklog(): Promise<void> {
    const threshold = this.#d.backlogThreshold ?? DEFAULT_BACKLOG_THRESHOLD;
    const backlog = await (await this.#open()).engine.backlog();
    if (backlog.vectors > threshold) this.#d.emit({ topic: 'redaction.backlog', payload: { ...backlog, threshold } });
  }
}

/** What the renderer shows of a plan: everything but the full id lists. */
export function diffView(hashed: HashedPlan, planPath: string, sample: number): DiffView {
  const { plan } = hashed;
  return {
    planHash: hashed.planHash,
    planPath,
    policy: plan.policy,
    store: plan.store,
    totals: plan.totals,
    shards: plan.shards.map((s) => ({ shard: s.shard, count: s.count, ranges: s.ranges, sampleIds: Array.from(s.ids.subarray(0, sample)) })),
    affectedQueries: plan.affectedQueries.slice(0, 200),
    affectedQueriesTruncated: plan.affectedQueries.length > 200,
  };
}
