import type { Store } from '../store/store.ts';
import type { HashedPlan } from './diff-plan.ts';
import { checkCertificate, type ErasureCertificate } from './erasure-certificate.ts';
import type { JobRecord, JobRepository } from './job-repository.ts';
import { policyRanges } from './retention-policy.ts';
import type { VectorBackend } from './vector-backend.ts';
import type { VectorStore } from './vector-store.ts';

/** A deleted vector's own embedding, from outside the store (the store no longer has it). */
export interface ProbeVector {
  id: number;
  vector: Float32Array;
}

/** Given ids the job erased, returns the vectors it can supply for them (any subset). */
export type ProbeSource = (ids: readonly number[]) => Promise<ProbeVector[]>;

export interface VerifyCheck {
  name: string;
  ok: boolean;
  /** The check could not run (no probe vectors): it neither passes nor fails the verdict. */
  skipped?: boolean;
  detail: string;
}

export interface JobVerification {
  jobId: string;
  planHash: string;
  verdict: 'verified' | 'not-verified';
  checks: VerifyCheck[];
  /** Rows still matching the job's policy (expected 0). */
  remainingMatching: number | null;
  /** Erased ids still found by id (first 20) and how many. */
  retrievableById: number[];
  retrievableByIdCount: number;
  nearestNeighbour: { probes: number; k: number; found: number[] };
}

export interface VerifyDeps {
  store: Store;
  backend: VectorBackend;
  jobs: JobRepository;
  vectors: VectorStore;
  loadPlan: (planHash: string) => HashedPlan;
  certificate: (jobId: string) => Promise<ErasureCertificate | undefined>;
  trustedKeyId: () => string;
}

/** `n` ids spread evenly over the plan (shard by shard, ascending): the same sample every time. */
export function sampleIds(plan: HashedPlan['plan'], n: number): number[] {
  const total = plan.totals.vectors;
  if (total === 0 || n <= 0) return [];
  const picks = new Set<number>();
  for (let i = 0; i < Math.min(n, total); i++) picks.add(Math.floor((i * total) / Math.min(n, total)));
  const out: number[] = [];
  let offset = 0;
  for (const s of plan.shards) {
    for (const p of picks) if (p >= offset && p < offset + s.count) out.push(s.ids[p - offset]!);
    offset += s.count;
  }
  return out;
}

/**
 * Re-checks a job after the fact, failing closed: every check that throws is a failed check.
 * The policy predicate is re-run (expects zero), every erased id is looked up in its shard
 * and a sample through the public `get`, a sample is searched for with its own vector (when
 * a probe source can supply vectors), and the certificate, receipts and audit links are
 * checked against each other.
 */
