import { CompactRange } from './compact-range.ts';
import { leafHash } from './hash.ts';

/** RFC 6962 root over leaves given as data: each is hashed as SHA-256(0x00 ‖ data). */
export function merkleRoot(leafData: Iterable<Uint8Array>): Uint8Array {
  const range = new CompactRange();
  for (const d of leafData) range.append(leafHash(d));
  return range.root();
}

/** RFC 6962 root over leaves already hashed (32 bytes each); BAD_INPUT on a wrong-length hash. */
export function merkleRootFromLeafHashes(hashes: Iterable<Uint8Array>): Uint8Array {
  const range = new CompactRange();
  for (const h of hashes) range.append(h);
  return range.root();
}
