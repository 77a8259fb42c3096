/** One row of a conformance matrix: a corpus case, what it must yield, what we got. */
export interface ConformanceRow {
  /** The suite family, e.g. "sigstore-conformance", "x509-limbo", "merkle", "tlog", "tuf". */
  family: string;
  /** The case id as the corpus names it (plus a variant suffix, e.g. " [digest]"). */
  id: string;
  expected: 'pass' | 'fail';
  got: 'pass' | 'fail' | 'skip';
  /** Why it failed or was skipped: the verifier's first error, briefly. */
  note?: string;
}

export interface ConformanceSuite {
  family: string;
  /** Corpus folder relative to the corpus root, e.g. "sigstore-conformance". */
  folder: string;
  run(corpusRoot: string): Promise<ConformanceRow[]>;
}

export function isRight(row: ConformanceRow): boolean {
  return row.got === row.expected;
}