export async function verifyJob(
  deps: VerifyDeps,
  job: JobRecord,
  options: { probes?: ProbeSource; maxProbes?: number; k?: number; signal?: AbortSignal } = {},
): Promise<JobVerification> {
  const checks: VerifyCheck[] = [];
  const run = async (name: string, fn: () => Promise<{ ok: boolean; detail: string; skipped?: boolean }>) => {
    try {
      checks.push({ name, ...(await fn()) });
    } catch (e) {
      checks.push({ name, ok: false, detail: `could not be checked: ${(e as Error).message}` });
    }
  };
  const k = options.k ?? 10;
  let remaining: number | null = null;
  let byId: number[] = [];
  let byIdCount = 0;
  const nn = { probes: 0, k, found: [] as number[] };
  let hashed: HashedPlan | undefined;

  await run('job state', async () => ({ ok: job.state === 'completed', detail: `the job is ${job.state}` }));
  await run('plan', async () => {
    hashed = deps.loadPlan(job.planHash);
    return { ok: hashed.plan.totals.vectors === job.total, detail: `plan ${job.planHash}: ${hashed.plan.totals.vectors} vectors in ${hashed.plan.totals.shards} shards` };
  });
  await run('policy predicate', async () => {
    const ranges = policyRanges(job.policy);
    let n = 0;
    for (let shard = 0; shard < deps.backend.shards; shard++) n += await deps.backend.countInRanges(shard, ranges);
    remaining = n;
    return { ok: n === 0, detail: n === 0 ? 'no vector matches the policy' : `${n} vectors still match the policy` };
  });
  await run('erased ids by id', async () => {
    if (!hashed) throw new Error('no plan');
    for (const s of hashed.plan.shards) {
      if (s.count === 0) continue;
      const found = await deps.backend.existingIds(s.shard, s.ids);
      byIdCount += found.length;
      for (const id of found) if (byId.length < 20) byId.push(id);
    }
    byId = byId.sort((a, b) => a - b);
    const sample = sampleIds(hashed.plan, 20);
    const visible: number[] = [];
    for (const id of sample) if (await deps.vectors.get(id)) visible.push(id);
    const ok = byIdCount === 0 && visible.length === 0;
    return {
      ok,
      detail: ok
        ? `none of the ${hashed.plan.totals.vectors} erased ids is stored; ${sample.length} sampled ids are not returned by get`
        : `${byIdCount} erased ids are still stored (${byId.join(', ')}); ${visible.length} returned by get`,
    };
  });
  await run('nearest-neighbour search', async () => {
    if (!hashed) throw new Error('no plan');
    if (!options.probes) return { ok: true, skipped: true, detail: 'skipped: no probe vectors (the store keeps no copy of erased vectors; pass --probes FILE, or --fixture for generated data)' };
    const wanted = sampleIds(hashed.plan, options.maxProbes ?? 16);
    const probes = (await options.probes(wanted)).filter((p) => wanted.includes(p.id));
    nn.probes = probes.length;
    if (probes.length === 0) return { ok: true, skipped: true, detail: 'skipped: the probe source had none of the sampled ids' };
    const results = await deps.vectors.nearestMany(
      probes.map((p) => p.vector),
      k,
      options.signal ? { signal: options.signal } : {},
    );
    probes.forEach((p, i) => {
      if (results[i]!.some((h) => h.id === p.id)) nn.found.push(p.id);
    });
    const ok = nn.found.length === 0;
    return { ok, detail: ok ? `${probes.length} erased vectors searched with their own embedding: none returned among the ${k} nearest` : `returned: ${nn.found.join(', ')}` };
  });
  let cert: ErasureCertificate | undefined;
  await run('certificate', async () => {
    cert = await deps.certificate(job.id);
    if (!cert) return { ok: false, detail: 'no certificate was issued' };
    const receipts = await deps.jobs.receipts(job.id);
    const results = checkCertificate(cert, { trustedKeyId: deps.trustedKeyId(), receipts });
    const bad = results.filter((c) => !c.ok);
    const same = cert.body.planHash === job.planHash && cert.body.jobId === job.id;
    return {
      ok: bad.length === 0 && same,
      detail: bad.length > 0 ? bad.map((c) => `${c.name}: ${c.detail}`).join('; ') : same ? results.map((c) => c.detail).join('; ') : 'the certificate names another job or plan',
    };
  });
  await run('receipts', async () => {
    const published = await deps.jobs.receipts(job.id);
    const local = await deps.backend.receipts(job.id);
    const sum = published.reduce((n, r) => n + r.count, 0);
    const same =
      local.length === published.length &&
      local.every((r, i) => {
        const p = published[i]!;
        return p.seq === r.seq && p.shard === r.shard && p.count === r.count && p.digest === r.digest && p.firstId === r.firstId && p.lastId === r.lastId;
      });
    const ok = published.length === job.batchCount && sum === job.total && same;
    return {
      ok,
      detail: ok
        ? `${published.length} receipts for ${job.batchCount} batches, ${sum} vectors, each committed with its delete`
        : `${published.length} audited receipts (${sum} vectors) for ${job.batchCount} batches / ${job.total} vectors; ${local.length} committed in the store${same ? '' : ', and they differ'}`,
    };
  });
  await run('audit trail', async () => {
    const published = await deps.jobs.receipts(job.id);
    let linked = 0;
    for (const r of published) {
      const ev = await deps.store.getAuditEvent(r.auditEventId);
      const p = ev?.payload as Record<string, unknown> | undefined;
      if (ev && ev.resourceId === job.id && p?.digest === r.digest && p?.batch === r.seq && p?.count === r.count) linked++;
    }
    const chain = await deps.store.verifyAuditChain();
    const ok = linked === published.length && chain.ok;
    return {
      ok,
      detail: ok
        ? `every receipt is an event of the hash-chained audit trail (${chain.checked} events verified)`
        : `${linked}/${published.length} receipts match their audit events; chain ${chain.ok ? 'intact' : `broken at ${chain.firstBrokenSeq}: ${chain.reason}`}`,
    };
  });
  const verdict = checks.every((c) => c.ok || c.skipped) && checks.some((c) => !c.skipped) ? 'verified' : 'not-verified';
  return {
    jobId: job.id,
    planHash: job.planHash,
    verdict,
    checks,
    remainingMatching: remaining,
    retrievableById: byId,
    retrievableByIdCount: byIdCount,
    nearestNeighbour: nn,
  };
}
