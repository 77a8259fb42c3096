import { z } from 'zod';
import { method } from './contract.ts';
import { IsoTime } from '../domain/time.ts';

/** Every hint Cost Guard gives; each has a section in docs/costguard.md with the same anchor. */
export const SQL_HINT_TYPES = [
  'select-star',
  'unbounded-result',
  'offset-paging',
  'predicate-pushdown',
  'missing-index',
  'function-on-indexed-column',
  'leading-wildcard-like',
  'order-by-random',
  'cartesian-join',
  'or-across-columns',
] as const;
export const CYPHER_HINT_TYPES = ['cypher-unbounded-path', 'cypher-disconnected-pattern', 'cypher-no-limit'] as const;
export const HINT_TYPES = [...SQL_HINT_TYPES, ...CYPHER_HINT_TYPES] as const;
export const HintType = z.enum(HINT_TYPES);
export type HintType = z.infer<typeof HintType>;

export const QUERY_DIALECTS = ['sqlite', 'postgres', 'cypher'] as const;
export const QueryDialect = z.enum(QUERY_DIALECTS);
export type QueryDialect = z.infer<typeof QueryDialect>;

/** Where a hint's documentation lives: docs/costguard.md, one section per type. */
export function hintDocsLink(type: HintType): string {
  return `docs/costguard.md#${type}`;
}

export const Hint = z.object({
  type: HintType,
  message: z.string(),
  severity: z.enum(['info', 'warning', 'critical']),
  /** What to write instead (SQL or an instruction), ready to read; the verified rewrite is separate. */
  suggested: z.string(),
  /** docs/costguard.md#<type> */
  docs: z.string(),
  /** The part of the query the hint is about, as printed by the analyzer (for inline highlighting); null when it is the whole query. */
  fragment: z.string().nullable(),
});
export type Hint = z.infer<typeof Hint>;

export const RewriteStep = z.object({
  type: HintType,
  /** 'same-rows': verified to return the same rows on the scratch data; 'changes-rows': returns different rows on purpose (said in `note`). */
  effect: z.enum(['same-rows', 'changes-rows']),
  costBefore: z.number(),
  costAfter: z.number(),
  note: z.string(),
});
export type RewriteStep = z.infer<typeof RewriteStep>;

export const Rewrite = z.object({
  /** The rewritten query. */
  sql: z.string(),
  /** Statements to run first (CREATE INDEX …), each verified on a scratch copy. */
  ddl: z.array(z.string()),
  /** DDL and query together, ready to copy and run. */
  script: z.string(),
  estimatedCost: z.number(),
  /** True when some step returns different rows on purpose (LIMIT, keyset paging, sampling, a join condition). */
  changesResults: z.boolean(),
  steps: z.array(RewriteStep),
});
export type Rewrite = z.infer<typeof Rewrite>;

export const HintPayload = z.object({
  queryId: z.string(),
  dialect: QueryDialect,
  /** SQLite: Cost Guard's plan-cost model; PostgreSQL: the planner's total cost; Cypher: the pattern score. */
  costModel: z.enum(['sqlite-plan-model', 'postgres-planner', 'cypher-pattern']),
  estimatedCost: z.number(),
  estimatedRows: z.number().nullable(),
  plan: z.array(z.string()),
  hints: z.array(Hint),
  /** The verified rewrite, or null when no fix was verified cheaper. */
  rewrite: Rewrite.nullable(),
  /** Fixes that were tried and not shown, with the reason (did not parse, not cheaper, different rows, …). */
  rejected: z.array(z.object({ type: HintType, reason: z.string() })),
});
export type HintPayload = z.infer<typeof HintPayload>;

export const AnalyzeInput = z.object({
  sql: z.string().min(1, 'the query is empty').max(100_000),
  /** Defaults to the store's dialect; 'cypher' analyses a graph query by its pattern. */
  dialect: QueryDialect.optional(),
});
export type AnalyzeInput = z.infer<typeof AnalyzeInput>;

export const QueryLogEntry = z.object({
  queryId: z.string(),
  dialect: QueryDialect,
  sql: z.string(),
  firstAnalyzedAt: IsoTime,
  lastAnalyzedAt: IsoTime,
  timesAnalyzed: z.number().int().positive(),
  estimatedCost: z.number(),
  rewrittenCost: z.number().nullable(),
  hintTypes: z.array(HintType),
});
export type QueryLogEntry = z.infer<typeof QueryLogEntry>;

export const UsageMinute = z.object({
  /** Start of the minute, ISO-8601 UTC. */
  minute: IsoTime,
  namespace: z.string(),
  allowed: z.number().int().nonnegative(),
  limited: z.number().int().nonnegative(),
});
export type UsageMinute = z.infer<typeof UsageMinute>;

export const UsageReport = z.object({
  from: IsoTime,
  to: IsoTime,
  minutes: z.array(UsageMinute),
  policies: z.array(z.object({ namespace: z.string(), policy: z.string(), quota: z.number().int().positive(), windowSeconds: z.number().int().positive(), burst: z.number().int().positive() })),
});
export type UsageReport = z.infer<typeof UsageReport>;

export const AdoptionAction = z.enum(['copied', 'ran']);
export type AdoptionAction = z.infer<typeof AdoptionAction>;

export const AdoptionStats = z.object({
  analyzed: z.number().int().nonnegative(),
  withRewrite: z.number().int().nonnegative(),
  copied: z.number().int().nonnegative(),
  ran: z.number().int().nonnegative(),
  /** Queries whose rewrite was copied or run, over queries that had a rewrite (0 when none had). */
  adoptionRate: z.number().min(0).max(1),
  byHintType: z.array(z.object({ type: HintType, queries: z.number().int().nonnegative(), adopted: z.number().int().nonnegative() })),
});
export type AdoptionStats = z.infer<typeof AdoptionStats>;

export const costguard = {
  analyze: method({
    input: AnalyzeInput,
    output: HintPayload,
    summary: "Plan-based hints for one query against the workbench's store (EXPLAIN only; rewrites verified on a scratch copy).",
  }),
  queryLog: method({
    input: z.object({ limit: z.number().int().min(1).max(500).default(50) }),
    output: z.array(QueryLogEntry),
    summary: 'Recently analyzed queries, newest first, to pick from.',
  }),
  usage: method({
    input: z.object({ minutes: z.number().int().min(1).max(24 * 60).default(60) }),
    output: UsageReport,
    summary: 'Calls per namespace per minute, allowed and rate-limited, with the configured policies.',
  }),
  recordAdoption: method({
    input: z.object({ queryId: z.string().min(1), action: AdoptionAction }),
    output: AdoptionStats,
    summary: 'Records that a rewrite was copied or run; returns the adoption stats.',
  }),
  adoption: method({ input: z.object({}), output: AdoptionStats, summary: 'How often rewrites are copied or run, overall and by hint type.' }),
};
