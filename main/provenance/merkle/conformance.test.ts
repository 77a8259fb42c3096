import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isRight } from '../conformance/matrix.ts';
import { merkleConformanceSuite } from './conformance.ts';

const CORPUS_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared/corpus');
const HAVE_CORPUS = existsSync(join(CORPUS_ROOT, 'merkle', 'testdata'));

describe('merkle conformance suite', () => {
  it('reports one skipped row when the corpus folder is absent', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'no-corpus-'));
    try {
      expect(await merkleConformanceSuite.run(empty)).toEqual([{ family: 'merkle', id: 'merkle', expected: 'pass', got: 'skip', note: 'corpus folder merkle/testdata is absent' }]);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  describe.skipIf(!HAVE_CORPUS)('over ../shared/corpus/merkle [skipped when the corpus folder is absent]', () => {
    it('agrees with wantErr on all 196 inclusion and consistency probes', async () => {
      const rows = await merkleConformanceSuite.run(CORPUS_ROOT);
      expect(rows).toHaveLength(196);
      expect(rows.filter((r) => r.id.startsWith('inclusion/'))).toHaveLength(98);
      expect(rows.filter((r) => r.expected === 'pass')).toHaveLength(12);
      expect(rows.filter((r) => !isRight(r)).map((r) => `${r.id}: expected ${r.expected}, got ${r.got} (${r.note ?? ''})`)).toEqual([]);
      expect(rows.find((r) => r.id === 'inclusion/1/happy-path')).toEqual({ family: 'merkle', id: 'inclusion/1/happy-path', expected: 'pass', got: 'pass' });
      expect(rows.find((r) => r.id === 'consistency/additional/size1-is-zero-and-size2-is-not-zero')?.note).toBe(
        'BAD_INPUT: a consistency proof from the empty tree proves nothing (size1 is 0)',
      );
      expect(JSON.stringify(await merkleConformanceSuite.run(CORPUS_ROOT))).toBe(JSON.stringify(rows));
    });
  });
});
