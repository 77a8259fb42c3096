import { z } from 'zod';
import { IsoTime } from './time.ts';

/**
 * Assurance runs: recorded results of fault-injection drills ("chaos") and of measurements
 * (e.g. how fast a revocation takes effect). The audit pack reads them back from the store,
 * so its chaos and SLO sections only ever show runs that actually happened.
 */
export const ASSURANCE_KINDS = ['chaos', 'measurement'] as const;
export const AssuranceKind = z.enum(ASSURANCE_KINDS);
export type AssuranceKind = z.infer<typeof AssuranceKind>;

export const ASSURANCE_OUTCOMES = ['passed', 'failed', 'skipped'] as const;
export const AssuranceOutcome = z.enum(ASSURANCE_OUTCOMES);
export type AssuranceOutcome = z.infer<typeof AssuranceOutcome>;

/** The drills and measurements this build can run, by name (kind in DRILL_KINDS). */
export const DRILL_NAMES = ['redaction-kill-resume', 'db-connection-drop', 'corrupted-pack', 'propagation'] as const;
export const DrillName = z.enum(DRILL_NAMES);
export type DrillName = z.infer<typeof DrillName>;
export const DRILL_KINDS: Record<DrillName, AssuranceKind> = {
  'redaction-kill-resume': 'chaos',
  'db-connection-drop': 'chaos',
  'corrupted-pack': 'chaos',
  propagation: 'measurement',
};

/** One invariant checked after the fault: what was compared, whether it held, and the figures that show it. */
export const AssuranceCheck = z.object({
  check: z.string().min(1),
  ok: z.boolean(),
  detail: z.string(),
});
export type AssuranceCheck = z.infer<typeof AssuranceCheck>;

/** A figure of a run (counts, milliseconds, digests); flat so a report can table it. */
export const AssuranceFigure = z.union([z.string(), z.number(), z.boolean(), z.null()]);
export type AssuranceFigure = z.infer<typeof AssuranceFigure>;

/**
 * What a run did: the fault injected (or the measurement taken), what happened, the
 * invariant it is judged by, each check, and its figures. `skippedReason` only for skipped runs.
 */
export const AssuranceDetails = z.object({
  injected: z.array(z.string()),
  happened: z.array(z.string()),
  invariant: z.string().min(1),
  checks: z.array(AssuranceCheck),
  figures: z.record(z.string(), AssuranceFigure),
  skippedReason: z.string().optional(),
});
export type AssuranceDetails = z.infer<typeof AssuranceDetails>;

export const AssuranceRunInput = z
  .object({
    kind: AssuranceKind,
    name: z.string().regex(/^[a-z0-9][a-z0-9.-]{0,63}$/, 'a lower-case name of letters, digits, . and - (at most 64)'),
    startedAt: IsoTime,
    finishedAt: IsoTime,
    outcome: AssuranceOutcome,
    summary: z.string().min(1).max(2000),
    details: AssuranceDetails,
    recordedBy: z.string().min(1).max(200),
    workbenchVersion: z.string().min(1).max(100),
  })
  .refine((r) => r.finishedAt >= r.startedAt, { message: 'finishedAt is before startedAt', path: ['finishedAt'] });
export type AssuranceRunInput = z.infer<typeof AssuranceRunInput>;

/** A recorded run; its id is derived from its content (`ar-` and 24 hex digits of a SHA-256). */
export const AssuranceRun = z.object({
  id: z.string().regex(/^ar-[0-9a-f]{24}$/),
  kind: AssuranceKind,
  name: z.string(),
  startedAt: IsoTime,
  finishedAt: IsoTime,
  outcome: AssuranceOutcome,
  summary: z.string(),
  details: AssuranceDetails,
  recordedBy: z.string(),
  workbenchVersion: z.string(),
});
export type AssuranceRun = z.infer<typeof AssuranceRun>;

/** Which recorded runs to list: started in [from, to), of one kind or name. */
export const AssuranceQuery = z.object({
  from: IsoTime.optional(),
  to: IsoTime.optional(),
  kind: AssuranceKind.optional(),
  name: z.string().optional(),
});
export type AssuranceQuery = z.infer<typeof AssuranceQuery>;
