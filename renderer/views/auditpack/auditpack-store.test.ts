import { describe, expect, it } from 'vitest';
import type { BuildRequest } from '../../../shared/api/auditpack.ts';
import { WorkbenchError } from '../../../shared/api/errors.ts';
import type { AuditPackClient } from './auditpack-client.ts';
import { createAuditPackStore, formTime } from './auditpack-store.ts';
import { sampleBuild, sampleDetail } from './sample-data.ts';

function fakeClient(overrides: Partial<AuditPackClient['auditpack']> = {}) {
  const calls: string[] = [];
  let built = false;
  let onBuild: ((input: BuildRequest) => void) | undefined;
  const client: AuditPackClient = {
    $events: { subscribe: () => () => undefined },
    auditpack: {
      list: async () => (calls.push('list'), { builds: built ? [sampleBuild()] : [], running: null, problems: [] }),
      build: async (input) => {
        calls.push(`build ${JSON.stringify(input)}`);
        onBuild?.(input);
        built = true;
        return sampleBuild();
      },
      cancel: async () => (calls.push('cancel'), { cancelled: true, progressId: 'p-1' }),
      get: async ({ buildId }) => (calls.push(`get ${buildId}`), sampleDetail()),
      controlMap: async () => {
        throw new Error('not used');
      },
      readEntry: async () => {
        throw new Error('not used');
      },
      download: async ({ buildId, what }) => (
        calls.push(`download ${buildId} ${what}`),
        { fileName: 'x-control-map.csv', mediaType: 'text/csv', bytes: 3, sha256: 'cd'.repeat(32), base64: 'YSxi', path: null, note: null }
      ),
      ...overrides,
    },
  };
  return { client, calls, setOnBuild: (f: (input: BuildRequest) => void) => void (onBuild = f) };
}

describe('audit pack store', () => {
  it('builds with one click: live progress for its own id only, then the new build is listed and selected', async () => {
    const { client, calls, setOnBuild } = fakeClient();
    const store = createAuditPackStore(client, () => 'p-1');
    await store.getState().load();
    expect(store.getState().list?.builds).toEqual([]);
    const seen: unknown[] = [];
    setOnBuild(() => {
      store.getState().noteEvent('progress', { jobId: 'other', label: 'x', done: 1, total: 2, finished: false });
      store.getState().noteEvent('progress', { jobId: 'p-1', label: 'collect: audit', done: 3, total: 12, finished: false });
      seen.push(store.getState().run);
    });
    await store.getState().build();
    expect(seen).toEqual([{ status: 'running', progressId: 'p-1', progress: { label: 'collect: audit', done: 3, total: 12 }, result: undefined, error: undefined }]);
    expect(calls).toEqual(['list', 'build {"org":"acme","progressId":"p-1"}', 'list', 'get ap-abababababababab']);
    expect(store.getState()).toMatchObject({ run: { status: 'done', result: { id: 'ap-abababababababab' } }, selectedId: 'ap-abababababababab', notice: 'Built audit-pack-acme-2026-11-28-abababababab.tgz.' });
    expect(store.getState().detail).toEqual({ status: 'ready', buildId: 'ap-abababababababab', data: sampleDetail(), error: undefined });
  });

  it('sends the period and reference time as ISO times, and names a field it cannot read', async () => {
    const { client, calls } = fakeClient();
    const store = createAuditPackStore(client, () => 'p-2');
    store.getState().setForm({ org: ' globex ', from: '2026-01-01', to: '', at: '2026-11-28T12:00:00Z' });
    await store.getState().build();
    expect(calls[0]).toBe('build {"org":"globex","progressId":"p-2","from":"2026-01-01T00:00:00.000Z","at":"2026-11-28T12:00:00.000Z"}');
    store.getState().setForm({ at: 'yesterday' });
    await store.getState().build();
    expect(store.getState().run).toMatchObject({ status: 'error', error: { code: 'BAD_INPUT', message: 'at: "yesterday" is not a date (2026-11-28) or a time (2026-11-28T12:00:00Z)' } });
    expect(calls).toHaveLength(3);
  });

  it('keeps a denial with its appeal link, without asking again (which would record another denial)', async () => {
    const denial = new WorkbenchError('DENIED', 'denied: auditpack.build needs one of the roles auditor, admin', {
      reason: 'auditpack.build needs one of the roles auditor, admin',
      policyIds: ['role.auditpack.build'],
      decisionId: 'ae-000050',
      appealLink: '#/appeals/new?denial=ae-000050',
    });
    const { client, calls } = fakeClient({
      build: async () => {
        throw denial;
      },
    });
    const store = createAuditPackStore(client, () => 'p-3');
    await store.getState().build();
    expect(store.getState().run.status).toBe('error');
    expect(store.getState().run.error?.details).toMatchObject({ appealLink: '#/appeals/new?denial=ae-000050' });
    expect(calls).toEqual([]);
  });

  it('downloads and says what it downloaded; a pack over the limit is named by its path', async () => {
    const { client } = fakeClient();
    const store = createAuditPackStore(client, () => 'p');
    const file = await store.getState().download('ap-abababababababab', 'control-map.csv');
    expect(file?.fileName).toBe('x-control-map.csv');
    expect(store.getState().notice).toBe('Downloaded x-control-map.csv (SHA-256 cdcdcdcdcdcdcdcd…).');
    const big = fakeClient({
      download: async () => ({ fileName: 'p.tgz', mediaType: 'application/gzip', bytes: 9e9, sha256: 'ab'.repeat(32), base64: null, path: '/data/audit-packs/p.tgz', note: 'over the limit: copy it from /data/audit-packs/p.tgz' }),
    });
    const s2 = createAuditPackStore(big.client, () => 'p');
    await s2.getState().download('ap-abababababababab', 'pack');
    expect(s2.getState().notice).toBe('over the limit: copy it from /data/audit-packs/p.tgz');
  });

  it('reads form times', () => {
    expect(formTime('from', '')).toBeUndefined();
    expect(formTime('from', '2026-11-28')).toBe('2026-11-28T00:00:00.000Z');
    expect(formTime('to', '2026-11-28T13:14:15+01:00')).toBe('2026-11-28T12:14:15.000Z');
  });
});
