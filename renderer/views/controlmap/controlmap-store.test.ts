import { describe, expect, it } from 'vitest';
import { WorkbenchError } from '../../../shared/api/errors.ts';
import type { AuditPackClient } from '../auditpack/auditpack-client.ts';
import { sampleControlMap, sampleRows } from '../auditpack/sample-data.ts';
import { createControlMapStore, statusCounts, visibleRows } from './controlmap-store.ts';

function fakeClient(overrides: Partial<AuditPackClient['auditpack']> = {}) {
  const calls: string[] = [];
  const client = {
    $events: { subscribe: () => () => undefined },
    auditpack: {
      controlMap: async () => (calls.push('controlMap'), sampleControlMap()),
      readEntry: async ({ buildId, path }: { buildId: string; path: string }) => {
        calls.push(`readEntry ${buildId} ${path}`);
        if (path === 'chaos/chaos-runs.json') throw new WorkbenchError('NOT_FOUND', `${path}: no such file or folder`);
        return {
          buildId,
          path,
          kind: 'file' as const,
          entry: sampleControlMap().build && { path, section: 'audit' as const, title: 'Audit chain verification', mediaType: 'application/json', size: 200, sha256: '22'.repeat(32) },
          children: [],
          text: '{"ok":true}',
          note: null,
          verified: true,
        };
      },
      download: async ({ what }: { what: string }) => (
        calls.push(`download ${what}`),
        { fileName: 'm.csv', mediaType: 'text/csv', bytes: 3, sha256: 'cd'.repeat(32), base64: 'YSxi', path: null, note: null }
      ),
      ...overrides,
    },
  } as unknown as AuditPackClient;
  return { client, calls };
}

describe('control map store', () => {
  it('filters by framework and status', () => {
    const rows = sampleRows();
    expect(visibleRows(rows, 'all', 'all').map((r) => r.controlId)).toEqual(['CW-AC-01', 'CW-LG-02', 'CW-RS-03']);
    expect(visibleRows(rows, 'SOC2', 'all').map((r) => r.controlId)).toEqual(['CW-AC-01', 'CW-RS-03']);
    expect(visibleRows(rows, 'ISO27001', 'all').map((r) => r.controlId)).toEqual(['CW-AC-01', 'CW-LG-02']);
    expect(visibleRows(rows, 'ISO27001', 'stale').map((r) => r.controlId)).toEqual(['CW-LG-02']);
    expect(visibleRows(rows, 'SOC2', 'stale')).toEqual([]);
    expect(statusCounts(visibleRows(rows, 'SOC2', 'all'))).toEqual({ total: 2, present: 1, missing: 1, stale: 0 });
  });

  it('opens the evidence from the shown build, and shows why it cannot', async () => {
    const { client, calls } = fakeClient();
    const store = createControlMapStore(client);
    await store.getState().load();
    await store.getState().openEvidence('audit/chain-verification.json');
    expect(store.getState().evidence).toMatchObject({ path: 'audit/chain-verification.json', status: 'ready', view: { text: '{"ok":true}', verified: true } });
    await store.getState().openEvidence('chaos/chaos-runs.json');
    expect(store.getState().evidence).toMatchObject({ path: 'chaos/chaos-runs.json', status: 'error', error: { code: 'NOT_FOUND' } });
    store.getState().closeEvidence();
    expect(store.getState().evidence).toBeUndefined();
    expect(calls).toEqual(['controlMap', 'readEntry ap-abababababababab audit/chain-verification.json', 'readEntry ap-abababababababab chaos/chaos-runs.json']);
  });

  it('downloads the map of the shown build, and reloads when a build finishes', async () => {
    const { client, calls } = fakeClient();
    const store = createControlMapStore(client);
    await store.getState().load();
    expect((await store.getState().download('control-map.csv'))?.fileName).toBe('m.csv');
    store.getState().noteEvent('progress', { jobId: 'verify-1', label: 'x', done: 1, total: 1, finished: true });
    store.getState().noteEvent('progress', { jobId: 'auditpack-build-1', label: 'collect', done: 1, total: 9, finished: false });
    store.getState().noteEvent('progress', { jobId: 'auditpack-build-1', label: 'done', done: 1, total: 1, finished: true });
    await new Promise((r) => setTimeout(r, 0));
    expect(calls).toEqual(['controlMap', 'download control-map.csv', 'controlMap']);
  });
});
