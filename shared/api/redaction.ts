import { z } from 'zod';
import { method } from './contract.ts';
import { IsoTime } from '../domain/time.ts';

/**
 * Vector governance (ADR-055): retention policies over vectors, the exact dry-run diff, a
 * recall (tombstone) that hides the vectors at once and can be lifted inside a grace window,
 * a checkpointed purge with per-batch receipts chained into the audit trail, and a signed
 * erasure certificate. Every method is sensitive: `vectors.read` to look, `vectors.purge`
 * to change anything.
 */

const Label = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, 'letters, digits, . _ : - (at most 128)');
const Duration = z.string().regex(/^\d{1,6}[dhms]$/, 'a duration like 90d, 12h, 30m or 0s');
const PolicyName = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'lower-case letters, digits, . _ - (at most 64)');
const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);
const JobId = z.string().regex(/^rj-[0-9a-f]{16}$/, 'a job id like rj-0123456789abcdef');

/** What to purge: a stored policy by name, or cases, purposes and a retention given here. */
export const PolicySpec = z.union([
  z.object({ name: PolicyName }).strict(),
  z
    .object({
      cases: z.array(Label).min(1).max(100_000),
      purposes: z.array(Label).min(1).max(100),
      retention: Duration,
    })
    .strict(),
]);
export type PolicySpec = z.infer<typeof PolicySpec>;

export const StoredPolicy = z.object({
  name: PolicyName,
  cases: z.array(Label).min(1).max(100_000),
  purposes: z.array(Label).min(1).max(100),
  retention: Duration,
});
export type StoredPolicy = z.infer<typeof StoredPolicy>;

export const StoredPolicyView = StoredPolicy.extend({ savedBy: z.string(), savedAt: IsoTime });
export type StoredPolicyView = z.infer<typeof StoredPolicyView>;

export const DryRunRequest = z.object({
  policy: PolicySpec,
  /** Reference time; defaults to now. */
  at: IsoTime.optional(),
  /** Ids shown per shard (the full list is in the plan file). */
  sample: z.number().int().min(0).max(1000).default(20),
  /** Client-chosen id for this run's progress events. */
  progressId: z.string().max(100).optional(),
});
export type DryRunRequest = z.input<typeof DryRunRequest>;

export const PlanPolicyView = z.object({
  name: z.string().optional(),
  cases: z.array(z.string()),
  purposes: z.array(z.string()),
  retention: z.string(),
  at: IsoTime,
  cutoff: IsoTime,
});

export const AffectedQueryView = z.object({ queryId: z.string(), at: z.string(), actorId: z.string(), ids: z.array(z.number().int()) });

export const DiffView = z.object({
  planHash: Sha256Hex,
  /** The plan file in the workbench's data folder (apply takes its hash). */
  planPath: z.string(),
  policy: PlanPolicyView,
  store: z.object({ kind: z.enum(['sqlite', 'postgres']), shards: z.number().int(), dimension: z.number().int() }),
  totals: z.object({ vectors: z.number().int(), shards: z.number().int(), affectedQueries: z.number().int() }),
  shards: z.array(
    z.object({
      shard: z.number().int(),
      count: z.number().int(),
      ranges: z.array(z.object({ caseId: z.string(), purpose: z.string(), count: z.number().int() })),
      /** The first ids of the shard's sorted list. */
      sampleIds: z.array(z.number().int()),
    }),
  ),
  /** The first 200 affected queries; the plan file has all. */
  affectedQueries: z.array(AffectedQueryView),
  affectedQueriesTruncated: z.boolean(),
});
export type DiffView = z.infer<typeof DiffView>;

export const JobState = z.enum(['recalled', 'purging', 'paused', 'failed', 'completed', 'restored']);

export const JobView = z.object({
  id: JobId,
  planHash: Sha256Hex,
  state: JobState,
  policy: PlanPolicyView,
  total: z.number().int(),
  /** Vectors erased with a receipt in the audit trail. */
  erased: z.number().int(),
  batches: z.object({ total: z.number().int(), done: z.number().int() }),
  createdBy: z.string(),
  createdAt: IsoTime,
  /** Until then the recall can be lifted (restore) and the purge does not start. */
  graceUntil: IsoTime,
  updatedAt: IsoTime,
  error: z.string().nullable(),
  hasCertificate: z.boolean(),
  /** A purge of this job is running in this workbench now. */
  running: z.boolean(),
});
export type JobView = z.infer<typeof JobView>;

export const JobList = z.object({
  jobs: z.array(JobView),
  /** Vectors recalled and not yet erased, over all jobs. */
  backlog: z.object({ vectors: z.number().int(), jobs: z.number().int(), threshold: z.number().int() }),
});

export const ApplyRequest = z
  .object({
    /** A plan kept by dryRun (its hash), or a plan file on the workbench's machine. */
    planHash: Sha256Hex.optional(),
    planPath: z.string().min(1).max(4096).optional(),
    /** How long the recall can be lifted before the purge may start (default 0s: purge now). */
    grace: Duration.default('0s'),
    at: IsoTime.optional(),
    batchSize: z.number().int().min(1).max(1_000_000).optional(),
    maxConcurrency: z.number().int().min(1).max(16).optional(),
    rowsPerSecondPerShard: z.number().int().min(0).optional(),
  })
  .refine((r) => (r.planHash === undefined) !== (r.planPath === undefined), { message: 'give exactly one of planHash and planPath', path: ['planHash'] });
export type ApplyRequest = z.input<typeof ApplyRequest>;

