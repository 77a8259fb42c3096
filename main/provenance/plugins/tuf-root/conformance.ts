import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { GENERATED_CASES } from '../../../../fixtures/verify/tuf/cases.ts';
import type { GeneratedCase } from '../../../../fixtures/verify/tuf/cases.ts';
import { REPO_AT, fixtureTargetBytes, makeRepo } from '../../../../fixtures/verify/tuf/make-repo.ts';
import type { ConformanceRow, ConformanceSuite } from '../../conformance/matrix.ts';
import { formatIssue } from './reasons.ts';
import { verifyTufTarget } from './verify-tuf-target.ts';
import type { TufVerifyResult } from './verify-tuf-target.ts';

/** "Today" for the corpus: the date its INDEX.md judges the repositories at (fixed, never the clock). */
export const CORPUS_TODAY = '2026-11-28T00:00:00Z';

/** What the corpus INDEX.md says each repository yields at CORPUS_TODAY. */
const AT_TODAY: Record<string, { expected: 'pass' } | { expected: 'fail'; reason: string; role: string }> = {
  'sigstore-root-signing': { expected: 'fail', reason: 'EXPIRED', role: 'root' },
  'tuf-on-ci-0.11': { expected: 'pass' },
};

export interface CorpusCase {
  id: string;
  repo: string;
  /** Repository-relative path of the initial root. */
  initialRoot: string;
  at: string;
  expected: 'pass' | 'fail';
  reason?: string;
  role?: string;
}

/** The corpus cases: each repository at its faketime and at CORPUS_TODAY, plus Sigstore's full chain from root v1. */
export function corpusCases(tufDir: string): CorpusCase[] {
  const out: CorpusCase[] = [];
  const repos = readdirSync(tufDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(tufDir, d.name, 'initial_root.json')))
    .map((d) => d.name)
    .sort();
  for (const repo of repos) {
    const faketime = readFileSync(path.join(tufDir, repo, 'faketime'), 'utf8').trim().replace(' ', 'T');
    out.push({ id: `${repo} @faketime`, repo, initialRoot: 'initial_root.json', at: new Date(faketime).toISOString(), expected: 'pass' });
    const first = path.join(tufDir, repo, 'metadata', '1.root.json');
    // The full chain from root v1, where the pinned initial root is a later one.
    if (existsSync(first) && !readFileSync(first).equals(readFileSync(path.join(tufDir, repo, 'initial_root.json')))) {
      out.push({ id: `${repo} [from 1.root.json] @faketime`, repo, initialRoot: 'metadata/1.root.json', at: new Date(faketime).toISOString(), expected: 'pass' });
    }
    const today = AT_TODAY[repo];
    if (today) out.push({ id: `${repo} @${CORPUS_TODAY.slice(0, 10)}`, repo, initialRoot: 'initial_root.json', at: CORPUS_TODAY, ...today });
  }
  return out;
}

export async function runCorpusCase(tufDir: string, c: CorpusCase): Promise<TufVerifyResult> {
  const dir = path.join(tufDir, c.repo);
  return verifyTufTarget({
    initialRoot: path.join(dir, ...c.initialRoot.split('/')),
    repo: dir,
    target: readFileSync(path.join(dir, 'targetpath'), 'utf8').trim(),
    at: new Date(c.at),
  });
}

/** Builds the case's repository under `dir` and verifies its target. */
export async function runGeneratedCase(c: GeneratedCase, dir: string): Promise<TufVerifyResult> {
  await makeRepo(dir, c.tweaks);
  return verifyTufTarget({
    initialRoot: path.join(dir, 'initial_root.json'),
    repo: dir,
    target: c.target,
    at: new Date(c.at ?? REPO_AT),
    ...(c.trustedState ? { trustedState: c.trustedState } : {}),
    ...(c.targetBytes === 'other' ? { targetBytes: fixtureTargetBytes('releases/deep/manifest.json') } : {}),
  });
}

/** Why a result differs from what the case demands (outcome, reason, role, delegation path), or undefined. */
export function expectationMismatch(expect: { ok: boolean; reason?: string; role?: string; delegationPath?: string[] }, r: TufVerifyResult): string | undefined {
  if (expect.ok) {
    if (!r.ok) return `expected pass, got ${formatIssue(r.errors[0]!)}`;
    if (expect.delegationPath && r.details.delegationPath.join('>') !== expect.delegationPath.join('>')) {
      return `found through ${r.details.delegationPath.join('>')}, expected ${expect.delegationPath.join('>')}`;
    }
    return undefined;
  }
  if (r.ok) return 'expected a failure, got pass';
  const e = r.errors[0]!;
  if (e.reason !== expect.reason || e.role !== expect.role) return `wrong reason: got ${e.reason} (${e.role}), expected ${expect.reason} (${expect.role})`;
  return undefined;
}

function row(id: string, expected: 'pass' | 'fail', r: TufVerifyResult, mismatch: string | undefined): ConformanceRow {
  const got = r.ok ? 'pass' : 'fail';
  const note = mismatch && got === expected ? mismatch : r.ok ? undefined : formatIssue(r.errors[0]!);
  return note === undefined ? { family: 'tuf', id, expected, got } : { family: 'tuf', id, expected, got, note };
}

/**
 * Family "tuf": the real repositories of corpus/tuf (when present) and the generated
 * repositories of fixtures/verify/tuf. A failure for the wrong reason keeps got "fail" but
 * says so in the note (the tests assert exact reasons).
 */
export const tufConformanceSuite: ConformanceSuite = {
  family: 'tuf',
  folder: 'tuf',
  async run(corpusRoot: string): Promise<ConformanceRow[]> {
    const rows: ConformanceRow[] = [];
    const tufDir = path.join(corpusRoot, 'tuf');
    if (existsSync(tufDir)) {
      for (const c of corpusCases(tufDir)) {
        const r = await runCorpusCase(tufDir, c);
        const expect = c.expected === 'pass' ? { ok: true } : { ok: false, reason: c.reason!, role: c.role! };
        rows.push(row(c.id, c.expected, r, expectationMismatch(expect, r)));
      }
    }
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'tuf-conformance-'));
    try {
      for (const c of GENERATED_CASES) {
        const r = await runGeneratedCase(c, path.join(tmp, c.id));
        rows.push(row(`generated/${c.id}`, c.expect.ok ? 'pass' : 'fail', r, expectationMismatch(c.expect, r)));
      }
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
    return rows;
  },
};
