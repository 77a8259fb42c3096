import { WorkbenchError } from '../../shared/api/errors.ts';
import { DRILL_KINDS, DRILL_NAMES, type AssuranceRun, type DrillName } from '../../shared/domain/assurance.ts';
import type { Store } from '../store/store.ts';
import { AssuranceRepository } from './assurance-repository.ts';
import { corruptedPackDrill } from './chaos/corrupted-pack.ts';
import { dbConnectionDropDrill } from './chaos/db-connection-drop.ts';
import type { Drill, DrillContext } from './chaos/drill.ts';
import { propagationDrill } from './chaos/propagation-measurement.ts';
import { redactionKillResumeDrill } from './chaos/redaction-kill-resume.ts';

/** Every drill this build runs, by name. */
export const DRILLS: Record<DrillName, Drill> = {
  'redaction-kill-resume': redactionKillResumeDrill,
  'db-connection-drop': dbConnectionDropDrill,
  'corrupted-pack': corruptedPackDrill,
  propagation: propagationDrill,
};

export type DrillProgress =
  | { phase: 'start'; drill: DrillName; index: number; total: number }
  | { phase: 'step'; drill: DrillName; index: number; total: number; label: string }
  | { phase: 'done'; drill: DrillName; index: number; total: number; run: AssuranceRun };

export interface RunDrillsOptions {
  /** The store the runs are recorded in. */
  store: Store;
  /** Which drills, in this order (default: all). */
  drills?: readonly DrillName[];
  context: Omit<DrillContext, 'signal' | 'progress'>;
  signal?: AbortSignal;
  onProgress?: (p: DrillProgress) => void;
  /** Replace drills (tests inject a broken invariant this way). */
  registry?: Partial<Record<DrillName, Drill>>;
}

/**
 * Runs the selected drills one after another and records each result in the store as soon
 * as it finishes, so a cancel or a crash later keeps the runs already done. A drill that
 * throws is recorded as 'failed' with the error; a cancel stops before the next drill.
 */
export async function runDrills(opts: RunDrillsOptions): Promise<AssuranceRun[]> {
  const names = opts.drills ?? DRILL_NAMES;
  for (const n of names) {
    if (!(DRILL_NAMES as readonly string[]).includes(n)) throw new WorkbenchError('BAD_INPUT', `drill ${JSON.stringify(n)}: unknown (known: ${DRILL_NAMES.join(', ')})`, { field: 'drills' });
  }
  const repo = new AssuranceRepository(opts.store.sql);
  const runs: AssuranceRun[] = [];
  for (let index = 0; index < names.length; index++) {
    const name = names[index]!;
    const total = names.length;
    if (opts.signal?.aborted) throw new WorkbenchError('CANCELLED', `drills cancelled before ${name}`, { done: runs.map((r) => r.name) });
    opts.onProgress?.({ phase: 'start', drill: name, index, total });
    const drill = opts.registry?.[name] ?? DRILLS[name];
    const ctx: DrillContext = {
      ...opts.context,
      ...(opts.signal ? { signal: opts.signal } : {}),
      progress: (label) => opts.onProgress?.({ phase: 'step', drill: name, index, total, label }),
    };
    const startedAt = (ctx.clock ?? (() => new Date()))();
    let input;
    try {
      input = await drill(ctx);
    } catch (e) {
      if (e instanceof WorkbenchError && e.code === 'CANCELLED') throw e;
      const message = (e as Error).message ?? String(e);
      input = {
        kind: DRILL_KINDS[name],
        name,
        startedAt: startedAt.toISOString(),
        finishedAt: (ctx.clock ?? (() => new Date()))().toISOString(),
        outcome: 'failed' as const,
        summary: `failed: the drill could not complete: ${message}`.slice(0, 2000),
        details: { injected: [], happened: [`error: ${message}`], invariant: 'the drill runs to its checks', checks: [{ check: 'the drill ran', ok: false, detail: message }], figures: {} },
        recordedBy: ctx.recordedBy,
        workbenchVersion: ctx.workbenchVersion,
      };
    }
    const run = await repo.record(input);
    runs.push(run);
    opts.onProgress?.({ phase: 'done', drill: name, index, total, run });
  }
  return runs;
}
