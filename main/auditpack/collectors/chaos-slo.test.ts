import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AssuranceRunInput } from '../../../shared/domain/assurance.ts';
import { DEFAULT_SLA_POLICY } from '../../appeals/sla-policy.ts';
import { AssuranceRepository } from '../../assurance/assurance-repository.ts';
import { JobRepository } from '../../redaction/job-repository.ts';
import { seedDemoData } from '../../store/demo-seed.ts';
import { openStore } from '../../store/open-store.ts';
import type { Store } from '../../store/store.ts';
import { createStoreLocation, skipStoreKind, STORE_KINDS, type TestStoreLocation } from '../../store/testing/store-targets.ts';
import type { CollectContext, Collected } from '../pack-file.ts';
import { testCollectContext } from '../testing/collect-context.ts';
import { chaosRunsCollector } from './chaos-runs.ts';
import { isoWeek, sloEvidenceCollector } from './slo-evidence.ts';

const AT = new Date('2026-11-28T12:00:00.000Z');
const FROM = new Date('2026-01-01T00:00:00.000Z');

const parsed = (c: Collected, path: string) => {
  const f = c.files.find((x) => x.path === path);
  if (!f || !Buffer.isBuffer(f.data)) throw new Error(`no in-memory file ${path}`);
  return JSON.parse(f.data.toString('utf8'));
};

function run(patch: Partial<AssuranceRunInput>): AssuranceRunInput {
  return {
    kind: 'chaos',
    name: 'corrupted-pack',
    startedAt: '2026-11-20T10:00:00.000Z',
    finishedAt: '2026-11-20T10:00:01.000Z',
    outcome: 'passed',
    summary: 'caught',
    details: { injected: ['flip'], happened: ['caught'], invariant: 'never verifies', checks: [{ check: 'c', ok: true, detail: 'd' }], figures: {} },
    recordedBy: 'test',
    workbenchVersion: '0.1.0',
    ...patch,
  };
}

/** An appeal's lifecycle as the appeals service writes it to the audit trail. */
async function appeal(store: Store, id: string, priority: string, opened: string, triaged: string, decided: string): Promise<void> {
  const ev = (at: string, kind: string, payload: Record<string, unknown>) =>
    store.appendAuditEvent({ at, actorId: 'olga', action: `appeals.ticket.${kind}`, resourceType: 'ombuds-ticket', resourceId: id, decision: 'info', payload: { ticketId: id, ...payload } });
  await ev(opened, 'opened', { denialEventId: 'ae-000003', priority, slaPolicyVersion: 0, slaPolicy: DEFAULT_SLA_POLICY });
  await ev(triaged, 'triaged', { from: 'new', to: 'triage' });
  await ev(decided, 'decided', { from: 'triage', to: 'decided', outcome: 'upheld' });
}

describe('isoWeek', () => {
  it('labels ISO-8601 weeks, including across a year boundary', () => {
    expect(isoWeek('2026-11-25T09:00:00.000Z')).toEqual({ week: '2026-W48', weekStart: '2026-11-23' });
    expect(isoWeek('2026-01-01T00:00:00.000Z')).toEqual({ week: '2026-W01', weekStart: '2025-12-29' });
    expect(isoWeek('2027-01-03T23:59:59.000Z')).toEqual({ week: '2026-W53', weekStart: '2026-12-28' });
  });
});

