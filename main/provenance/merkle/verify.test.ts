import { describe, expect, it } from 'vitest';
import { leafHash } from './hash.ts';
import { MemoryTree } from './memory-tree.ts';
import { MerkleError } from './merkle-error.ts';
import { verifyConsistency } from './verify-consistency.ts';
import { rootFromInclusionProof, verifyInclusion } from './verify-inclusion.ts';

const leaves = Array.from({ length: 11 }, (_, i) => Buffer.from(`v${i}`));
const tree = MemoryTree.fromLeafData(leaves);
const h32 = (fill: number): Uint8Array => new Uint8Array(32).fill(fill);

function code(f: () => void): string {
  try {
    f();
    return 'verified';
  } catch (e) {
    return e instanceof MerkleError ? `${e.code}: ${e.message}` : `other: ${String(e)}`;
  }
}

describe('verifyInclusion', () => {
  it('accepts a good proof and names each kind of bad one', () => {
    const proof = tree.inclusionProof(3, 11);
    const root = tree.root();
    expect(code(() => verifyInclusion(3, 11, leafHash(leaves[3]!), proof, root))).toBe('verified');
    expect(code(() => verifyInclusion(11, 11, leafHash(leaves[3]!), proof, root))).toBe('BAD_INPUT: index 11 is not below tree size 11');
    expect(code(() => verifyInclusion(3, 11, h32(0).subarray(1), proof, root))).toBe('BAD_INPUT: leaf hash is 31 bytes, not 32');
    expect(code(() => verifyInclusion(3, 11, leafHash(leaves[3]!), proof.slice(1), root))).toBe('BAD_PROOF: inclusion proof has 3 hashes; index 3 in a tree of size 11 needs 4');
    expect(code(() => verifyInclusion(3, 11, leafHash(leaves[3]!), [...proof.slice(0, 3), new Uint8Array(33)], root))).toBe('BAD_PROOF: proof[3] is 33 bytes, not 32');
    expect(code(() => verifyInclusion(3, 11, leafHash(leaves[3]!), proof, new Uint8Array(0)))).toBe('BAD_INPUT: root is 0 bytes, not 32');
    expect(code(() => verifyInclusion(-1, 11, leafHash(leaves[3]!), proof, root))).toBe('BAD_INPUT: index -1 is not a non-negative safe integer');
    expect(code(() => verifyInclusion(2, 11, leafHash(leaves[3]!), proof, root))).toMatch(/^ROOT_MISMATCH: inclusion proof leads to root [0-9a-f]{64}, expected [0-9a-f]{64}$/);
  });

  it('works on 64-bit indices without 32-bit truncation', () => {
    // Index 2^40 + 5 is the last leaf of a tree of 2^40 + 6: the proof is the three
    // left siblings along the right border (one per one-bit of the index).
    const index = 2n ** 40n + 5n;
    expect(code(() => rootFromInclusionProof(index, index + 1n, h32(1), []))).toBe('BAD_PROOF: inclusion proof has 0 hashes; index 1099511627781 in a tree of size 1099511627782 needs 3');
    const a = h32(2);
    const b = h32(3);
    const c = h32(4);
    const root = rootFromInclusionProof(index, index + 1n, h32(1), [a, b, c]);
    // The same shape at 2^62 + 5 (beyond 2^53) must also need exactly 3 hashes.
    expect(code(() => rootFromInclusionProof(2n ** 62n + 5n, 2n ** 62n + 6n, h32(1), [a, b]))).toBe(
      'BAD_PROOF: inclusion proof has 2 hashes; index 4611686018427387909 in a tree of size 4611686018427387910 needs 3',
    );
    expect(Buffer.from(rootFromInclusionProof(2n ** 62n + 5n, 2n ** 62n + 6n, h32(1), [a, b, c])).toString('hex')).toBe(Buffer.from(root).toString('hex'));
    expect(code(() => rootFromInclusionProof(2n ** 64n, 2n ** 64n + 1n, h32(1), []))).toBe('BAD_INPUT: index 18446744073709551616 is not a uint64');
    expect(code(() => rootFromInclusionProof(2 ** 53, 2 ** 53 + 2, h32(1), []))).toBe('BAD_INPUT: index 9007199254740992 is not a non-negative safe integer');
  });
});

describe('verifyConsistency', () => {
  it('accepts a good proof and names each kind of bad one', () => {
    const proof = tree.consistencyProof(6, 11);
    const r6 = tree.root(6);
    const r11 = tree.root(11);
    expect(code(() => verifyConsistency(6, 11, proof, r6, r11))).toBe('verified');
    expect(code(() => verifyConsistency(0, 11, [], r6, r11))).toBe('BAD_INPUT: a consistency proof from the empty tree proves nothing (size1 is 0)');
    expect(code(() => verifyConsistency(12, 11, proof, r6, r11))).toBe('BAD_INPUT: size1 12 is greater than size2 11');
    expect(code(() => verifyConsistency(11, 11, [], r11, r11))).toBe('verified');
    expect(code(() => verifyConsistency(11, 11, proof, r11, r11))).toBe(`BAD_PROOF: size1 = size2 = 11 needs an empty proof, got ${proof.length} hashes`);
    expect(code(() => verifyConsistency(11, 11, [], r6, r11))).toMatch(/^ROOT_MISMATCH: same size 11 but different roots/);
    expect(code(() => verifyConsistency(6, 11, [], r6, r11))).toBe('BAD_PROOF: size1 6 < size2 11 needs a non-empty proof');
    expect(code(() => verifyConsistency(6, 11, proof.slice(1), r6, r11))).toBe(`BAD_PROOF: consistency proof has ${proof.length - 1} hashes; sizes 6 → 11 need ${proof.length}`);
    expect(code(() => verifyConsistency(6, 11, proof, r11, r11))).toMatch(/^ROOT_MISMATCH: consistency proof leads to root [0-9a-f]{64} for size 6, expected/);
    expect(code(() => verifyConsistency(6, 11, proof, r6, r6))).toMatch(/^ROOT_MISMATCH: consistency proof leads to root [0-9a-f]{64} for size 11, expected/);
  });

  it('proves a forked history inconsistent', () => {
    const forked = MemoryTree.fromLeafData([...leaves.slice(0, 5), Buffer.from('forged'), ...leaves.slice(6)]);
    expect(code(() => verifyConsistency(6, 11, forked.consistencyProof(6, 11), tree.root(6), forked.root(11)))).toMatch(/^ROOT_MISMATCH: .* for size 6,/);
    expect(code(() => verifyConsistency(6, 11, tree.consistencyProof(6, 11), tree.root(6), forked.root(11)))).toMatch(/^ROOT_MISMATCH: .* for size 11,/);
  });
});
