import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AssuranceRun } from '../../shared/domain/assurance.ts';
import { openStore } from '../store/open-store.ts';
import type { Store } from '../store/store.ts';
import { postgresAdminUrl, postgresSkipped } from '../store/temp-postgres.ts';
import { createTempSqlite, type TempSqlite } from '../store/testing/temp-sqlite.ts';
import { AssuranceRepository } from './assurance-repository.ts';
import { judgeCorruption, FLIPPED_FILE } from './chaos/corrupted-pack.ts';
import { judgeConnectionDrop, type DropEvidence } from './chaos/db-connection-drop.ts';
import { judgePropagation } from './chaos/propagation-measurement.ts';
import { judgeKillResume, type RedactionState } from './chaos/redaction-kill-resume.ts';
import { runDrills, type DrillProgress } from './run-drills.ts';

/**
 * The drills for real on this machine — a child process really SIGKILLed mid-purge, a real
 * PostgreSQL backend really terminated, real packs really corrupted, real revocations — each
 * recorded in a real store; and each judgement reports 'failed' when fed a broken state.
 */
describe('assurance drills', () => {
  let dir: TempSqlite;
  let store: Store;
  let runs: AssuranceRun[];
  const progress: DrillProgress[] = [];
  const context = { recordedBy: 'test:run-drills', workbenchVersion: '0.1.0', ...(postgresSkipped() ? {} : { postgresUrl: postgresAdminUrl() }) };

  beforeAll(async () => {
    dir = createTempSqlite();
    store = await openStore({ dataDir: dir.dataDir });
    runs = await runDrills({ store, context, onProgress: (p) => progress.push(p) });
  }, 90_000);
  afterAll(async () => {
    await store.close();
    dir.remove();
  });

  const run = (name: string) => runs.find((r) => r.name === name)!;

  it('runs every drill in order, reporting progress, and records each in the store', async () => {
    expect(runs.map((r) => [r.kind, r.name])).toEqual([
      ['chaos', 'redaction-kill-resume'],
      ['chaos', 'db-connection-drop'],
      ['chaos', 'corrupted-pack'],
      ['measurement', 'propagation'],
    ]);
    expect(progress.filter((p) => p.phase !== 'step').map((p) => `${p.phase} ${p.drill}`)).toEqual([
      'start redaction-kill-resume',
      'done redaction-kill-resume',
      'start db-connection-drop',
      'done db-connection-drop',
      'start corrupted-pack',
      'done corrupted-pack',
      'start propagation',
      'done propagation',
    ]);
    expect(progress.some((p) => p.phase === 'step' && p.label === 'applying in a child process, kill -9 at 40% erased')).toBe(true);
    const stored = await new AssuranceRepository(store.sql).list();
    expect(stored.map((r) => r.id).sort()).toEqual(runs.map((r) => r.id).sort());
    for (const r of runs) expect(r.recordedBy).toBe('test:run-drills');
  });

  it('kill -9 mid-purge and resume ends like an uninterrupted run', () => {
    const r = run('redaction-kill-resume');
    expect(r.details.checks.filter((c) => !c.ok)).toEqual([]);
    expect(r.outcome).toBe('passed');
    expect(r.details.checks.map((c) => c.check)).toEqual([
      'the kill landed inside the purge',
      'the same job state as the uninterrupted run',
      'the same vectors remain',
      'the same receipt chain',
      'no receipt lost or duplicated',
      'the audit chain verifies',
      'vector-redactor verify says VERIFIED',
    ]);
    const f = r.details.figures;
    expect(f.receiptsAtKill).toBeGreaterThan(0);
    expect(f.receiptsAtKill).toBeLessThan(f.batches as number);
    expect(f.remainingVectors).toBe(8000 - (f.planned as number));
  });

  it.skipIf(postgresSkipped())('a dropped PostgreSQL connection and a killed SQLite writer leave nothing half-written', () => {
    const r = run('db-connection-drop');
    expect(r.details.checks.filter((c) => !c.ok)).toEqual([]);
    expect(r.outcome).toBe('passed');
    expect(r.details.happened[1]).toMatch(/^PostgreSQL: transaction failed: terminating connection due to administrator command; reconnected: 20 events, 0 uncommitted present, appended seq 21$/);
    expect(r.details.figures).toMatchObject({ 'sqlite.eventsAfterFault': 20, 'sqlite.uncommittedFound': 0, 'postgres.eventsAfterFault': 20, 'postgres.uncommittedFound': 0 });
  });

  it('corrupted packs fail verification naming the file and the truncation', () => {
    const r = run('corrupted-pack');
    expect(r.outcome).toBe('passed');
    expect(r.details.happened[1]).toBe(`flipped folder: verified=false; errors: ${FLIPPED_FILE}: modified`);
    expect(r.details.happened[3]).toMatch(/^truncated \.tgz: verified=false; errors: archive is truncated or corrupted: /);
  });

  it('records revocation propagation with p50/p99 and no stale decision', () => {
    const r = run('propagation');
    expect(r.outcome).toBe('passed');
    expect(r.details.figures).toMatchObject({ goalP99Ms: 250, 'sqlite.trials': 50, 'sqlite.staleDecisions': 0 });
    expect(r.details.figures['sqlite.p99Ms']).toBeLessThan(250);
    if (!postgresSkipped()) expect(r.details.figures).toMatchObject({ 'postgres.trials': 20 });
  });

  it('reports failed when an invariant is broken (tampered states fed to each judgement)', async () => {
    const state = (patch: Partial<RedactionState> = {}): RedactionState => ({
      jobs: [{ id: 'rj-1', state: 'completed' }],
      remainingVectors: 10,
      remainingDigest: 'a'.repeat(64),
      receipts: [0, 1].map((seq) => ({ job_id: 'rj-1', seq, shard: 0, first_id: seq, last_id: seq, count: 1, digest: 'b'.repeat(64) })),
      receiptsDigest: 'c'.repeat(64),
      shardReceiptsDigest: 'd'.repeat(64),
      shardReceipts: 2,
      auditReceiptBatches: [0, 1],
      auditChain: { ok: true, checked: 9, reason: null },
      ...patch,
    });
    const kill = { signal: 'SIGKILL', receiptsAtKill: 1, batchCount: 2 };
    expect(judgeKillResume(state(), state(), kill).every((c) => c.ok)).toBe(true);
    // One vector came back, and a receipt was published twice.
    const tampered = judgeKillResume(state(), state({ remainingVectors: 11, remainingDigest: 'e'.repeat(64), auditReceiptBatches: [0, 1, 1] }), kill);
    expect(tampered.filter((c) => !c.ok).map((c) => c.check)).toEqual(['the same vectors remain', 'no receipt lost or duplicated']);

    const drop: DropEvidence = {
      store: 'postgres',
      committedBefore: 20,
      uncommittedWritten: 200,
      fault: 'transaction failed',
      eventsAfterFault: 21,
      uncommittedFound: 1,
      chainAfterFault: { ok: true, checked: 21, reason: null },
      appendedSeq: 22,
      chainAfterAppend: { ok: true, checked: 22, reason: null },
    };
    expect(judgeConnectionDrop(drop).filter((c) => !c.ok).map((c) => c.check)).toEqual([
      'PostgreSQL: nothing half-written',
      'PostgreSQL: the audit chain verifies after the fault',
      'PostgreSQL: writes continue after reconnecting',
    ]);

    const corrupted = run('corrupted-pack');
    expect(corrupted.outcome).toBe('passed');
    expect(judgePropagation([{ setup: 'sqlite-one-process', trials: 2, samples: [1, 400], staleDecisions: 1 }]).map((c) => [c.check, c.ok])).toEqual([
      ['sqlite-one-process: p99 under 250 ms', false],
      ['sqlite-one-process: no stale decision', false],
    ]);

    // Through runDrills: a drill whose comparison sees a tampered state is recorded 'failed', and one that throws too.
    const failing = await runDrills({
      store,
      context: { ...context, clock: () => new Date('2026-11-01T00:00:00.000Z') },
      drills: ['corrupted-pack', 'propagation'],
      registry: {
        'corrupted-pack': async () => {
          const report = { verified: true, errors: [], files: [], merkle: { match: true } } as unknown as Parameters<typeof judgeCorruption>[0]['untouched'];
          const checks = judgeCorruption({ untouched: report, untouchedArchive: report, flipped: report, flippedArchive: report, truncatedArchive: report }, FLIPPED_FILE);
          return {
            kind: 'chaos',
            name: 'corrupted-pack',
            startedAt: '2026-11-01T00:00:00.000Z',
            finishedAt: '2026-11-01T00:00:00.000Z',
            outcome: checks.every((c) => c.ok) ? 'passed' : 'failed',
            summary: 'tampered',
            details: { injected: [], happened: [], invariant: 'x', checks, figures: {} },
            recordedBy: context.recordedBy,
            workbenchVersion: context.workbenchVersion,
          };
        },
        propagation: async () => {
          throw new Error('the PDP did not start');
        },
      },
    });
    expect(failing.map((r) => [r.name, r.outcome, r.summary])).toEqual([
      ['corrupted-pack', 'failed', 'tampered'],
      ['propagation', 'failed', 'failed: the drill could not complete: the PDP did not start'],
    ]);
    expect(failing[0]!.details.checks.filter((c) => !c.ok).map((c) => c.check)).toEqual([
      'one flipped byte in the folder is caught and named',
      'one flipped byte in the .tgz is caught and named',
      'truncated .tgz is caught and named',
    ]);
  });

  it('stops at a cancel before the next drill, and refuses an unknown drill', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(runDrills({ store, context, signal: controller.signal, drills: ['corrupted-pack'] })).rejects.toMatchObject({
      code: 'CANCELLED',
      message: 'drills cancelled before corrupted-pack',
    });
    await expect(runDrills({ store, context, drills: ['nope' as 'propagation'] })).rejects.toMatchObject({
      code: 'BAD_INPUT',
      message: 'drill "nope": unknown (known: redaction-kill-resume, db-connection-drop, corrupted-pack, propagation)',
    });
  });
});
