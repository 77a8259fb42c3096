import { afterEach, describe, expect, it } from 'vitest';
import type { AssuranceRunInput } from '../../shared/domain/assurance.ts';
import { openStore } from '../store/open-store.ts';
import type { Store } from '../store/store.ts';
import { STORE_KINDS, createStoreLocation, skipStoreKind, type TestStoreLocation } from '../store/testing/store-targets.ts';
import { AssuranceRepository, assuranceRunId } from './assurance-repository.ts';

function run(patch: Partial<AssuranceRunInput> = {}): AssuranceRunInput {
  return {
    kind: 'chaos',
    name: 'corrupted-pack',
    startedAt: '2026-11-20T10:00:00.000Z',
    finishedAt: '2026-11-20T10:00:02.500Z',
    outcome: 'passed',
    summary: 'the verifier named the flipped file and the truncation',
    details: {
      injected: ['flipped one byte of evidence/a.json'],
      happened: ['verify failed: evidence/a.json: modified'],
      invariant: 'a corrupted pack never verifies',
      checks: [{ check: 'flip named', ok: true, detail: 'evidence/a.json: modified' }],
      figures: { files: 3, zeta: 'last', alpha: null },
    },
    recordedBy: 'cli:audit-pack chaos',
    workbenchVersion: '0.1.0',
    ...patch,
  };
}

describe.each(STORE_KINDS)('assurance runs on %s', (kind) => {
  let location: TestStoreLocation | undefined;
  let store: Store | undefined;
  afterEach(async () => {
    await store?.close();
    await location?.cleanup();
    store = undefined;
    location = undefined;
  });

  async function open(): Promise<AssuranceRepository> {
    location = await createStoreLocation(kind);
    store = await openStore({ dataDir: location.dataDir, ...(location.databaseUrl ? { databaseUrl: location.databaseUrl } : {}) });
    return new AssuranceRepository(store.sql);
  }

  it.skipIf(skipStoreKind(kind))('records a run under an id derived from its content and reads it back exactly', async () => {
    const repo = await open();
    const recorded = await repo.record(run());
    expect(recorded.id).toBe(assuranceRunId(run()));
    expect(recorded.id).toMatch(/^ar-[0-9a-f]{24}$/);
    expect(recorded).toEqual({ id: recorded.id, ...run() });
    // Details are kept as canonical JSON text: key order is the canonical one on both dialects.
    const raw = await store!.sql.get<{ details: string }>('SELECT details FROM assurance_runs WHERE id = ?', [recorded.id]);
    expect(raw!.details).toBe(
      '{"checks":[{"check":"flip named","detail":"evidence/a.json: modified","ok":true}],"figures":{"alpha":null,"files":3,"zeta":"last"},' +
        '"happened":["verify failed: evidence/a.json: modified"],"injected":["flipped one byte of evidence/a.json"],"invariant":"a corrupted pack never verifies"}',
    );
    // The same content again is the same row.
    expect(await repo.record(run())).toEqual(recorded);
    expect(await repo.list()).toHaveLength(1);
  });

  it.skipIf(skipStoreKind(kind))('lists by period [from, to) and kind, newest first', async () => {
    const repo = await open();
    const a = await repo.record(run({ startedAt: '2026-10-01T00:00:00.000Z', finishedAt: '2026-10-01T00:00:01.000Z' }));
    const b = await repo.record(run({ name: 'db-connection-drop', startedAt: '2026-11-01T00:00:00.000Z', finishedAt: '2026-11-01T00:00:01.000Z' }));
    const c = await repo.record(run({ kind: 'measurement', name: 'propagation', startedAt: '2026-11-15T00:00:00.000Z', finishedAt: '2026-11-15T00:01:00.000Z' }));
    expect((await repo.list()).map((r) => r.id)).toEqual([c.id, b.id, a.id]);
    expect((await repo.list({ from: '2026-11-01T00:00:00.000Z', to: '2026-11-15T00:00:00.000Z' })).map((r) => r.id)).toEqual([b.id]);
    expect((await repo.list({ kind: 'chaos' })).map((r) => r.id)).toEqual([b.id, a.id]);
    expect((await repo.list({ kind: 'measurement', from: '2026-11-15T00:00:00.000Z' })).map((r) => r.name)).toEqual(['propagation']);
    expect((await repo.list({ name: 'corrupted-pack' })).map((r) => r.id)).toEqual([a.id]);
  });

  it.skipIf(skipStoreKind(kind))('refuses a malformed run, naming the field', async () => {
    const repo = await open();
    await expect(repo.record(run({ finishedAt: '2026-11-20T09:00:00.000Z' }))).rejects.toMatchObject({
      code: 'BAD_INPUT',
      message: expect.stringContaining('finishedAt'),
    });
    await expect(repo.record(run({ name: 'Bad Name' }))).rejects.toMatchObject({ code: 'BAD_INPUT', message: expect.stringContaining('name') });
    await expect(repo.list({ from: 'yesterday' })).rejects.toMatchObject({ code: 'BAD_INPUT', message: expect.stringContaining('from') });
    expect(await repo.list()).toEqual([]);
  });
});
