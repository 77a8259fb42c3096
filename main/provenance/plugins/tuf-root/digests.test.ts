import { describe, expect, it } from 'vitest';
import { checkLengthAndHashes } from './digests.ts';
import { TufVerifyError } from './reasons.ts';

const abc = new TextEncoder().encode('abc');
const SHA256_ABC = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';
const outcome = (f: () => void) => {
  try {
    f();
    return 'ok';
  } catch (e) {
    return e instanceof TufVerifyError ? `${e.code} (${e.role}): ${e.message}` : String(e);
  }
};

describe('checkLengthAndHashes', () => {
  it('accepts matching length and hashes (hex in any case)', () => {
    expect(outcome(() => checkLengthAndHashes(abc, { length: 3, hashes: { sha256: SHA256_ABC.toUpperCase() } }, 'x', 'target', true))).toBe('ok');
  });

  it('checks length before hashes', () => {
    expect(outcome(() => checkLengthAndHashes(abc, { length: 4, hashes: { sha256: '00' } }, 'x', 'target'))).toBe('LENGTH_MISMATCH (target): x is 3 bytes, expected 4');
    expect(outcome(() => checkLengthAndHashes(abc, { length: 3, hashes: { sha256: '00' } }, 'x', 'target'))).toBe(`HASH_MISMATCH (target): x has sha256 ${SHA256_ABC}, expected 00`);
  });

  it('requires every listed hash to match, and refuses weak or unknown algorithms', () => {
    expect(outcome(() => checkLengthAndHashes(abc, { hashes: { sha256: SHA256_ABC, sha512: 'ab' } }, 'x', 'snapshot'))).toMatch(/^HASH_MISMATCH \(snapshot\): x has sha512 ddaf35a1/);
    expect(outcome(() => checkLengthAndHashes(abc, { hashes: { sha256: SHA256_ABC, md5: '900150983cd24fb0d6963f7d28e17f72' } }, 'x', 'target'))).toBe('UNSUPPORTED_HASH (target): x: hash algorithm "md5" is not allowed');
  });

  it('requires a hash for targets only', () => {
    expect(outcome(() => checkLengthAndHashes(abc, { length: 3 }, 'x', 'snapshot'))).toBe('ok');
    expect(outcome(() => checkLengthAndHashes(abc, { length: 3, hashes: {} }, 'x', 'target', true))).toBe('UNSUPPORTED_HASH (target): x has no hashes');
  });
});
