import { join } from 'node:path';
import { WorkbenchError } from '../../../shared/api/errors.ts';
import type { AssuranceCheck, AssuranceFigure } from '../../../shared/domain/assurance.ts';
import { openPolicyWorkbench, type PolicyWorkbench } from '../../policy/policy-workbench.ts';
import { PostgresUnreachableError, createTempPostgres, type TempPostgres } from '../../store/temp-postgres.ts';
import { check, drillFolder, finishRun, nowOf, throwIfCancelled, type Drill, type DrillContext } from './drill.ts';

export const PROPAGATION_MEASUREMENT = 'propagation';
/** The SLO: a revoked role stops working within 250 ms at the 99th percentile. */
export const PROPAGATION_GOAL_P99_MS = 250;
export const DEFAULT_TRIALS = 50;
export const DEFAULT_POSTGRES_TRIALS = 20;

const clock = () => performance.now();

/** A sensitive action: alice's audit.list, which needs the auditor role. True when allowed. */
async function act(wb: PolicyWorkbench): Promise<boolean> {
  try {
    await wb.call('audit.list', { limit: 1 }, 'alice');
    return true;
  } catch (e) {
    if (e instanceof WorkbenchError && e.code === 'DENIED') return false;
    throw e;
  }
}

const grant = (wb: PolicyWorkbench) => wb.call('policy.assignRole', { actorId: 'alice', role: 'auditor' }, 'admin');
const revoke = (wb: PolicyWorkbench) => wb.call('policy.removeRole', { actorId: 'alice', role: 'auditor' }, 'admin');

/** Nearest-rank percentile of ascending samples. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

export interface PropagationSeries {
  setup: 'sqlite-one-process' | 'postgres-two-instances';
  trials: number;
  /** Milliseconds from the revocation's commit to the completion of the first denied action. */
  samples: number[];
  /** Actions still allowed after the revocation committed. */
  staleDecisions: number;
}

export function summarize(s: PropagationSeries): { p50Ms: number; p99Ms: number; maxMs: number } {
  const sorted = [...s.samples].sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 100) / 100;
  return { p50Ms: round(percentile(sorted, 0.5)), p99Ms: round(percentile(sorted, 0.99)), maxMs: round(sorted.at(-1) ?? Number.NaN) };
}

/**
 * One workbench on SQLite: each trial grants alice the auditor role, checks her action is
 * allowed (and cached), revokes, and times the next action, which must be denied.
 */
export async function sqliteTrials(dataDir: string, trials: number, signal?: AbortSignal): Promise<PropagationSeries> {
  const wb = await openPolicyWorkbench({ dataDir, now: () => new Date() });
  const samples: number[] = [];
  let stale = 0;
  try {
    for (let i = 0; i < trials; i++) {
      throwIfCancelled(signal, PROPAGATION_MEASUREMENT);
      await grant(wb);
      if (!(await act(wb)) || !(await act(wb))) throw new Error(`trial ${i + 1}: the role grant did not take effect`);
      await revoke(wb);
      const t0 = clock();
      if (await act(wb)) stale += 1;
      samples.push(clock() - t0);
    }
  } finally {
    await wb.close();
  }
  return { setup: 'sqlite-one-process', trials, samples, staleDecisions: stale };
}

/**
 * Two workbench instances on one PostgreSQL database (each its own pool, cache and epoch
 * feed): A revokes, B acts until denied; the time from A's commit to B's first denial is
 * one sample; B's allowed actions after the commit are counted as stale.
 */
export async function postgresTrials(db: TempPostgres, root: string, trials: number, signal?: AbortSignal): Promise<PropagationSeries> {
  const a = await openPolicyWorkbench({ dataDir: join(root, 'a'), databaseUrl: db.url, now: () => new Date() });
  let b: PolicyWorkbench | undefined;
  const samples: number[] = [];
  let stale = 0;
  try {
    b = await openPolicyWorkbench({ dataDir: join(root, 'b'), databaseUrl: db.url, now: () => new Date(), seed: false });
    for (let i = 0; i < trials; i++) {
      throwIfCancelled(signal, PROPAGATION_MEASUREMENT);
      await grant(a);
      const giveUp = Date.now() + 10_000;
      while (!(await act(b))) if (Date.now() > giveUp) throw new Error(`trial ${i + 1}: the grant never reached instance B`);
      await revoke(a);
      const t0 = clock();
      while (await act(b)) {
        stale += 1;
        if (clock() - t0 > 10_000) throw new Error(`trial ${i + 1}: the revocation never reached instance B`);
      }
      samples.push(clock() - t0);
    }
  } finally {
    await b?.close();
    await a.close();
  }
  return { setup: 'postgres-two-instances', trials, samples, staleDecisions: stale };
}

