import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HintPayload } from '../../../shared/api/costguard.ts';
import { Analyzer } from '../../costguard/analyzer.ts';
import { RateLimiter } from '../../costguard/rate/rate-limiter.ts';
import { UsageRecorder } from '../../costguard/rate/usage-recorder.ts';
import { CostguardRepo } from '../../costguard/store/costguard-repo.ts';
import { seedDemoData } from '../../store/demo-seed.ts';
import { openStore } from '../../store/open-store.ts';
import type { Store } from '../../store/store.ts';
import { createStoreLocation, skipStoreKind, STORE_KINDS, type TestStoreLocation } from '../../store/testing/store-targets.ts';
import type { CollectContext, Collected } from '../pack-file.ts';
import { testCollectContext } from '../testing/collect-context.ts';
import { BUDGETS_NOT_RECORDED, budgetsCollector, createBudgetsCollector } from './budgets.ts';

const AT = new Date('2026-11-28T12:00:00.000Z');
const FROM = new Date('2025-11-28T12:00:00.000Z');

const parsed = (c: Collected, path: string) => {
  const f = c.files.find((x) => x.path === path);
  if (!f || !Buffer.isBuffer(f.data)) throw new Error(`no in-memory file ${path}`);
  return JSON.parse(f.data.toString('utf8'));
};

