import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isRight } from '../../conformance/matrix.ts';
import { sigstoreConformanceSuite } from './conformance-suite.ts';

const CORPUS_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../../shared/corpus');
const HAVE_CORPUS = existsSync(join(CORPUS_ROOT, 'sigstore-conformance', 'cases'));

describe('sigstore-conformance suite', () => {
  it('reports one skipped row when the corpus folder is absent', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'no-corpus-'));
    try {
      expect(await sigstoreConformanceSuite.run(empty)).toEqual([
        { family: 'sigstore-conformance', id: 'sigstore-conformance', expected: 'pass', got: 'skip', note: 'corpus folder sigstore-conformance/cases is absent' },
      ]);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it.skipIf(!HAVE_CORPUS)('gets every case right, with the artifact and with its digest [skipped when ../shared/corpus/sigstore-conformance is absent]', async () => {
    const rows = await sigstoreConformanceSuite.run(CORPUS_ROOT);
    expect(rows).toHaveLength(90);
    expect(rows.filter((r) => r.id.endsWith(' [digest]'))).toHaveLength(45);
    expect(rows.filter((r) => !isRight(r)).map((r) => `${r.id}: expected ${r.expected}, got ${r.got} (${r.note ?? ''})`)).toEqual([]);
    expect(rows.find((r) => r.id === 'trust-root-tlog-missing-validity-start_fail')).toEqual({
      family: 'sigstore-conformance',
      id: 'trust-root-tlog-missing-validity-start_fail',
      expected: 'fail',
      got: 'fail',
      note: 'BAD_TRUSTED_ROOT: tlogs[1].publicKey.validFor.start is missing',
    });
    expect(rows.find((r) => r.id === 'managed-key-happy-path [digest]')).toEqual({ family: 'sigstore-conformance', id: 'managed-key-happy-path [digest]', expected: 'pass', got: 'pass' });
    // Deterministic: a second run gives the same rows.
    expect(JSON.stringify(await sigstoreConformanceSuite.run(CORPUS_ROOT))).toBe(JSON.stringify(rows));
  });
});