/** The judgement: no stale decision in one process; the p99 goal met in each setup measured. */
export function judgePropagation(series: readonly PropagationSeries[]): AssuranceCheck[] {
  const checks: AssuranceCheck[] = [];
  for (const s of series) {
    const { p50Ms, p99Ms, maxMs } = summarize(s);
    checks.push(check(`${s.setup}: p99 under ${PROPAGATION_GOAL_P99_MS} ms`, s.samples.length === s.trials && p99Ms < PROPAGATION_GOAL_P99_MS, `${s.samples.length} trials: p50 ${p50Ms} ms, p99 ${p99Ms} ms, max ${maxMs} ms`));
    if (s.setup === 'sqlite-one-process') {
      checks.push(check(`${s.setup}: no stale decision`, s.staleDecisions === 0, `${s.staleDecisions} of ${s.trials} next actions still allowed after the revocation`));
    }
  }
  return checks;
}

function figuresOf(s: PropagationSeries): Record<string, AssuranceFigure> {
  const prefix = s.setup === 'sqlite-one-process' ? 'sqlite' : 'postgres';
  const { p50Ms, p99Ms, maxMs } = summarize(s);
  return { [`${prefix}.trials`]: s.trials, [`${prefix}.p50Ms`]: p50Ms, [`${prefix}.p99Ms`]: p99Ms, [`${prefix}.maxMs`]: maxMs, [`${prefix}.staleDecisions`]: s.staleDecisions };
}

/** Revokes a role N times and measures how long until the next sensitive action is denied. */
export function propagationMeasurement(opts: { trials?: number; postgresTrials?: number } = {}): Drill {
  const trials = opts.trials ?? DEFAULT_TRIALS;
  const pgTrials = opts.postgresTrials ?? DEFAULT_POSTGRES_TRIALS;
  return async (ctx: DrillContext) => {
    const startedAt = nowOf(ctx);
    const work = drillFolder(ctx, PROPAGATION_MEASUREMENT);
    const series: PropagationSeries[] = [];
    const happened: string[] = [];
    let postgresNote: string | null = null;
    try {
      ctx.progress?.(`SQLite: ${trials} revocations`);
      series.push(await sqliteTrials(join(work.dir, 'sqlite'), trials, ctx.signal));
      let db: TempPostgres | undefined;
      if (!ctx.postgresUrl) postgresNote = 'no PostgreSQL server configured';
      else {
        try {
          db = await createTempPostgres(ctx.postgresUrl);
        } catch (e) {
          if (!(e instanceof PostgresUnreachableError)) throw e;
          postgresNote = e.message;
        }
      }
      if (db) {
        try {
          ctx.progress?.(`PostgreSQL: ${pgTrials} revocations across two instances`);
          series.push(await postgresTrials(db, join(work.dir, 'postgres'), pgTrials, ctx.signal));
        } finally {
          await db.drop();
        }
      }
    } finally {
      work.remove();
    }
    for (const s of series) {
      const { p50Ms, p99Ms, maxMs } = summarize(s);
      happened.push(`${s.setup}: ${s.trials} revocations, p50 ${p50Ms} ms, p99 ${p99Ms} ms, max ${maxMs} ms, ${s.staleDecisions} stale decisions`);
    }
    if (postgresNote) happened.push(`postgres-two-instances: not measured (${postgresNote})`);
    const checks = judgePropagation(series);
    const headline = series.map((s) => `${s.setup} p99 ${summarize(s).p99Ms} ms`).join(', ');
    return finishRun(ctx, {
      kind: 'measurement',
      name: PROPAGATION_MEASUREMENT,
      startedAt,
      passedSummary: `revocation propagation: ${headline} (goal p99 < ${PROPAGATION_GOAL_P99_MS} ms), no stale decision in one process`,
      details: {
        injected: [`revoked alice's auditor role ${trials} times on SQLite${series.length > 1 ? ` and ${pgTrials} times across two instances on one PostgreSQL database` : ''}`],
        happened,
        invariant: `a revoked role is denied on the very next action in one process, and within ${PROPAGATION_GOAL_P99_MS} ms (p99) on another instance`,
        checks,
        figures: { goalP99Ms: PROPAGATION_GOAL_P99_MS, ...Object.assign({}, ...series.map(figuresOf)) },
      },
    });
  };
}

export const propagationDrill: Drill = propagationMeasurement();
