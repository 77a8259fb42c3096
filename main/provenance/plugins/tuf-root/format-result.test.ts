import { describe, expect, it } from 'vitest';
import { formatTufVerifyResult } from './format-result.ts';
import type { TufVerifyResult } from './verify-tuf-target.ts';

const details: TufVerifyResult['details'] = {
  rootVersion: 2,
  rootChain: [1, 2],
  timestampVersion: 3,
  snapshotVersion: 4,
  targetsVersion: 5,
  consistentSnapshot: true,
  target: { name: 'a/b.json', length: 64, hashes: { sha256: 'ab' } },
  delegationPath: ['targets', 'releases'],
  trustedState: null,
};

describe('formatTufVerifyResult', () => {
  it('prints a verified target with its chain and delegation path', () => {
    expect(formatTufVerifyResult('a/b.json', { ok: true, errors: [], warnings: [], details })).toBe(
      'TUF target a/b.json: VERIFIED\n  root v2 (chain 1 → 2), timestamp v3, snapshot v4, targets v5\n  listed by targets > releases\n  length 64, sha256 ab\n',
    );
  });

  it('prints the reason first, and only the versions that were reached', () => {
    const r: TufVerifyResult = {
      ok: false,
      errors: [{ reason: 'EXPIRED', role: 'root', message: 'root v12 expired at 2025-08-19T14:33:09Z' }],
      warnings: [],
      details: { ...details, rootVersion: 12, rootChain: [12], timestampVersion: null, snapshotVersion: null, targetsVersion: null, target: null, delegationPath: [] },
    };
    expect(formatTufVerifyResult('trusted_root.json', r)).toBe(
      'TUF target trusted_root.json: NOT VERIFIED\n  error: EXPIRED (root): root v12 expired at 2025-08-19T14:33:09Z\n  root v12\n',
    );
  });
});
