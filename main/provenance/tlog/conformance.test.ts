import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isRight } from '../conformance/matrix.ts';
import { tlogConformanceSuite } from './conformance.ts';

const CORPUS_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared/corpus');
const HAVE_CORPUS = existsSync(join(CORPUS_ROOT, 'tlog', 'log', 'checkpoint'));

describe('tlog conformance suite', () => {
  it('reports one skipped row when the corpus folder is absent', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'no-corpus-'));
    try {
      expect(await tlogConformanceSuite.run(empty)).toEqual([{ family: 'tlog', id: 'tlog', expected: 'pass', got: 'skip', note: 'corpus folder tlog/log is absent' }]);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  describe.skipIf(!HAVE_CORPUS)('over ../shared/corpus/tlog [skipped when the corpus folder is absent]', () => {
    it('verifies every checkpoint, root and proof, rejects every negative, and interoperates', async () => {
      const rows = await tlogConformanceSuite.run(CORPUS_ROOT);
      expect(rows.filter((r) => !isRight(r)).map((r) => `${r.id}: expected ${r.expected}, got ${r.got} (${r.note ?? ''})`)).toEqual([]);
      expect(rows.filter((r) => r.id.endsWith(': signature, origin, size'))).toHaveLength(16);
      expect(rows.filter((r) => r.id.startsWith('inclusion '))).toHaveLength(120);
      expect(rows.filter((r) => r.id.startsWith('consistency '))).toHaveLength(105);
      expect(rows.filter((r) => r.id.startsWith('root@'))).toHaveLength(32);
      expect(rows.filter((r) => r.id.startsWith('receipt '))).toHaveLength(15);
      expect(rows.filter((r) => r.expected === 'fail').map((r) => r.id)).toEqual([
        'negative: signed only by an unknown key (same name, other key)',
        'negative: edited size',
        'negative: signature bytes altered',
        'negative: wrong origin (a verifier expecting another log)',
        'negative: wrong origin (origin line edited)',
        'negative: foreign leaf',
        'negative: forked history (fork proof against the signed older head)',
        'negative: forked history (signed head against a forked newer head)',
      ]);
      expect(rows.find((r) => r.id === 'negative: edited size')?.note).toBe('BAD_SIGNATURE: signature by example.com/log/testdata+33d7b496 does not verify');
      expect(rows).toHaveLength(300);
    });
  });
});
