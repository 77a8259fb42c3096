import { describe, expect, it } from 'vitest';
import type { WorkbenchClient } from '../../shared/api/client.ts';
import { WorkbenchError } from '../../shared/api/errors.ts';
import type { VerifyReport } from '../../shared/domain/provenance.ts';
import { createVerifyStore, normalizeReferenceTime } from './verify-store.ts';

const REPORT = { reportVersion: 1, verified: true } as unknown as VerifyReport;

function fakeClient(run: (input: unknown) => Promise<VerifyReport>) {
  const inputs: unknown[] = [];
  const client = {
    verify: {
      run: (input: unknown) => {
        inputs.push(input);
        return run(input);
      },
    },
  } as unknown as WorkbenchClient;
  return { client, inputs };
}

describe('normalizeReferenceTime', () => {
  it('converts a time with an explicit zone to UTC with milliseconds', () => {
    expect(normalizeReferenceTime('2026-11-28T12:00:00Z')).toBe('2026-11-28T12:00:00.000Z');
    expect(normalizeReferenceTime(' 2026-11-28T14:30+02:00 ')).toBe('2026-11-28T12:30:00.000Z');
  });

  it('empty means "now" (left to the workbench); anything else is passed on for the workbench to reject by name', () => {
    expect(normalizeReferenceTime('  ')).toBeUndefined();
    expect(normalizeReferenceTime('2026-11-28 12:00')).toBe('2026-11-28 12:00');
    expect(normalizeReferenceTime('yesterday')).toBe('yesterday');
  });
});

describe('verify store', () => {
  it('runs verify.run with its own job id and keeps the request beside the report', async () => {
    const { client, inputs } = fakeClient(async () => REPORT);
    const store = createVerifyStore(client, () => 'job-1');
    await store.getState().run({ path: '/packs/a', offline: true });
    expect(inputs).toEqual([{ path: '/packs/a', offline: true, jobId: 'job-1' }]);
    expect(store.getState()).toMatchObject({ status: 'done', report: REPORT, request: { path: '/packs/a', offline: true }, jobId: 'job-1' });
  });

  it('shows progress of its own job only', async () => {
    let release: (r: VerifyReport) => void = () => undefined;
    const { client } = fakeClient(() => new Promise((r) => (release = r)));
    const store = createVerifyStore(client, () => 'job-2');
    const running = store.getState().run({ path: '/p', offline: true });
    store.getState().noteProgress({ jobId: 'other', label: 'other job', done: 0, total: null, finished: false });
    expect(store.getState().progress).toBeUndefined();
    store.getState().noteProgress({ jobId: 'job-2', label: 'verifying /p', done: 0, total: null, finished: false });
    expect(store.getState().progress?.label).toBe('verifying /p');
    release(REPORT);
    await running;
    expect(store.getState().status).toBe('done');
  });

  it('a refusal is status error with the typed error, and an older run never overwrites a newer one', async () => {
    const { client } = fakeClient(async (input) => {
      if ((input as { path: string }).path === '/denied') throw new WorkbenchError('DENIED', 'denied: no', { reason: 'no' });
      return REPORT;
    });
    let n = 0;
    const store = createVerifyStore(client, () => `job-${++n}`);
    const first = store.getState().run({ path: '/ok', offline: true });
    const second = store.getState().run({ path: '/denied', offline: true });
    await Promise.all([first, second]);
    expect(store.getState().status).toBe('error');
    expect(store.getState().error?.code).toBe('DENIED');
    expect(store.getState().report).toBeUndefined();
  });
});
