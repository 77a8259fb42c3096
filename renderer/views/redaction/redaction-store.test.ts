import { describe, expect, it } from 'vitest';
import { WorkbenchError } from '../../../shared/api/errors.ts';
import type { RedactionClient } from './redaction-client.ts';
import { createRedactionStore, policySpec, splitList } from './redaction-store.ts';
import { sampleCertificate, sampleDiff, sampleJob } from './sample-data.ts';

function fakeClient(overrides: Partial<RedactionClient['redaction']> = {}) {
  const calls: Array<[string, unknown]> = [];
  const record =
    <T,>(name: string, result: T) =>
    async (input: unknown): Promise<T> => {
      calls.push([name, input]);
      return result;
    };
  const redaction = {
    policies: record('policies', { policies: [] }),
    listJobs: record('listJobs', { jobs: [sampleJob()], backlog: { vectors: 834, jobs: 1, threshold: 1_000_000 } }),
    dryRun: record('dryRun', sampleDiff()),
    apply: record('apply', sampleJob()),
    cancel: record('cancel', sampleJob({ state: 'paused', running: false })),
    resume: record('resume', sampleJob()),
    restore: record('restore', sampleJob({ state: 'restored', running: false })),
    receipts: record('receipts', { receipts: [{ batch: 0, shard: 0, firstId: 3, lastId: 999, count: 250, digest: 'aa'.repeat(32), auditEventId: 'ae-000042' }], total: 5 }),
    certificate: record('certificate', { certificate: sampleCertificate(), checks: [{ name: 'signature', ok: true, detail: 'Ed25519 signature valid' }] }),
    ...overrides,
  } as unknown as RedactionClient['redaction'];
  return { client: { redaction, $events: { subscribe: () => () => undefined } } as unknown as RedactionClient, calls };
}

describe('redaction view state', () => {
  it('turns the form into a policy: a stored name, or cases and purposes split on commas and spaces', () => {
    expect(splitList(' CASE-1, CASE-2\nCASE-3 ,,')).toEqual(['CASE-1', 'CASE-2', 'CASE-3']);
    expect(policySpec({ stored: 'keep-90', cases: 'x', purposes: 'y', retention: '1d', at: '' })).toEqual({ name: 'keep-90' });
    expect(policySpec({ stored: '', cases: 'CASE-1 CASE-2', purposes: 'research', retention: ' 90d ', at: '' })).toEqual({ cases: ['CASE-1', 'CASE-2'], purposes: ['research'], retention: '90d' });
  });

  it('runs the dry-run with its own progress id, follows its progress events, and selects the first shard with something to erase', async () => {
    const { client, calls } = fakeClient();
    const store = createRedactionStore(client, () => 'p-7');
    store.getState().setForm({ cases: 'CASE-123', at: '2026-11-28T12:00:00.000Z' });
    const running = store.getState().runDryRun();
    store.getState().noteEvent('progress', { jobId: 'p-7', label: 'x', done: 1, total: 3, finished: false });
    store.getState().noteEvent('progress', { jobId: 'other', label: 'x', done: 2, total: 3, finished: false });
    expect(store.getState().dryRun).toMatchObject({ status: 'running', progress: { done: 1, total: 3 } });
    await running;
    expect(calls).toEqual([['dryRun', { policy: { cases: ['CASE-123'], purposes: ['research'], retention: '90d' }, sample: 50, progressId: 'p-7', at: '2026-11-28T12:00:00.000Z' }]]);
    expect(store.getState().dryRun.status).toBe('done');
    expect(store.getState().selectedShard).toBe(0);
  });

  it('applies the plan by its hash and keeps live figures from job events', async () => {
    const { client, calls } = fakeClient();
    const store = createRedactionStore(client, () => 'p', { dryRun: { status: 'done', progress: undefined, diff: sampleDiff(), error: undefined } });
    await store.getState().apply({ grace: '24h', batchSize: 500 });
    expect(calls.slice(0, 2)).toEqual([
      ['apply', { planHash: 'ab'.repeat(32), grace: '24h', batchSize: 500 }],
      ['listJobs', {}],
    ]);
    expect(store.getState().selectedJob).toBe('rj-abababababababab');
    store.getState().noteEvent('redaction.job', { jobId: 'rj-abababababababab', state: 'purging', erased: 900, total: 1234, batchesDone: 3, batchCount: 5, rate: 4500, etaSeconds: 0.1, concurrency: 2, error: null });
    expect(store.getState().live['rj-abababababababab']).toEqual({ state: 'purging', erased: 900, total: 1234, batchesDone: 3, batchCount: 5, rate: 4500, etaSeconds: 0.1, concurrency: 2, error: null });
  });

  it('raises the backlog alert from the event or from the job list', async () => {
    const { client } = fakeClient();
    const store = createRedactionStore(client, () => 'p');
    await store.getState().load();
    expect(store.getState().backlogAlert).toBe(false);
    store.getState().noteEvent('redaction.backlog', { vectors: 2_000_000, jobs: 2, threshold: 1_000_000 });
    expect(store.getState()).toMatchObject({ backlogAlert: true, backlog: { vectors: 2_000_000, jobs: 2, threshold: 1_000_000 } });
  });

  it('opens a job: its receipts, and its certificate once it has one', async () => {
    const { client, calls } = fakeClient();
    const store = createRedactionStore(client, () => 'p', { jobs: [sampleJob({ state: 'completed', hasCertificate: true, running: false })] });
    await store.getState().openJob('rj-abababababababab');
    expect(calls.map((c) => c[0])).toEqual(['receipts', 'certificate']);
    expect(store.getState().receipts).toMatchObject({ jobId: 'rj-abababababababab', total: 5 });
    expect(store.getState().certificate?.checks).toEqual([{ name: 'signature', ok: true, detail: 'Ed25519 signature valid' }]);
  });

  it('shows a refused action as an error and keeps the rest', async () => {
    const denied = new WorkbenchError('DENIED', 'denied: vectors.purge needs one of the roles data_steward, admin', { reason: 'x', policyIds: [], decisionId: 'ae-1', appealLink: '#/appeals/new?denial=ae-1' });
    const { client } = fakeClient({ cancel: async () => Promise.reject(denied) });
    const store = createRedactionStore(client, () => 'p', { jobs: [sampleJob()] });
    await store.getState().cancel('rj-abababababababab');
    expect(store.getState().actionError).toMatchObject({ code: 'DENIED' });
    expect(store.getState().busy).toBe(false);
    expect(store.getState().jobs).toHaveLength(1);
  });
});