describe.each(STORE_KINDS)('budgetsCollector (%s store)', (kind) => {
  let tmp: TestStoreLocation;
  let store: Store;
  let ctx: CollectContext;
  let limiter: RateLimiter;
  let payload: HintPayload;

  beforeEach(async (test) => {
    if (skipStoreKind(kind)) return test.skip();
    tmp = await createStoreLocation(kind);
    store = await openStore({ dataDir: tmp.dataDir, ...(tmp.databaseUrl ? { databaseUrl: tmp.databaseUrl } : {}), now: () => AT });
    await seedDemoData(store);
    ctx = testCollectContext(store, tmp.dataDir, { from: FROM, to: AT });

    // Real limiter and recorder over the real repo: costguard may make 2 calls per minute, 2 at once.
    let t = 0;
    const repo = new CostguardRepo(store.sql);
    const recorder = new UsageRecorder(repo);
    limiter = new RateLimiter({ default: { quota: 600, windowSeconds: 60 }, namespaces: { costguard: { quota: 2, windowSeconds: 60, burst: 2 } } }, () => t);
    limiter.observe(recorder.observer);
    const calls = (at: string, ns: string, n: number) => {
      t = Date.parse(at);
      for (let i = 0; i < n; i++) limiter.check(ns);
    };
    calls('2025-11-01T08:00:00.000Z', 'evidence', 4); // before the period
    calls('2026-11-26T10:00:05.000Z', 'costguard', 3); // 2 allowed, 1 limited
    calls('2026-11-26T10:00:30.000Z', 'evidence', 3);
    calls('2026-11-28T11:30:10.000Z', 'costguard', 5); // 2 allowed, 3 limited
    calls('2026-11-28T12:30:00.000Z', 'evidence', 1); // after `at`
    await recorder.flush();

    payload = await new Analyzer(null).analyze('MATCH (a)-[*]->(b) RETURN a, b', 'cypher');
    await repo.recordQuery(payload, 'MATCH (a)-[*]->(b) RETURN a, b', '2026-11-27T09:00:00.000Z', 'arun');
    await repo.recordQuery(payload, 'MATCH (a)-[*]->(b) RETURN a, b', '2026-11-27T09:05:00.000Z', 'sam');
  });
  afterEach(async () => {
    await store?.close();
    await tmp?.cleanup();
  });

  it('reports usage per namespace in the period, rate-limited calls by day, and a calls-per-day chart', async () => {
    const c = await createBudgetsCollector({ policies: limiter.policies() }).collect(ctx);
    expect(c.files.map((f) => [f.path, f.section, f.mediaType, f.records, f.asOf])).toEqual([
      ['budgets/rate-limited-calls.json', 'budgets', 'application/json', 2, '2026-11-28T11:30:00.000Z'],
      ['budgets/namespace-usage.json', 'budgets', 'application/json', 2, '2026-11-28T11:30:00.000Z'],
    ]);
    const costguardPolicy = { namespace: 'costguard', policy: 'costguard', quota: 2, windowSeconds: 60, burst: 2 };
    const defaultPolicy = { namespace: '*', policy: 'default', quota: 600, windowSeconds: 60, burst: 600 };
    const usage = parsed(c, 'budgets/namespace-usage.json');
    expect(usage.period).toEqual({ from: FROM.toISOString(), to: AT.toISOString(), countedUntil: AT.toISOString() });
    expect(usage.namespaces).toEqual([
      {
        namespace: 'costguard',
        calls: 8,
        allowed: 4,
        rateLimited: 4,
        activeMinutes: 2,
        activeDays: 2,
        firstMinute: '2026-11-26T10:00:00.000Z',
        lastMinute: '2026-11-28T11:30:00.000Z',
        peakMinute: { minute: '2026-11-28T11:30:00.000Z', calls: 5 },
        quotaPolicy: costguardPolicy,
      },
      {
        namespace: 'evidence',
        calls: 3,
        allowed: 3,
        rateLimited: 0,
        activeMinutes: 1,
        activeDays: 1,
        firstMinute: '2026-11-26T10:00:00.000Z',
        lastMinute: '2026-11-26T10:00:00.000Z',
        peakMinute: { minute: '2026-11-26T10:00:00.000Z', calls: 3 },
        quotaPolicy: defaultPolicy,
      },
    ]);
    expect(usage.byDay).toEqual([
      { namespace: 'costguard', day: '2026-11-26', calls: 3, allowed: 2, rateLimited: 1 },
      { namespace: 'costguard', day: '2026-11-28', calls: 5, allowed: 2, rateLimited: 3 },
      { namespace: 'evidence', day: '2026-11-26', calls: 3, allowed: 3, rateLimited: 0 },
    ]);
    expect(usage.totals).toEqual({ calls: 11, allowed: 7, rateLimited: 4 });
    expect(usage.quotaPolicy).toEqual({ recorded: true, source: 'the rate policies of the workbench that built this pack', policies: [defaultPolicy, costguardPolicy] });
    expect(usage.costAnalyses.queries).toEqual([
      {
        queryId: payload.queryId,
        dialect: 'cypher',
        firstAnalyzedAt: '2026-11-27T09:00:00.000Z',
        lastAnalyzedAt: '2026-11-27T09:05:00.000Z',
        timesAnalyzed: 2,
        estimatedCost: payload.estimatedCost,
        rewrittenCost: payload.rewrite?.estimatedCost ?? null,
        hintTypes: [...new Set(payload.hints.map((h) => h.type))].sort(),
        lastActorId: 'sam',
        aboveVerifyCostLimit: payload.estimatedCost > 2_000_000,
      },
    ]);
    expect(usage.costAnalyses.totals.queries).toBe(1);
    expect(JSON.stringify(usage)).not.toContain('MATCH');
    expect(usage.notRecorded).toEqual([...BUDGETS_NOT_RECORDED]);

    expect(parsed(c, 'budgets/rate-limited-calls.json')).toEqual({
      period: usage.period,
      at: AT.toISOString(),
      note: 'Calls refused with RATE_LIMITED, as counted per namespace per minute; individual calls are not recorded.',
      byNamespace: [{ namespace: 'costguard', rateLimited: 4, calls: 8, quotaPolicy: costguardPolicy }],
      byNamespaceDay: [
        { namespace: 'costguard', day: '2026-11-26', rateLimited: 1, calls: 3 },
        { namespace: 'costguard', day: '2026-11-28', rateLimited: 3, calls: 5 },
      ],
      byMinute: [
        { namespace: 'costguard', minute: '2026-11-26T10:00:00.000Z', rateLimited: 1, allowed: 2 },
        { namespace: 'costguard', minute: '2026-11-28T11:30:00.000Z', rateLimited: 3, allowed: 2 },
      ],
      total: 4,
      notRecorded: BUDGETS_NOT_RECORDED.slice(0, 2),
    });

    expect(c.facts).toEqual({
      'budgets.namespaces': 2,
      'budgets.calls': 11,
      'budgets.rateLimitedCalls': 4,
      'budgets.rateLimitedNamespaces': 1,
      'budgets.costAnalyses': 1,
      'budgets.quotaPolicyRecorded': true,
    });
    expect(c.charts).toEqual([
      {
        id: 'budgets.callsPerDay.costguard',
        title: 'Calls per day: costguard',
        unit: 'calls',
        points: [
          { label: '2026-11-26', value: 3 },
          { label: '2026-11-27', value: 0 },
          { label: '2026-11-28', value: 5 },
        ],
      },
      { id: 'budgets.callsPerDay.evidence', title: 'Calls per day: evidence', unit: 'calls', points: [{ label: '2026-11-26', value: 3 }] },
      {
        id: 'budgets.rateLimitedPerDay',
        title: 'Rate-limited calls per day (all namespaces)',
        unit: 'calls',
        points: [
          { label: '2026-11-26', value: 1 },
          { label: '2026-11-27', value: 0 },
          { label: '2026-11-28', value: 3 },
        ],
      },
    ]);

    // Same store and `at`: the same bytes.
    const again = await createBudgetsCollector({ policies: limiter.policies() }).collect(ctx);
    expect(again.files.map((f) => f.data)).toEqual(c.files.map((f) => f.data));
  });

  it('says the quota policy is not recorded rather than inventing one', async () => {
    const c = await budgetsCollector.collect(ctx);
    const usage = parsed(c, 'budgets/namespace-usage.json');
    expect(usage.quotaPolicy).toEqual({ recorded: false, source: 'not recorded: rate policies are configuration of the running workbench, not kept in the store', policies: [] });
    expect(usage.namespaces.map((n: { quotaPolicy: unknown }) => n.quotaPolicy)).toEqual([null, null]);
    expect(c.facts['budgets.quotaPolicyRecorded']).toBe(false);
  });

  it('counts only the period: an earlier period sees the old calls and no analyses', async () => {
    const c = await budgetsCollector.collect({ ...ctx, from: new Date('2025-10-01T00:00:00.000Z'), to: new Date('2025-12-01T00:00:00.000Z') });
    const usage = parsed(c, 'budgets/namespace-usage.json');
    expect(usage.byDay).toEqual([{ namespace: 'evidence', day: '2025-11-01', calls: 4, allowed: 4, rateLimited: 0 }]);
    expect(usage.costAnalyses.queries).toEqual([]);
    expect(c.files.map((f) => [f.path, f.records, f.asOf])).toEqual([
      ['budgets/rate-limited-calls.json', 0, '2025-11-01T08:00:00.000Z'],
      ['budgets/namespace-usage.json', 1, '2025-11-01T08:00:00.000Z'],
    ]);
    expect(c.charts?.map((s) => s.id)).toEqual(['budgets.callsPerDay.evidence']);
  });
});