describe.each(STORE_KINDS)('chaos runs and SLO evidence (%s store)', (kind) => {
  let tmp: TestStoreLocation;
  let store: Store;
  let ctx: CollectContext;

  beforeEach(async (test) => {
    if (skipStoreKind(kind)) return test.skip();
    tmp = await createStoreLocation(kind);
    store = await openStore({ dataDir: tmp.dataDir, ...(tmp.databaseUrl ? { databaseUrl: tmp.databaseUrl } : {}), now: () => AT });
    await seedDemoData(store);
    ctx = testCollectContext(store, tmp.dataDir, { from: FROM, to: AT });
  });
  afterEach(async () => {
    await store?.close();
    await tmp?.cleanup();
  });

  it('says plainly when no run or measurement was recorded', async () => {
    const chaos = await chaosRunsCollector.collect(ctx);
    expect(parsed(chaos, 'chaos/chaos-runs.json')).toMatchObject({ status: 'no chaos run recorded in the period', runs: [], counts: { runs: 0, passed: 0, failed: 0, skipped: 0 } });
    expect(parsed(chaos, 'chaos/chaos-runs.json').latest).toEqual(
      ['redaction-kill-resume', 'db-connection-drop', 'corrupted-pack'].map((drill) => ({
        drill,
        runId: null,
        outcome: null,
        startedAt: null,
        finishedAt: null,
        summary: null,
        status: 'no run recorded in the period',
      })),
    );
    expect(chaos.facts).toEqual({ 'chaos.runs': 0, 'chaos.failed': 0, 'chaos.latestAt': null });
    expect(chaos.files[0]).toMatchObject({ records: 0 });
    expect(chaos.files[0]!.asOf).toBeUndefined();

    const slo = await sloEvidenceCollector.collect(ctx);
    expect(parsed(slo, 'slo/propagation.json')).toMatchObject({ status: 'no measurement recorded in the period', measurements: [], latest: null, goal: { p99Ms: 250 } });
    expect(parsed(slo, 'slo/redaction-throughput.json')).toMatchObject({ status: 'no redaction job receipted in the period', jobs: [], medianVectorsPerSecond: null });
    // The demo tickets (no audit history): their clocks from derived timelines; none decided, three milestones breached.
    expect(parsed(slo, 'slo/appeals-sla.json')).toMatchObject({
      status: 'no appeal decided in the period',
      inPeriod: { decided: 0, decidedOnTime: 0, onTimePercent: null, breaches: { triage: 1, decision: 2 } },
      weekly: [],
      derivedTickets: 2,
      breachedTickets: [
        { ticketId: 'ot-0001', priority: 'normal', state: 'triage', triageBreachedAt: null, decisionBreachedAt: '2026-11-23T10:00:00.000Z' },
        { ticketId: 'ot-0002', priority: 'high', state: 'new', triageBreachedAt: '2026-11-20T16:00:00.000Z', decisionBreachedAt: '2026-11-21T12:00:00.000Z' },
      ],
    });
    expect(slo.facts).toEqual({
      'slo.appeals.decided': 0,
      'slo.appeals.onTimePercent': null,
      'slo.appeals.breaches': 3,
      'slo.propagation.measurements': 0,
      'slo.propagation.p99Ms': null,
      'slo.propagation.goalMet': null,
      'slo.redaction.jobs': 0,
      'slo.redaction.vectorsPerSecondMedian': null,
    });
  });

  it('collects the recorded runs of the period, newest per drill first, deterministically', async () => {
    const repo = new AssuranceRepository(store.sql);
    const old = await repo.record(run({ startedAt: '2025-06-01T00:00:00.000Z', finishedAt: '2025-06-01T00:00:01.000Z' }));
    const a = await repo.record(run({}));
    const b = await repo.record(run({ startedAt: '2026-11-21T10:00:00.000Z', finishedAt: '2026-11-21T10:00:03.000Z', outcome: 'failed', summary: 'failed: c' }));
    const c = await repo.record(run({ name: 'db-connection-drop', startedAt: '2026-11-22T10:00:00.000Z', finishedAt: '2026-11-22T10:00:02.000Z', outcome: 'skipped', summary: 'skipped: no PostgreSQL' }));
    // Finished after `at`: not part of a pack made as of `at`.
    await repo.record(run({ startedAt: '2026-11-28T11:59:59.000Z', finishedAt: '2026-11-28T12:00:05.000Z' }));
    const m = await repo.record(
      run({
        kind: 'measurement',
        name: 'propagation',
        startedAt: '2026-11-25T10:00:00.000Z',
        finishedAt: '2026-11-25T10:00:02.000Z',
        summary: 'p99 fine',
        details: {
          injected: [],
          happened: [],
          invariant: 'p99 < 250 ms',
          checks: [{ check: 'p99', ok: true, detail: '' }],
          figures: { goalP99Ms: 250, 'sqlite.trials': 50, 'sqlite.p50Ms': 0.9, 'sqlite.p99Ms': 8.1, 'sqlite.maxMs': 8.1, 'sqlite.staleDecisions': 0, 'postgres.trials': 20, 'postgres.p50Ms': 3.2, 'postgres.p99Ms': 312.5, 'postgres.maxMs': 312.5, 'postgres.staleDecisions': 2 },
        },
      }),
    );
    const chaos = await chaosRunsCollector.collect(ctx);
    const doc = parsed(chaos, 'chaos/chaos-runs.json');
    expect(doc.runs.map((r: { id: string }) => r.id)).toEqual([c.id, b.id, a.id]);
    expect(doc.runs.map((r: { id: string }) => r.id)).not.toContain(old.id);
    expect(doc.latest.map((l: { drill: string; runId: string | null; outcome: string | null }) => [l.drill, l.runId, l.outcome])).toEqual([
      ['redaction-kill-resume', null, null],
      ['db-connection-drop', c.id, 'skipped'],
      ['corrupted-pack', b.id, 'failed'],
    ]);
    expect(doc.status).toBe('3 chaos runs recorded, 1 failed');
    expect(chaos.facts).toEqual({ 'chaos.runs': 3, 'chaos.failed': 1, 'chaos.latestAt': '2026-11-22T10:00:02.000Z' });
    expect(chaos.files[0]).toMatchObject({ path: 'chaos/chaos-runs.json', section: 'chaos', records: 3, asOf: '2026-11-22T10:00:02.000Z' });
    const again = await chaosRunsCollector.collect(ctx);
    expect((again.files[0]!.data as Buffer).equals(chaos.files[0]!.data as Buffer)).toBe(true);
    expect((chaos.files[0]!.data as Buffer).toString('utf8').endsWith('}\n')).toBe(true);

    const slo = await sloEvidenceCollector.collect(ctx);
    const prop = parsed(slo, 'slo/propagation.json');
    expect(prop.status).toBe('goal not met by the latest measurement');
    expect(prop.latest).toEqual({
      runId: m.id,
      startedAt: '2026-11-25T10:00:00.000Z',
      finishedAt: '2026-11-25T10:00:02.000Z',
      outcome: 'passed',
      worstP99Ms: 312.5,
      goalMet: false,
      setups: [
        { setup: 'sqlite-one-process', trials: 50, p50Ms: 0.9, p99Ms: 8.1, maxMs: 8.1, staleDecisions: 0 },
        { setup: 'postgres-two-instances', trials: 20, p50Ms: 3.2, p99Ms: 312.5, maxMs: 312.5, staleDecisions: 2 },
      ],
    });
    expect(slo.facts).toMatchObject({ 'slo.propagation.measurements': 1, 'slo.propagation.p99Ms': 312.5, 'slo.propagation.goalMet': false });
    expect(slo.charts!.find((x) => x.id === 'slo.propagation.p99')!.points).toEqual([{ label: '2026-11-25', value: 312.5 }]);
  });

  it('recomputes appeals SLA compliance as of `at` from the audit trail, per week', async () => {
    // On time: normal priority, triaged in an hour, decided within a day.
    await appeal(store, 'ot-0101', 'normal', '2026-11-24T09:00:00.000Z', '2026-11-24T10:00:00.000Z', '2026-11-25T09:00:00.000Z');
    // Late: low priority triaged after 27 h (target 24 h), decided the day after.
    await appeal(store, 'ot-0102', 'low', '2026-11-02T09:00:00.000Z', '2026-11-03T12:00:00.000Z', '2026-11-04T09:00:00.000Z');
    // Decided after `at`: as of `at` it is still in triage.
    await appeal(store, 'ot-0103', 'urgent', '2026-11-28T09:00:00.000Z', '2026-11-28T09:30:00.000Z', '2026-11-28T13:00:00.000Z');
    const slo = await sloEvidenceCollector.collect(ctx);
    const doc = parsed(slo, 'slo/appeals-sla.json');
    expect(doc.inPeriod).toEqual({ decided: 2, decidedOnTime: 1, onTimePercent: 50, breaches: { triage: 2, decision: 2 } });
    expect(doc.status).toBe('2 appeals decided in the period, 50% within SLA');
    expect(doc.weekly).toEqual([
      { week: '2026-W45', weekStart: '2026-11-02', decided: 1, onTime: 0, onTimePercent: 0 },
      { week: '2026-W48', weekStart: '2026-11-23', decided: 1, onTime: 1, onTimePercent: 100 },
    ]);
    expect(doc.asOf).toMatchObject({ at: '2026-11-28T12:00:00.000Z', tickets: 5, decided: 2, byState: { new: 1, triage: 2, pending_info: 0, decided: 2 } });
    expect(slo.charts!.find((x) => x.id === 'slo.appeals.onTimeWeekly')).toEqual({
      id: 'slo.appeals.onTimeWeekly',
      title: 'Appeals decided within SLA, per week',
      unit: '%',
      points: [
        { label: '2026-W45', value: 0 },
        { label: '2026-W48', value: 100 },
      ],
    });
    expect(slo.files.find((f) => f.path === 'slo/appeals-sla.json')).toMatchObject({ records: 5, asOf: '2026-11-28T09:30:00.000Z' });
    const again = await sloEvidenceCollector.collect(ctx);
    expect(again.files.map((f) => (f.data as Buffer).toString('base64'))).toEqual(slo.files.map((f) => (f.data as Buffer).toString('base64')));
  });

  it('measures redaction throughput per job from its receipts and their audit times', async () => {
    const jobs = new JobRepository(store);
    const insert = (id: string, hashChar: string, createdAt: string, graceUntil: string) =>
      store.sql.run(
        `INSERT INTO redaction_jobs (id, plan_hash, policy, state, total, batch_count, batch_size, created_by, created_at, grace_until, updated_at)
         VALUES (?, ?, '{}', 'completed', 300, 3, 100, 'sam', ?, ?, ?)`,
        [id, hashChar.repeat(64), createdAt, graceUntil, createdAt],
      );
    // Job 1: purge starts when its grace window ends (10:00:10); three receipts, the last at 10:00:40 → 300 vectors in 30 s.
    await insert('rj-0000000000000001', 'a', '2026-11-10T10:00:00.000Z', '2026-11-10T10:00:10.000Z');
    // Job 2: every receipt stamped at the start (a fixed clock): no rate, said so.
    await insert('rj-0000000000000002', 'b', '2026-11-11T10:00:00.000Z', '2026-11-11T10:00:00.000Z');
    const receipt = (jobId: string, seq: number) => ({ jobId, seq, shard: 0, firstId: seq * 100 + 1, lastId: seq * 100 + 100, count: 100, digest: 'c'.repeat(64) });
    for (const [seq, at] of [[0, '2026-11-10T10:00:20.000Z'], [1, '2026-11-10T10:00:30.000Z'], [2, '2026-11-10T10:00:40.000Z']] as const) {
      await store.transaction((tx) => jobs.publishReceipt(tx, receipt('rj-0000000000000001', seq), 'sam', at));
    }
    for (const seq of [0, 1]) await store.transaction((tx) => jobs.publishReceipt(tx, receipt('rj-0000000000000002', seq), 'sam', '2026-11-11T10:00:00.000Z'));
    const slo = await sloEvidenceCollector.collect(ctx);
    const doc = parsed(slo, 'slo/redaction-throughput.json');
    expect(doc.status).toBe('2 redaction jobs receipted in the period');
    expect(doc.jobs).toEqual([
      {
        jobId: 'rj-0000000000000001',
        state: 'completed',
        plannedVectors: 300,
        plannedBatches: 3,
        receiptedBatches: 3,
        receiptedVectors: 300,
        purgeStartedAt: '2026-11-10T10:00:10.000Z',
        firstReceiptAt: '2026-11-10T10:00:20.000Z',
        lastReceiptAt: '2026-11-10T10:00:40.000Z',
        seconds: 30,
        vectorsPerSecond: 10,
        note: null,
      },
      {
        jobId: 'rj-0000000000000002',
        state: 'completed',
        plannedVectors: 300,
        plannedBatches: 3,
        receiptedBatches: 2,
        receiptedVectors: 200,
        purgeStartedAt: '2026-11-11T10:00:00.000Z',
        firstReceiptAt: '2026-11-11T10:00:00.000Z',
        lastReceiptAt: '2026-11-11T10:00:00.000Z',
        seconds: 0,
        vectorsPerSecond: null,
        note: 'receipt times do not span an interval (all receipts at the purge start, e.g. a run with a fixed clock): no rate',
      },
    ]);
    expect(doc.medianVectorsPerSecond).toBe(10);
    expect(slo.facts).toMatchObject({ 'slo.redaction.jobs': 2, 'slo.redaction.vectorsPerSecondMedian': 10 });
    expect(slo.files.find((f) => f.path === 'slo/redaction-throughput.json')).toMatchObject({ records: 2, asOf: '2026-11-11T10:00:00.000Z' });
  });
});
