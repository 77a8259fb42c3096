import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { costguard } from '../../shared/api/costguard.ts';
import { createDispatcher, type Dispatch } from '../../shared/api/contract.ts';
import { WorkbenchError } from '../../shared/api/errors.ts';
import { RolePdp } from '../policy/role-pdp.ts';
import { SessionService } from '../session/session-service.ts';
import { seedDemoData } from '../store/demo-seed.ts';
import { openStore } from '../store/open-store.ts';
import type { Store } from '../store/store.ts';
import { createStoreLocation, skipStoreKind, type TestStoreLocation } from '../store/testing/store-targets.ts';
import { CostguardService } from './costguard-service.ts';
import { RateLimiter } from './rate/rate-limiter.ts';
import { rateLimitedDispatch } from './rate/rate-limited-dispatch.ts';

const api = { costguard } as const;

async function call(dispatch: Dispatch, method: string, input: unknown, actorId = 'arun'): Promise<unknown> {
  return dispatch(method, { input, session: { actorId } }, { transport: 'in-process' });
}

async function failure(p: Promise<unknown>): Promise<WorkbenchError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(WorkbenchError);
  return e as WorkbenchError;
}

describe.each(['sqlite', 'postgres'] as const)('the costguard namespace on a %s store', (kind) => {
  const skip = skipStoreKind(kind);
  let loc: TestStoreLocation;
  let store: Store;
  let service: CostguardService;
  let dispatch: Dispatch;
  let nowMs = Date.parse('2026-11-28T12:00:10.000Z');

  beforeAll(async () => {
    if (skip) return;
    loc = await createStoreLocation(kind);
    store = await openStore({ dataDir: loc.dataDir, ...(loc.databaseUrl ? { databaseUrl: loc.databaseUrl } : {}), now: () => new Date('2026-11-28T12:00:00.000Z') });
    await seedDemoData(store);
    const limiter = new RateLimiter({ default: { quota: 60, windowSeconds: 60 }, namespaces: { costguard: { quota: 6, windowSeconds: 60 } } }, () => nowMs);
    service = new CostguardService({
      store,
      session: new SessionService({ store, pdp: new RolePdp() }),
      now: () => new Date(nowMs),
      limiter,
      ...(loc.databaseUrl ? { databaseUrl: loc.databaseUrl } : {}),
    });
    dispatch = rateLimitedDispatch(createDispatcher(api, { costguard: service.impl() }), limiter);
  });
  afterAll(async () => {
    if (skip) return;
    await service?.close();
    await store?.close();
    await loc?.cleanup();
  });

  it.skipIf(skip)('analyzes a query against the store, logs it, and records adoption', async () => {
    const sql = "SELECT * FROM audit_events WHERE resource_type = 'evidence'";
    const payload = (await call(dispatch, 'costguard.analyze', { sql })) as { queryId: string; dialect: string; hints: Array<{ type: string }> };
    expect(payload.dialect).toBe(kind);
    expect(payload.hints.map((h) => h.type)).toContain('select-star');

    nowMs += 1000;
    await call(dispatch, 'costguard.analyze', { sql });
    const log = (await call(dispatch, 'costguard.queryLog', {})) as Array<Record<string, unknown>>;
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ queryId: payload.queryId, dialect: kind, sql, firstAnalyzedAt: '2026-11-28T12:00:10.000Z', lastAnalyzedAt: '2026-11-28T12:00:11.000Z', timesAnalyzed: 2 });
    expect(log[0]!.hintTypes).toContain('select-star');

    const missing = await failure(call(dispatch, 'costguard.recordAdoption', { queryId: 'q_nope', action: 'copied' }));
    expect(missing.code).toBe('NOT_FOUND');
    expect(missing.message).toBe('queryId: no analyzed query "q_nope"');

    const stats = await call(dispatch, 'costguard.recordAdoption', { queryId: payload.queryId, action: 'copied' });
    expect(stats).toMatchObject({ analyzed: 1, copied: 1, ran: 0 });
  });

  it.skipIf(skip)('rejects bad input with the path named', async () => {
    nowMs += 60_000;
    const e = await failure(call(dispatch, 'costguard.analyze', { sql: '' }));
    expect(e.code).toBe('BAD_INPUT');
    expect(e.message).toBe('costguard.analyze input: sql: the query is empty');
    const dml = await failure(call(dispatch, 'costguard.analyze', { sql: 'DELETE FROM actors' }));
    expect(dml.message).toBe('sql: only SELECT statements are analyzed, got DELETE');
  });

  it.skipIf(skip)('shapes the namespace and reports allowed and limited calls per minute', async () => {
    nowMs = Date.parse('2026-11-28T12:05:00.000Z');
    for (let i = 0; i < 6; i++) await call(dispatch, 'costguard.adoption', {});
    const limited = await failure(call(dispatch, 'costguard.adoption', {}));
    expect(limited.code).toBe('RATE_LIMITED');
    expect(limited.details).toEqual({ retryAfterMs: 10_000, policyHeader: '"costguard";q=6;w=60', limitHeader: '"costguard";r=0;t=60', namespace: 'costguard' });
    nowMs = Date.parse('2026-11-28T12:06:30.000Z');
    const usage = (await call(dispatch, 'costguard.usage', { minutes: 10 })) as { from: string; to: string; minutes: unknown[]; policies: unknown[] };
    expect(usage.from).toBe('2026-11-28T11:57:00.000Z');
    expect(usage.to).toBe('2026-11-28T12:06:00.000Z');
    expect(usage.minutes).toEqual([
      { minute: '2026-11-28T12:00:00.000Z', namespace: 'costguard', allowed: 5, limited: 0 },
      { minute: '2026-11-28T12:01:00.000Z', namespace: 'costguard', allowed: 2, limited: 0 },
      { minute: '2026-11-28T12:05:00.000Z', namespace: 'costguard', allowed: 6, limited: 1 },
      { minute: '2026-11-28T12:06:00.000Z', namespace: 'costguard', allowed: 1, limited: 0 },
    ]);
    expect(usage.policies).toEqual([
      { namespace: '*', policy: 'default', quota: 60, windowSeconds: 60, burst: 60 },
      { namespace: 'costguard', policy: 'costguard', quota: 6, windowSeconds: 60, burst: 6 },
    ]);
  });
});
