import { hashEquals } from './hash.ts';
import { MerkleError } from './merkle-error.ts';
import { toUint64, trailingZeros } from './tree-math.ts';
import { chainBorderRight, chainInner, chainInnerRight, checkProofHashes, inclusionProofShape } from './verify-inclusion.ts';

function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

/**
 * Verifies an RFC 6962 consistency proof: the tree of `size2` with root `root2` extends
 * the tree of `size1` with root `root1`. Throws MerkleError when it is not proven:
 * BAD_INPUT for sizes that admit no proof (size1 > size2, or size1 = 0, which proves
 * nothing — even 0 → 0), BAD_PROOF for a proof of the wrong length or with a malformed
 * hash, ROOT_MISMATCH when the proof does not reproduce a root.
 */
export function verifyConsistency(size1: number | bigint, size2: number | bigint, proof: readonly Uint8Array[], root1: Uint8Array, root2: Uint8Array): void {
  const m = toUint64(size1, 'size1');
  const n = toUint64(size2, 'size2');
  if (m > n) throw new MerkleError('BAD_INPUT', `size1 ${m} is greater than size2 ${n}`);
  if (m === 0n) throw new MerkleError('BAD_INPUT', 'a consistency proof from the empty tree proves nothing (size1 is 0)');
  checkProofHashes(proof);
  if (m === n) {
    if (proof.length > 0) throw new MerkleError('BAD_PROOF', `size1 = size2 = ${m} needs an empty proof, got ${proof.length} hashes`);
    if (!hashEquals(root1, root2)) throw new MerkleError('ROOT_MISMATCH', `same size ${m} but different roots ${hex(root1)} and ${hex(root2)}`);
    return;
  }
  if (proof.length === 0) throw new MerkleError('BAD_PROOF', `size1 ${m} < size2 ${n} needs a non-empty proof`);

  // The proof is, in effect, an inclusion proof of leaf size1-1 in the tree of size2,
  // starting at the root of the largest perfect subtree that ends at size1.
  const shape = inclusionProofShape(m - 1n, n);
  const shift = trailingZeros(m);
  const inner = shape.inner - shift;
  const border = shape.border;
  // When size1 is itself that perfect subtree, the verifier knows its root already.
  const seedIsRoot1 = m === 1n << BigInt(shift);
  const seed = seedIsRoot1 ? root1 : proof[0]!;
  const start = seedIsRoot1 ? 0 : 1;
  if (proof.length !== start + inner + border) {
    throw new MerkleError('BAD_PROOF', `consistency proof has ${proof.length} hashes; sizes ${m} → ${n} need ${start + inner + border}`);
  }
  const rest = proof.slice(start);
  const mask = (m - 1n) >> BigInt(shift);

  const hash1 = chainBorderRight(chainInnerRight(seed, rest.slice(0, inner), mask), rest.slice(inner));
  if (!hashEquals(hash1, root1)) throw new MerkleError('ROOT_MISMATCH', `consistency proof leads to root ${hex(hash1)} for size ${m}, expected ${hex(root1)}`);
  const hash2 = chainBorderRight(chainInner(seed, rest.slice(0, inner), mask), rest.slice(inner));
  if (!hashEquals(hash2, root2)) throw new MerkleError('ROOT_MISMATCH', `consistency proof leads to root ${hex(hash2)} for size ${n}, expected ${hex(root2)}`);
}
