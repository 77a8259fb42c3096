import canonicalize from 'canonicalize';
import type { UsageMinute } from '../../../shared/api/costguard.ts';
import { WorkbenchError } from '../../../shared/api/errors.ts';
import { DEFAULT_OPTIONS } from '../../costguard/hints/finding.ts';
import type { RateLimiter } from '../../costguard/rate/rate-limiter.ts';
import { minuteOf } from '../../costguard/rate/usage-recorder.ts';
import { CostguardRepo } from '../../costguard/store/costguard-repo.ts';
import type { SqlClient } from '../../store/sql-client.ts';
import type { ChartSeries, CollectContext, Collected, Collector } from '../pack-file.ts';
import { PACK_PATHS } from '../pack-paths.ts';

/** One rate policy as the limiter lists it (`RateLimiter.policies()`); namespace "*" is the default. */
export type QuotaPolicy = ReturnType<RateLimiter['policies']>[number];

export interface BudgetsCollectorOptions {
  /**
   * The rate policies in force (`limiter.policies()` of the running workbench). The store does
   * not record them, so without this the files say the policy is not recorded.
   */
  policies?: readonly QuotaPolicy[];
}

const DAY_MS = 86_400_000;
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const json = (v: unknown) => Buffer.from(canonicalize(v)! + '\n', 'utf8');

/** What the product does not record today, stated in the files instead of invented numbers. */
export const BUDGETS_NOT_RECORDED = [
  'Individual calls: the workbench records counts per namespace per minute (allowed and rate-limited), not each call, its caller or method.',
  'Retry-After values and the limiter state at the time of a rate-limited call.',
  'Per-tenant usage: namespaces are API namespaces (e.g. costguard, evidence), shared by every tenant of the workbench.',
  'Calls counted in the running workbench during the minute before the pack was built may not be written to the store yet.',
  'Each Cost Guard analysis: the query log keeps one row per distinct query with its first and last analysis time and a lifetime count.',
] as const;

interface CostAnalysisRow {
  query_id: string;
  dialect: string;
  first_analyzed_at: string;
  last_analyzed_at: string;
  times_analyzed: number | string;
  estimated_cost: number | string;
  rewritten_cost: number | string | null;
  hint_types: string;
  actor_id: string;
}

/** Cost Guard analyses whose [first, last] analysis span overlaps [from, end). */
async function costAnalyses(sql: SqlClient, from: string, end: string) {
  const rows = await sql.all<CostAnalysisRow>(
    `SELECT query_id, dialect, first_analyzed_at, last_analyzed_at, times_analyzed, estimated_cost, rewritten_cost, hint_types, actor_id
       FROM costguard_queries WHERE first_analyzed_at < ? AND last_analyzed_at >= ? ORDER BY query_id`,
    [end, from],
  );
  return rows
    .map((r) => ({
      queryId: r.query_id,
      dialect: r.dialect,
      firstAnalyzedAt: r.first_analyzed_at,
      lastAnalyzedAt: r.last_analyzed_at,
      timesAnalyzed: Number(r.times_analyzed),
      estimatedCost: Number(r.estimated_cost),
      rewrittenCost: r.rewritten_cost === null ? null : Number(r.rewritten_cost),
      hintTypes: (JSON.parse(r.hint_types) as string[]).slice().sort(cmp),
      lastActorId: r.actor_id,
      aboveVerifyCostLimit: Number(r.estimated_cost) > DEFAULT_OPTIONS.maxVerifyCost,
    }))
    .sort((a, b) => cmp(a.queryId, b.queryId));
}

function policyFor(policies: readonly QuotaPolicy[] | undefined, namespace: string): QuotaPolicy | null {
  if (!policies) return null;
  return policies.find((p) => p.namespace === namespace) ?? policies.find((p) => p.namespace === '*') ?? null;
}

