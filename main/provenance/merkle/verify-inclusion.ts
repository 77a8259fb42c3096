import { HASH_SIZE, hashEquals, nodeHash } from './hash.ts';
import { MerkleError } from './merkle-error.ts';
import { bitLength, onesCount, toUint64 } from './tree-math.ts';

function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

/** Every proof hash must be exactly one SHA-256 output. */
export function checkProofHashes(proof: readonly Uint8Array[]): void {
  proof.forEach((h, i) => {
    if (h.length !== HASH_SIZE) throw new MerkleError('BAD_PROOF', `proof[${i}] is ${h.length} bytes, not ${HASH_SIZE}`);
  });
}

/**
 * How an inclusion proof for `index` in a tree of `size` splits: `inner` hashes below the
 * point where the leaf's path leaves the perfect part of the tree, then `border` hashes
 * along the right border.
 */
export function inclusionProofShape(index: bigint, size: bigint): { inner: number; border: number } {
  const inner = bitLength(index ^ (size - 1n));
  return { inner, border: onesCount(index >> BigInt(inner)) };
}

/** Hashes `seed` up through `proof`, taking the side of each sibling from the bits of `index`. */
export function chainInner(seed: Uint8Array, proof: readonly Uint8Array[], index: bigint): Uint8Array {
  let h = seed;
  for (let i = 0; i < proof.length; i++) {
    h = ((index >> BigInt(i)) & 1n) === 0n ? nodeHash(h, proof[i]!) : nodeHash(proof[i]!, h);
  }
  return h;
}

/** As chainInner, but only the left siblings: the root of the tree that ends at the seed. */
export function chainInnerRight(seed: Uint8Array, proof: readonly Uint8Array[], index: bigint): Uint8Array {
  let h = seed;
  for (let i = 0; i < proof.length; i++) {
    if (((index >> BigInt(i)) & 1n) === 1n) h = nodeHash(proof[i]!, h);
  }
  return h;
}

/** Border hashes are all left siblings. */
export function chainBorderRight(seed: Uint8Array, proof: readonly Uint8Array[]): Uint8Array {
  let h = seed;
  for (const p of proof) h = nodeHash(p, h);
  return h;
}

/**
 * The root an RFC 6962 inclusion proof leads to. Throws MerkleError BAD_INPUT (index not
 * below size, leaf hash not 32 bytes) or BAD_PROOF (wrong number of hashes, a hash not
 * 32 bytes).
 */
export function rootFromInclusionProof(index: number | bigint, size: number | bigint, leafHash: Uint8Array, proof: readonly Uint8Array[]): Uint8Array {
  const i = toUint64(index, 'index');
  const n = toUint64(size, 'tree size');
  if (i >= n) throw new MerkleError('BAD_INPUT', `index ${i} is not below tree size ${n}`);
  if (leafHash.length !== HASH_SIZE) throw new MerkleError('BAD_INPUT', `leaf hash is ${leafHash.length} bytes, not ${HASH_SIZE}`);
  checkProofHashes(proof);
  const { inner, border } = inclusionProofShape(i, n);
  if (proof.length !== inner + border) {
    throw new MerkleError('BAD_PROOF', `inclusion proof has ${proof.length} hashes; index ${i} in a tree of size ${n} needs ${inner + border}`);
  }
  return chainBorderRight(chainInner(leafHash, proof.slice(0, inner), i), proof.slice(inner));
}

/**
 * Verifies that `leafHash` is at `index` in the tree of `size` whose root is `root`.
 * Throws MerkleError (BAD_INPUT, BAD_PROOF or ROOT_MISMATCH) when it is not proven.
 */
export function verifyInclusion(index: number | bigint, size: number | bigint, leafHash: Uint8Array, proof: readonly Uint8Array[], root: Uint8Array): void {
  if (root.length !== HASH_SIZE) throw new MerkleError('BAD_INPUT', `root is ${root.length} bytes, not ${HASH_SIZE}`);
  const got = rootFromInclusionProof(index, size, leafHash, proof);
  if (!hashEquals(got, root)) throw new MerkleError('ROOT_MISMATCH', `inclusion proof leads to root ${hex(got)}, expected ${hex(root)}`);
}
