import { createHash } from 'node:crypto';
import { TufVerifyError } from './reasons.ts';

/**
 * Hash algorithms a length/hash record may use. Anything else (md5, sha1, unknown names)
 * fails: a weak or unknown hash cannot vouch for bytes.
 */
export const ALLOWED_HASHES = ['sha224', 'sha256', 'sha384', 'sha512', 'sha512-256', 'sha3-256', 'sha3-384', 'sha3-512'] as const;
const ALLOWED = new Set<string>(ALLOWED_HASHES);

export interface LengthAndHashes {
  length?: number | undefined;
  hashes?: Record<string, string> | undefined;
}

/**
 * Checks bytes against a metadata record, length first (as the spec's client does), then
 * every listed hash. `requireHash` is for targets, which must carry at least one hash.
 */
export function checkLengthAndHashes(bytes: Uint8Array, expected: LengthAndHashes, what: string, role: string, requireHash = false): void {
  if (expected.length !== undefined && bytes.length !== expected.length) {
    throw new TufVerifyError('LENGTH_MISMATCH', `${what} is ${bytes.length} bytes, expected ${expected.length}`, role);
  }
  const entries = Object.entries(expected.hashes ?? {});
  if (requireHash && entries.length === 0) throw new TufVerifyError('UNSUPPORTED_HASH', `${what} has no hashes`, role);
  for (const [alg] of entries) {
    if (!ALLOWED.has(alg)) throw new TufVerifyError('UNSUPPORTED_HASH', `${what}: hash algorithm ${JSON.stringify(alg)} is not allowed`, role);
  }
  for (const [alg, want] of entries) {
    const got = createHash(alg).update(bytes).digest('hex');
    if (got !== want.toLowerCase()) throw new TufVerifyError('HASH_MISMATCH', `${what} has ${alg} ${got}, expected ${want}`, role);
  }
}