export const JobRef = z.object({ jobId: JobId });
export const JobAtRef = z.object({ jobId: JobId, at: IsoTime.optional() });
export const ResumeRequest = JobAtRef.extend({
  maxConcurrency: z.number().int().min(1).max(16).optional(),
  rowsPerSecondPerShard: z.number().int().min(0).optional(),
});

export const ReceiptsRequest = z.object({
  jobId: JobId,
  /** Receipts after this batch number. */
  afterBatch: z.number().int().min(-1).default(-1),
  limit: z.number().int().min(1).max(1000).default(100),
});

export const ReceiptView = z.object({
  batch: z.number().int(),
  shard: z.number().int(),
  firstId: z.number().int(),
  lastId: z.number().int(),
  count: z.number().int(),
  digest: Sha256Hex,
  auditEventId: z.string(),
});
export const ReceiptPage = z.object({ receipts: z.array(ReceiptView), total: z.number().int() });

const Check = z.object({ name: z.string(), ok: z.boolean(), detail: z.string(), skipped: z.boolean().optional() });

export const ErasureCertificate = z.object({
  body: z.object({
    format: z.literal('compliance-workbench/erasure-certificate@1'),
    jobId: z.string(),
    planHash: Sha256Hex,
    policy: PlanPolicyView,
    store: z.object({ kind: z.string(), shards: z.number().int(), dimension: z.number().int() }),
    recalledAt: IsoTime,
    erased: z.object({
      vectors: z.number().int(),
      batches: z.number().int(),
      shards: z.array(z.object({ shard: z.number().int(), vectors: z.number().int(), batches: z.number().int() })),
    }),
    receiptsChain: Sha256Hex,
    remainingMatching: z.number().int(),
    issuedAt: IsoTime,
    issuer: z.object({ keyId: Sha256Hex, publicKey: z.string() }),
  }),
  signature: z.object({ algorithm: z.literal('Ed25519'), keyId: Sha256Hex, value: z.string() }),
});
export type ErasureCertificate = z.infer<typeof ErasureCertificate>;

export const CertificateView = z.object({ certificate: ErasureCertificate, checks: z.array(Check) });

export const JobVerificationView = z.object({
  jobId: z.string(),
  planHash: Sha256Hex,
  verdict: z.enum(['verified', 'not-verified']),
  checks: z.array(Check),
  remainingMatching: z.number().int().nullable(),
  retrievableById: z.array(z.number().int()),
  retrievableByIdCount: z.number().int(),
  nearestNeighbour: z.object({ probes: z.number().int(), k: z.number().int(), found: z.array(z.number().int()) }),
});
export type JobVerificationView = z.infer<typeof JobVerificationView>;

export const redaction = {
  policies: method({ input: z.object({}), output: z.object({ policies: z.array(StoredPolicyView) }), sensitive: true, summary: 'Stored retention policies.' }),
  savePolicy: method({ input: StoredPolicy, output: StoredPolicyView, sensitive: true, summary: 'Save (or replace) a retention policy under a name.' }),
  dryRun: method({
    input: DryRunRequest,
    output: DiffView,
    sensitive: true,
    summary: 'The exact diff a retention policy would erase: ids per shard, affected queries, plan hash. Changes nothing.',
  }),
  listJobs: method({ input: z.object({}), output: JobList, sensitive: true, summary: 'Redaction jobs, newest first, and the recall backlog.' }),
  apply: method({
    input: ApplyRequest,
    output: JobView,
    sensitive: true,
    summary: 'Apply exactly a plan: recall its vectors now, purge them (after the grace window) in checkpointed batches; progress via events.',
  }),
  cancel: method({ input: JobRef, output: JobView, sensitive: true, summary: 'Stop a running purge after the batches in flight; resume continues it.' }),
  resume: method({ input: ResumeRequest, output: JobView, sensitive: true, summary: 'Continue a paused, failed or interrupted purge from its checkpoints.' }),
  restore: method({ input: JobAtRef, output: JobView, sensitive: true, summary: 'Lift a recall inside its grace window: the vectors are visible again, nothing is purged.' }),
  receipts: method({ input: ReceiptsRequest, output: ReceiptPage, sensitive: true, summary: "A job's batch receipts, each linked to its audit event." }),
  certificate: method({ input: JobRef, output: CertificateView, sensitive: true, summary: "A completed job's signed erasure certificate, with its checks." }),
  verify: method({
    input: JobRef,
    output: JobVerificationView,
    sensitive: true,
    summary: 'Re-check a job: the policy predicate finds nothing, no erased id is retrievable, certificate, receipts and audit agree.',
  }),
};

/** Event topics of this capability (to be added to shared/api/events.ts). */
export const redactionEvents = {
  /** A job changed state or advanced: the renderer's live progress (rate, ETA, concurrency). */
  'redaction.job': z.object({
    jobId: z.string(),
    state: JobState,
    erased: z.number().int().nonnegative(),
    total: z.number().int().nonnegative(),
    batchesDone: z.number().int().nonnegative(),
    batchCount: z.number().int().nonnegative(),
    rate: z.number().nonnegative(),
    etaSeconds: z.number().nonnegative().nullable(),
    concurrency: z.number().int().nonnegative(),
    error: z.string().nullable(),
  }),
  /** The recall backlog (recalled, not yet erased) rose above its threshold. */
  'redaction.backlog': z.object({ vectors: z.number().int(), jobs: z.number().int(), threshold: z.number().int() }),
};
export type RedactionEventTopic = keyof typeof redactionEvents;
export type RedactionEventPayload<T extends RedactionEventTopic> = z.infer<(typeof redactionEvents)[T]>;
