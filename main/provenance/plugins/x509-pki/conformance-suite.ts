import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConformanceRow, ConformanceSuite } from '../../conformance/matrix.ts';
import { expectedResults, runLimbo } from './limbo-harness.ts';

/**
 * Stands in for "now" in cases with `validation_time: null`, so the matrix is the same on
 * every run (those cases' certificates are valid from 1970 to 2969).
 */
export const LIMBO_REFERENCE_TIME = new Date('2026-01-01T00:00:00Z');
export const LIMBO_CASES_FILE = 'limbo-codesigning-subset.json';

/** x509-limbo's code-signing subset through `validatePath`, one row per case. */
export const x509LimboSuite: ConformanceSuite = {
  family: 'x509-limbo',
  folder: 'x509-limbo',
  async run(corpusRoot: string): Promise<ConformanceRow[]> {
    const json: unknown = JSON.parse(readFileSync(join(corpusRoot, 'x509-limbo', LIMBO_CASES_FILE), 'utf8'));
    const expected = expectedResults(json);
    return runLimbo(json, { now: LIMBO_REFERENCE_TIME }).results.map((r) => {
      const row: ConformanceRow = {
        family: 'x509-limbo',
        id: r.id,
        expected: expected.get(r.id) === 'SUCCESS' ? 'pass' : 'fail',
        got: r.actual_result === 'SUCCESS' ? 'pass' : r.actual_result === 'SKIPPED' ? 'skip' : 'fail',
      };
      if (r.actual_result !== 'SUCCESS') row.note = r.context.split('; ')[0]!;
      return row;
    });
  },
};
