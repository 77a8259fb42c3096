import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS_TODAY, corpusCases, runCorpusCase, tufConformanceSuite } from './conformance.ts';
import { isRight } from '../../conformance/matrix.ts';

const corpusRoot = path.resolve(import.meta.dirname, '../../../../../shared/corpus');
const tufDir = path.join(corpusRoot, 'tuf');
const present = existsSync(tufDir);
if (!present) console.warn(`skipping the TUF corpus tests: ${tufDir} is absent`);

describe.skipIf(!present)('real TUF repositories (corpus/tuf)', () => {
  const run = async (id: string) => {
    const c = corpusCases(tufDir).find((x) => x.id === id);
    if (!c) throw new Error(`no corpus case ${id}`);
    return runCorpusCase(tufDir, c);
  };

  it('lists each repository at its faketime and at 2026-11-28, and Sigstore from root v1', () => {
    expect(corpusCases(tufDir).map((c) => [c.id, c.at, c.expected])).toEqual([
      ['sigstore-root-signing @faketime', '2025-02-09T12:02:08.000Z', 'pass'],
      ['sigstore-root-signing [from 1.root.json] @faketime', '2025-02-09T12:02:08.000Z', 'pass'],
      ['sigstore-root-signing @2026-11-28', CORPUS_TODAY, 'fail'],
      ['tuf-on-ci-0.11 @faketime', '2025-02-09T09:17:23.000Z', 'pass'],
      ['tuf-on-ci-0.11 @2026-11-28', CORPUS_TODAY, 'pass'],
    ]);
  });

  it('Sigstore root signing is valid at its faketime', async () => {
    const r = await run('sigstore-root-signing @faketime');
    expect(r.errors).toEqual([]);
    expect(r.details).toMatchObject({
      rootVersion: 12,
      rootChain: [12],
      timestampVersion: 272,
      snapshotVersion: 159,
      targetsVersion: 11,
      consistentSnapshot: true,
      target: { name: 'trusted_root.json', length: 4537, hashes: { sha256: 'f44a1b88128e55ebfb62189becbc0fa48d4ec9915c65ac54ba0e46a008b12d5b' } },
      delegationPath: ['targets'],
    });
  });

  it('walks the real Sigstore key rotations from root v1 to v12 (threshold 3 each)', async () => {
    const r = await run('sigstore-root-signing [from 1.root.json] @faketime');
    expect(r.errors).toEqual([]);
    expect(r.details.rootChain).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  });

  it('Sigstore root signing fails on 2026-11-28: its final root expired', async () => {
    const r = await run('sigstore-root-signing @2026-11-28');
    expect(r.errors).toEqual([{ reason: 'EXPIRED', role: 'root', message: 'root v12 expired at 2025-08-19T14:33:09Z' }]);
  });

  it('tuf-on-ci finds its artifact through the terminating delegated role, then and now', async () => {
    for (const id of ['tuf-on-ci-0.11 @faketime', 'tuf-on-ci-0.11 @2026-11-28']) {
      const r = await run(id);
      expect(r.errors).toEqual([]);
      expect(r.details.delegationPath).toEqual(['targets', 'delegatedrole']);
      expect(r.details.target).toEqual({ name: 'delegatedrole/artifact', length: 34, hashes: { sha256: '45f337ee451b4c098d121d09cc224bacc7794503ac58a47a78cfe7ebefb7fab3' } });
    }
  });
});

describe('tufConformanceSuite', () => {
  it('gets every corpus and generated case right, with deterministic rows', async () => {
    const rows = await tufConformanceSuite.run(corpusRoot);
    expect(rows.filter((r) => !isRight(r) || r.note?.startsWith('wrong reason'))).toEqual([]);
    expect(rows.every((r) => r.family === 'tuf')).toBe(true);
    expect(rows.filter((r) => !r.id.startsWith('generated/')).length).toBe(present ? 5 : 0);
    expect(rows.find((r) => r.id === 'generated/terminating-delegation')).toEqual({
      family: 'tuf',
      id: 'generated/terminating-delegation',
      expected: 'fail',
      got: 'fail',
      note: 'TARGET_NOT_FOUND (target): no trusted role lists "nested/manifest.json" (searched targets, early)',
    });
    expect(JSON.stringify(await tufConformanceSuite.run(corpusRoot))).toBe(JSON.stringify(rows));
  });
});
