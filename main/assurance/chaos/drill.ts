import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkbenchError } from '../../../shared/api/errors.ts';
import type { AssuranceCheck, AssuranceDetails, AssuranceKind, AssuranceRunInput } from '../../../shared/domain/assurance.ts';

/** What every drill gets: who records it, where to work, the PostgreSQL server to use, cancel and progress. */
export interface DrillContext {
  recordedBy: string;
  workbenchVersion: string;
  /** Parent folder for the drill's throw-away files (default: the OS temp folder); removed afterwards. */
  workRoot?: string;
  /**
   * A PostgreSQL URL on the server the PostgreSQL drills use: they create and drop their own
   * database there (the role needs CREATEDB). Unset: those parts are skipped with the reason.
   */
  postgresUrl?: string;
  signal?: AbortSignal;
  progress?: (label: string) => void;
  /** Wall clock for startedAt / finishedAt (runs record when they really happened). */
  clock?: () => Date;
}

export type Drill = (ctx: DrillContext) => Promise<AssuranceRunInput>;

/** Throws CANCELLED when the signal has fired; drills call it between steps. */
export function throwIfCancelled(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted) throw new WorkbenchError('CANCELLED', `${what}: cancelled`);
}

/** A throw-away folder for one drill, removed by the returned function. */
export function drillFolder(ctx: DrillContext, name: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(ctx.workRoot ?? tmpdir(), `wb-drill-${name}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export function check(name: string, ok: boolean, detail: string): AssuranceCheck {
  return { check: name, ok, detail };
}

/** Passed only when there is at least one check and every check held. */
export function outcomeOf(checks: readonly AssuranceCheck[]): 'passed' | 'failed' {
  return checks.length > 0 && checks.every((c) => c.ok) ? 'passed' : 'failed';
}

/** The run record of a finished drill: the outcome follows from the checks, the summary names the failed ones. */
export function finishRun(
  ctx: DrillContext,
  r: { kind: AssuranceKind; name: string; startedAt: Date; passedSummary: string; details: AssuranceDetails; outcome?: 'skipped' },
): AssuranceRunInput {
  const finishedAt = (ctx.clock ?? (() => new Date()))();
  const outcome = r.outcome ?? outcomeOf(r.details.checks);
  const failed = r.details.checks.filter((c) => !c.ok).map((c) => c.check);
  const summary =
    outcome === 'skipped'
      ? `skipped: ${r.details.skippedReason ?? 'no reason given'}`
      : outcome === 'passed'
        ? r.passedSummary
        : failed.length > 0
          ? `failed: ${failed.join('; ')}`
          : 'failed: no invariant could be checked';
  return {
    kind: r.kind,
    name: r.name,
    startedAt: r.startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    outcome,
    summary: summary.slice(0, 2000),
    details: r.details,
    recordedBy: ctx.recordedBy,
    workbenchVersion: ctx.workbenchVersion,
  };
}

export function nowOf(ctx: DrillContext): Date {
  return (ctx.clock ?? (() => new Date()))();
}