/** Every day from first to last (inclusive), so a chart shows quiet days as zero rather than skipping them. */
function daySpan(first: string, last: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${first}T00:00:00.000Z`); t <= Date.parse(`${last}T00:00:00.000Z`); t += DAY_MS) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

/**
 * budgets: per-namespace usage in the period from Cost Guard's per-minute counters (calls,
 * rate-limited calls, the quota policy when given), Cost Guard analyses, and the rate-limited
 * calls by namespace and day. Usage after ctx.at is left out: the pack speaks as of `at`.
 */
export function createBudgetsCollector(options: BudgetsCollectorOptions = {}): Collector {
  return {
    section: 'budgets',
    async collect(ctx: CollectContext): Promise<Collected> {
      if (ctx.signal?.aborted) throw new WorkbenchError('CANCELLED', 'audit pack build cancelled while collecting budgets');
      const from = ctx.from.toISOString();
      const endMs = Math.min(ctx.to.getTime(), ctx.at.getTime());
      const end = new Date(endMs).toISOString();
      const at = ctx.at.toISOString();
      // A minute row counts calls in [minute, minute + 60 s); it belongs to the period when its minute starts in [from, end).
      const minutes: UsageMinute[] =
        endMs > ctx.from.getTime() ? (await new CostguardRepo(ctx.store.sql).usage(from, minuteOf(endMs - 1))).filter((m) => m.minute >= from && m.minute < end) : [];
      minutes.sort((a, b) => cmp(a.namespace, b.namespace) || cmp(a.minute, b.minute));
      const analyses = endMs > ctx.from.getTime() ? await costAnalyses(ctx.store.sql, from, end) : [];

      const byNs = new Map<string, { calls: number; allowed: number; rateLimited: number; minutes: number; first: string; last: string; peak: { minute: string; calls: number } }>();
      const byDay = new Map<string, { namespace: string; day: string; calls: number; allowed: number; rateLimited: number }>();
      for (const m of minutes) {
        const calls = m.allowed + m.limited;
        const n = byNs.get(m.namespace) ?? { calls: 0, allowed: 0, rateLimited: 0, minutes: 0, first: m.minute, last: m.minute, peak: { minute: m.minute, calls } };
        n.calls += calls;
        n.allowed += m.allowed;
        n.rateLimited += m.limited;
        n.minutes += 1;
        n.last = m.minute;
        if (calls > n.peak.calls) n.peak = { minute: m.minute, calls };
        byNs.set(m.namespace, n);
        const day = m.minute.slice(0, 10);
        const key = `${m.namespace}\u0000${day}`;
        const d = byDay.get(key) ?? { namespace: m.namespace, day, calls: 0, allowed: 0, rateLimited: 0 };
        d.calls += calls;
        d.allowed += m.allowed;
        d.rateLimited += m.limited;
        byDay.set(key, d);
      }
      const days = [...byDay.values()].sort((a, b) => cmp(a.namespace, b.namespace) || cmp(a.day, b.day));
      const namespaces = [...byNs].map(([namespace, n]) => ({
        namespace,
        calls: n.calls,
        allowed: n.allowed,
        rateLimited: n.rateLimited,
        activeMinutes: n.minutes,
        activeDays: days.filter((d) => d.namespace === namespace).length,
        firstMinute: n.first,
        lastMinute: n.last,
        peakMinute: n.peak,
        quotaPolicy: policyFor(options.policies, namespace),
      }));

      // The newest counter row is the newest evidence; no rate-limited call after it is known either way.
      const newestMinute = minutes.reduce<string | undefined>((acc, m) => (acc === undefined || m.minute > acc ? m.minute : acc), undefined);
      const newestAnalysis = analyses.reduce<string | undefined>((acc, a) => {
        const t = a.lastAnalyzedAt <= at ? a.lastAnalyzedAt : undefined;
        return t !== undefined && (acc === undefined || t > acc) ? t : acc;
      }, undefined);
      const usageAsOf = [newestMinute, newestAnalysis].filter((x): x is string => x !== undefined).sort(cmp).pop();

      const totals = {
        calls: namespaces.reduce((s, n) => s + n.calls, 0),
        allowed: namespaces.reduce((s, n) => s + n.allowed, 0),
        rateLimited: namespaces.reduce((s, n) => s + n.rateLimited, 0),
      };
      const quotaPolicy = options.policies
        ? { recorded: true, source: 'the rate policies of the workbench that built this pack', policies: [...options.policies].sort((a, b) => cmp(a.namespace, b.namespace)) }
        : { recorded: false, source: 'not recorded: rate policies are configuration of the running workbench, not kept in the store', policies: [] };
      const usage = {
        scope: 'workbench: namespaces are API namespaces, not tenants',
        period: { from, to: ctx.to.toISOString(), countedUntil: end },
        at,
        granularity: 'minute',
        namespaces,
        byDay: days,
        totals,
        quotaPolicy,
        costAnalyses: {
          namespace: 'costguard',
          note: `Distinct queries Cost Guard analysed in the period (first..last analysis overlaps it); timesAnalyzed is the lifetime count. aboveVerifyCostLimit: estimated cost over ${DEFAULT_OPTIONS.maxVerifyCost}, the default cost above which Cost Guard does not run a query to verify a fix. Query text is left out (it may hold literal values); queryId finds it in the Cost Guard query log.`,
          queries: analyses,
          totals: {
            queries: analyses.length,
            withRewrite: analyses.filter((a) => a.rewrittenCost !== null).length,
            aboveVerifyCostLimit: analyses.filter((a) => a.aboveVerifyCostLimit).length,
          },
        },
        notRecorded: BUDGETS_NOT_RECORDED,
      };

      const limitedMinutes = minutes.filter((m) => m.limited > 0).map((m) => ({ namespace: m.namespace, minute: m.minute, rateLimited: m.limited, allowed: m.allowed }));
      const limitedDays = days.filter((d) => d.rateLimited > 0).map((d) => ({ namespace: d.namespace, day: d.day, rateLimited: d.rateLimited, calls: d.calls }));
      const rateLimited = {
        period: usage.period,
        at,
        note: 'Calls refused with RATE_LIMITED, as counted per namespace per minute; individual calls are not recorded.',
        byNamespace: namespaces.filter((n) => n.rateLimited > 0).map((n) => ({ namespace: n.namespace, rateLimited: n.rateLimited, calls: n.calls, quotaPolicy: n.quotaPolicy })),
        byNamespaceDay: limitedDays,
        byMinute: limitedMinutes,
        total: totals.rateLimited,
        notRecorded: BUDGETS_NOT_RECORDED.slice(0, 2),
      };

      const charts: ChartSeries[] = namespaces.map((n) => {
        const own = new Map(days.filter((d) => d.namespace === n.namespace).map((d) => [d.day, d.calls]));
        return {
          id: `budgets.callsPerDay.${n.namespace}`,
          title: `Calls per day: ${n.namespace}`,
          unit: 'calls',
          points: daySpan(n.firstMinute.slice(0, 10), n.lastMinute.slice(0, 10)).map((day) => ({ label: day, value: own.get(day) ?? 0 })),
        };
      });
      if (totals.rateLimited > 0) {
        const perDay = new Map<string, number>();
        for (const d of days) perDay.set(d.day, (perDay.get(d.day) ?? 0) + d.rateLimited);
        const sorted = [...perDay.keys()].sort(cmp);
        charts.push({
          id: 'budgets.rateLimitedPerDay',
          title: 'Rate-limited calls per day (all namespaces)',
          unit: 'calls',
          points: daySpan(sorted[0]!, sorted[sorted.length - 1]!).map((day) => ({ label: day, value: perDay.get(day) ?? 0 })),
        });
      }

      return {
        files: [
          {
            path: PACK_PATHS.budgetsRateLimited,
            section: 'budgets',
            title: 'Rate-limited calls by namespace and day',
            mediaType: 'application/json',
            data: json(rateLimited),
            records: limitedMinutes.length,
            ...(newestMinute ? { asOf: newestMinute } : {}),
          },
          {
            path: PACK_PATHS.budgetsUsage,
            section: 'budgets',
            title: 'Namespace usage, quota policies and Cost Guard analyses',
            mediaType: 'application/json',
            data: json(usage),
            records: namespaces.length,
            ...(usageAsOf ? { asOf: usageAsOf } : {}),
          },
        ],
        facts: {
          'budgets.namespaces': namespaces.length,
          'budgets.calls': totals.calls,
          'budgets.rateLimitedCalls': totals.rateLimited,
          'budgets.rateLimitedNamespaces': rateLimited.byNamespace.length,
          'budgets.costAnalyses': analyses.length,
          'budgets.quotaPolicyRecorded': options.policies !== undefined,
        },
        charts,
      };
    },
  };
}

/** The budgets collector without the live rate policies (the files say they are not recorded). */
export const budgetsCollector: Collector = createBudgetsCollector();
