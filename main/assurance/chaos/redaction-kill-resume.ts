import { createHash } from 'node:crypto';
import { cpSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import canonicalize from 'canonicalize';
import { POLICY_ARGS, applyAndKill, cli, AT as PLAN_AT } from './vector-redactor-process.ts';
import type { AssuranceCheck } from '../../../shared/domain/assurance.ts';
import { loadOrCreateWorkbenchKey } from '../../appeals/workbench-key.ts';
import { shardFileName } from '../../redaction/shard-schema.ts';
import { openStore } from '../../store/open-store.ts';
import { check, drillFolder, finishRun, nowOf, throwIfCancelled, type Drill, type DrillContext } from './drill.ts';

export const REDACTION_KILL_RESUME_DRILL = 'redaction-kill-resume';

/** Fixture size: a few thousand vectors, so the purge takes seconds, throttled so the kill lands inside it. */
export const KILL_RESUME_FIXTURE = { vectors: 8000, shards: 4, queries: 100 } as const;
/** Where the apply is killed: once this share of the plan is erased. */
export const KILL_AT_FRACTION = 0.4;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** What a finished (or killed) redaction store holds, reduced to what the invariant compares. */
export interface RedactionState {
  /** redaction_jobs rows minus the wall-clock column (updated_at). */
  jobs: Array<Record<string, unknown>>;
  remainingVectors: number;
  /** SHA-256 over every remaining vector (shard, case, purpose, created_at, id, embedding) in key order. */
  remainingDigest: string;
  /** redaction_receipts in seq order: the chain of batch receipts. */
  receipts: Array<{ job_id: string; seq: number; shard: number; first_id: number; last_id: number; count: number; digest: string }>;
  /** SHA-256 over the receipts above, and over each shard's own purge_receipts. */
  receiptsDigest: string;
  shardReceiptsDigest: string;
  shardReceipts: number;
  /** Batch numbers of the `vectors.purge.receipt` audit events, sorted (a duplicate shows twice). */
  auditReceiptBatches: number[];
  /** The store's own audit-chain verification. */
  auditChain: { ok: boolean; checked: number; reason: string | null };
}

function rows<T>(file: string, sql: string): T[] {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}

/** Reads a SQLite data folder's redaction state (the main store and its vector shards). */
export async function readRedactionState(dataDir: string, shards: number): Promise<RedactionState> {
  const main = join(dataDir, 'workbench.sqlite');
  const vectors = createHash('sha256');
  let remaining = 0;
  const shardReceipts = createHash('sha256');
  let shardReceiptCount = 0;
  for (let s = 0; s < shards; s++) {
    const file = join(dataDir, 'vectors', shardFileName(s));
    for (const v of rows<{ case_id: string; purpose: string; created_at: number; id: number; e: string }>(
      file,
      'SELECT case_id, purpose, created_at, id, hex(embedding) AS e FROM vectors ORDER BY case_id, purpose, created_at, id',
    )) {
      vectors.update(`${s}\t${v.case_id}\t${v.purpose}\t${v.created_at}\t${v.id}\t${v.e}\n`);
      remaining += 1;
    }
    for (const r of rows<Record<string, unknown>>(file, 'SELECT job_id, seq, first_id, last_id, count, digest FROM purge_receipts ORDER BY job_id, seq')) {
      shardReceipts.update(`${s}\t${canonicalize(r)}\n`);
      shardReceiptCount += 1;
    }
  }
  const receipts = rows<RedactionState['receipts'][number]>(main, 'SELECT job_id, seq, shard, first_id, last_id, count, digest FROM redaction_receipts ORDER BY job_id, seq');
  const auditReceiptBatches = rows<{ payload: string }>(main, "SELECT payload FROM audit_events WHERE action = 'vectors.purge.receipt' ORDER BY seq")
    .map((r) => (JSON.parse(r.payload) as { batch: number }).batch)
    .sort((a, b) => a - b);
  const store = await openStore({ dataDir });
  let auditChain;
  try {
    const report = await store.verifyAuditChain();
    auditChain = { ok: report.ok, checked: report.checked, reason: report.reason };
  } finally {
    await store.close();
  }
  return {
    jobs: rows(main, 'SELECT id, plan_hash, policy, state, total, batch_count, batch_size, created_by, created_at, grace_until, error, certificate FROM redaction_jobs ORDER BY id'),
    remainingVectors: remaining,
    remainingDigest: vectors.digest('hex'),
    receipts,
    receiptsDigest: sha256(canonicalize(receipts)!),
    shardReceiptsDigest: shardReceipts.digest('hex'),
    shardReceipts: shardReceiptCount,
    auditReceiptBatches,
    auditChain,
  };
}

/** The kill itself: SIGKILL arrived, and it landed inside the purge (some but not all batches receipted). */
export interface KillEvidence {
  signal: string | null;
  receiptsAtKill: number;
  batchCount: number;
}

/**
 * The invariant: after kill -9 and a resume, the store ends exactly like an uninterrupted
 * run — the same vectors remain, the same receipt chain, every batch receipted once in the
 * store, in its shard and in the audit trail, and the audit chain verifies.
 */
export function judgeKillResume(uninterrupted: RedactionState, resumed: RedactionState, kill: KillEvidence): AssuranceCheck[] {
  const batches = kill.batchCount;
  const expectedSeqs = Array.from({ length: batches }, (_, i) => i);
  const seqs = resumed.receipts.map((r) => r.seq);
  const distinctAudit = new Set(resumed.auditReceiptBatches).size;
  return [
    check(
      'the kill landed inside the purge',
      kill.signal === 'SIGKILL' && kill.receiptsAtKill > 0 && kill.receiptsAtKill < batches,
      `signal ${kill.signal ?? 'none'}; ${kill.receiptsAtKill} of ${batches} batches receipted when killed`,
    ),
    check(
      'the same job state as the uninterrupted run',
      canonicalize(resumed.jobs) === canonicalize(uninterrupted.jobs),
      `resumed: ${resumed.jobs.map((j) => `${String(j.id)} ${String(j.state)}`).join(', ') || 'no job'}; uninterrupted: ${uninterrupted.jobs.map((j) => `${String(j.id)} ${String(j.state)}`).join(', ') || 'no job'}`,
    ),
    check(
      'the same vectors remain',
      resumed.remainingDigest === uninterrupted.remainingDigest && resumed.remainingVectors === uninterrupted.remainingVectors,
      `resumed ${resumed.remainingVectors} vectors (sha256 ${resumed.remainingDigest}); uninterrupted ${uninterrupted.remainingVectors} (sha256 ${uninterrupted.remainingDigest})`,
    ),
    check(
      'the same receipt chain',
      resumed.receiptsDigest === uninterrupted.receiptsDigest && resumed.shardReceiptsDigest === uninterrupted.shardReceiptsDigest,
      `store receipts sha256 ${resumed.receiptsDigest} vs ${uninterrupted.receiptsDigest}; shard receipts sha256 ${resumed.shardReceiptsDigest} vs ${uninterrupted.shardReceiptsDigest}`,
    ),
    check(
      'no receipt lost or duplicated',
      canonicalize(seqs) === canonicalize(expectedSeqs) &&
        resumed.shardReceipts === batches &&
        resumed.auditReceiptBatches.length === batches &&
        distinctAudit === batches,
      `${batches} batches planned; ${seqs.length} store receipts (seq ${seqs.length ? `${seqs[0]}..${seqs.at(-1)}` : 'none'}), ${resumed.shardReceipts} shard receipts, ` +
        `${resumed.auditReceiptBatches.length} receipt audit events for ${distinctAudit} distinct batches`,
    ),
    check('the audit chain verifies', resumed.auditChain.ok, `${resumed.auditChain.checked} events checked${resumed.auditChain.reason ? `: ${resumed.auditChain.reason}` : ''}`),
  ];
}

function mustSucceed(r: { status: number | null; stdout: string; stderr: string }, what: string): string {
  if (r.status !== 0) throw new Error(`${what} exited ${r.status ?? 'by signal'}: ${(r.stderr || r.stdout).trim().slice(0, 500)}`);
  return r.stdout;
}

/**
 * Generates a vector store, plans a purge, and applies the plan twice from the same start:
 * once uninterrupted, once in a child process SIGKILLed mid-purge and then run again. Both
 * runs use the real `vector-redactor` CLI (the child-process helpers of its kill tests).
 */
export const redactionKillResumeDrill: Drill = async (ctx: DrillContext) => {
  const startedAt = nowOf(ctx);
  const work = drillFolder(ctx, REDACTION_KILL_RESUME_DRILL);
  try {
    const base = join(work.dir, 'base');
    const plan = join(work.dir, 'plan.json');
    ctx.progress?.(`generating ${KILL_RESUME_FIXTURE.vectors} vectors`);
    mustSucceed(
      cli(['generate-fixture', '--data-dir', base, '--vectors', String(KILL_RESUME_FIXTURE.vectors), '--shards', String(KILL_RESUME_FIXTURE.shards), '--queries', String(KILL_RESUME_FIXTURE.queries)]),
      'vector-redactor generate-fixture',
    );
    // One signing key for both copies, so their certificates and jobs can be compared.
    loadOrCreateWorkbenchKey(base);
    mustSucceed(cli(['dry-run', '--data-dir', base, '--at', PLAN_AT, '--out', plan, ...POLICY_ARGS]), 'vector-redactor dry-run');
    const straight = join(work.dir, 'uninterrupted');
    const killed = join(work.dir, 'killed');
    cpSync(base, straight, { recursive: true });
    cpSync(base, killed, { recursive: true });
    throwIfCancelled(ctx.signal, REDACTION_KILL_RESUME_DRILL);

    ctx.progress?.('applying the plan uninterrupted');
    const applyArgs = ['--plan', plan, '--at', PLAN_AT, '--batch-size', '40', '--progress', 'none'];
    const straightOut = mustSucceed(cli(['apply', ...applyArgs, '--data-dir', straight]), 'uninterrupted apply');
    const jobId = /job (rj-[0-9a-f]{16})/.exec(straightOut)?.[1] ?? null;
    const uninterrupted = await readRedactionState(straight, KILL_RESUME_FIXTURE.shards);
    const batchCount = Number(uninterrupted.jobs[0]?.batch_count ?? 0);
    throwIfCancelled(ctx.signal, REDACTION_KILL_RESUME_DRILL);

    ctx.progress?.(`applying in a child process, kill -9 at ${KILL_AT_FRACTION * 100}% erased`);
    const run = await applyAndKill(['--data-dir', killed], plan, { fraction: KILL_AT_FRACTION });
    const receiptsAtKill = existsSync(join(killed, 'workbench.sqlite'))
      ? rows<{ n: number }>(join(killed, 'workbench.sqlite'), 'SELECT count(*) AS n FROM redaction_receipts')[0]!.n
      : 0;
    const stateAtKill = rows<{ state: string }>(join(killed, 'workbench.sqlite'), 'SELECT state FROM redaction_jobs').map((r) => r.state);
    throwIfCancelled(ctx.signal, REDACTION_KILL_RESUME_DRILL);

    ctx.progress?.('resuming the killed apply');
    const resumeOut = mustSucceed(cli(['apply', ...applyArgs, '--data-dir', killed]), 'apply after the kill');
    const resumed = await readRedactionState(killed, KILL_RESUME_FIXTURE.shards);
    const verify = jobId ? cli(['verify', jobId, '--data-dir', killed, '--fixture']) : undefined;

    const checks = judgeKillResume(uninterrupted, resumed, { signal: run.signal, receiptsAtKill, batchCount });
    checks.push(
      check(
        'vector-redactor verify says VERIFIED',
        verify?.status === 0 && verify.stdout.startsWith(`VERIFIED  job ${jobId}`),
        verify ? `exit ${verify.status}; ${verify.stdout.split('\n')[0] ?? ''}` : 'no job id in the uninterrupted run',
      ),
    );
    return finishRun(ctx, {
      kind: 'chaos',
      name: REDACTION_KILL_RESUME_DRILL,
      startedAt,
      passedSummary: `apply killed with SIGKILL after ${receiptsAtKill} of ${batchCount} batches, then resumed: same ${resumed.remainingVectors} remaining vectors, same ${batchCount}-receipt chain, no receipt lost or duplicated, audit chain verified`,
      details: {
        injected: [`SIGKILL to the \`vector-redactor apply\` child process (pid gone, no shutdown) once ${KILL_AT_FRACTION * 100}% of the plan was erased`],
        happened: [
          `the child ended by ${run.signal ?? `exit ${run.code}`} with ${receiptsAtKill} of ${batchCount} batches receipted (job state ${stateAtKill.join(', ') || 'none'})`,
          `running apply again: ${(resumeOut.split('\n')[0] ?? '').trim()}`,
          `compared with an uninterrupted apply of the same plan on a copy of the same store`,
        ],
        invariant: 'kill -9 mid-purge then resume ends in exactly the state of an uninterrupted run: same remaining vectors, same receipt chain, every batch receipted once, audit chain intact',
        checks,
        figures: {
          vectors: KILL_RESUME_FIXTURE.vectors,
          shards: KILL_RESUME_FIXTURE.shards,
          jobId,
          batches: batchCount,
          planned: Number(uninterrupted.jobs[0]?.total ?? 0),
          receiptsAtKill,
          remainingVectors: resumed.remainingVectors,
          remainingDigest: resumed.remainingDigest,
          receiptsDigest: resumed.receiptsDigest,
          auditEventsChecked: resumed.auditChain.checked,
        },
      },
    });
  } finally {
    work.remove();
  }
};
