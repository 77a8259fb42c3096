import { createHash } from 'node:crypto';
import type { ManifestFile } from '../../../shared/domain/provenance.ts';
import { fileLeafData } from './file-leaf.ts';

const sha256 = (...parts: Uint8Array[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};

/** RFC 6962 Merkle tree hash: leaf SHA-256(0x00‖d), node SHA-256(0x01‖l‖r), split at the largest power of two below n. */
function treeHash(leaves: Uint8Array[], lo: number, hi: number): Buffer {
  const n = hi - lo;
  if (n === 0) return sha256();
  if (n === 1) return sha256(Uint8Array.of(0), leaves[lo]!);
  let k = 1;
  while (k * 2 < n) k *= 2;
  return sha256(Uint8Array.of(1), treeHash(leaves, lo, lo + k), treeHash(leaves, lo + k, hi));
}

/** RFC 6962 root over the files' leaves, in the order given, as lower-case hex. */
export function filesMerkleRoot(files: ReadonlyArray<Pick<ManifestFile, 'path' | 'size' | 'sha256'>>): string {
  const leaves = files.map(fileLeafData);
  return treeHash(leaves, 0, leaves.length).toString('hex');
}
