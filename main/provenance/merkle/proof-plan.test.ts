import { describe, expect, it } from 'vitest';
import { leafHash } from './hash.ts';
import { MemoryTree } from './memory-tree.ts';
import { MerkleError } from './merkle-error.ts';
import { consistencyProofPlan, inclusionProofPlan, planNodes, rangeNodes } from './proof-plan.ts';
import { verifyConsistency } from './verify-consistency.ts';
import { verifyInclusion } from './verify-inclusion.ts';
import { RFC_INPUTS } from './test-vectors.ts';

const merkleError = (code: string, message: string): unknown => expect.objectContaining({ name: 'MerkleError', code, message });

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('proof plans', () => {
  it('tiles an RFC 6962 subtree with perfect subtrees, largest first', () => {
    expect(rangeNodes(0, 13)).toEqual([
      { level: 3, index: 0 },
      { level: 2, index: 2 },
      { level: 0, index: 12 },
    ]);
    expect(rangeNodes(8, 11)).toEqual([
      { level: 1, index: 4 },
      { level: 0, index: 10 },
    ]);
    expect(rangeNodes(256, 512)).toEqual([{ level: 8, index: 1 }]);
  });

  it('refuses ranges that are not RFC 6962 subtrees', () => {
    expect(() => rangeNodes(3, 6)).toThrow(merkleError('BAD_INPUT', 'range [3, 6) is not an RFC 6962 subtree'));
    expect(() => rangeNodes(4, 4)).toThrow(merkleError('BAD_INPUT', 'empty range [4, 4)'));
  });

  it('plans inclusion as siblings from the leaf up', () => {
    expect(inclusionProofPlan(5, 7)).toEqual([[{ level: 0, index: 4 }], [{ level: 0, index: 6 }], [{ level: 2, index: 0 }]]);
    expect(inclusionProofPlan(0, 1)).toEqual([]);
    expect(() => inclusionProofPlan(7, 7)).toThrow(merkleError('BAD_INPUT', 'index 7 is not below tree size 7'));
  });

  it('plans consistency as RFC 6962 SUBPROOF', () => {
    expect(consistencyProofPlan(4, 8)).toEqual([[{ level: 2, index: 1 }]]);
    expect(consistencyProofPlan(6, 8)).toEqual([[{ level: 1, index: 2 }], [{ level: 1, index: 3 }], [{ level: 2, index: 0 }]]);
    expect(consistencyProofPlan(5, 5)).toEqual([]);
    expect(() => consistencyProofPlan(0, 5)).toThrow(merkleError('BAD_INPUT', 'no consistency proof from the empty tree (size1 is 0)'));
    expect(() => consistencyProofPlan(6, 5)).toThrow(merkleError('BAD_INPUT', 'size1 6 is greater than size2 5'));
  });

  it('lists each node a plan reads once', () => {
    expect(planNodes([[{ level: 0, index: 1 }], [{ level: 0, index: 1 }, { level: 1, index: 1 }]])).toEqual([
      { level: 0, index: 1 },
      { level: 1, index: 1 },
    ]);
  });
});

describe('generated proofs', () => {
  const t8 = MemoryTree.fromLeafData(RFC_INPUTS);

  it('match the RFC 6962 reference proofs', () => {
    expect(t8.inclusionProof(0, 8).map(hex)).toEqual([
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ]);
    expect(t8.inclusionProof(5, 8).map(hex)).toEqual([
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ]);
    expect(t8.consistencyProof(6, 8).map(hex)).toEqual([
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ]);
    expect(t8.consistencyProof(2, 5).map(hex)).toEqual([
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ]);
  });

  it('verify for every index and pair of sizes up to 64, and fail for the wrong leaf or root', () => {
    const leaves = Array.from({ length: 64 }, (_, i) => Buffer.from(`x${i}`));
    const t = MemoryTree.fromLeafData(leaves);
    for (let n = 1; n <= 64; n++) {
      const root = t.root(n);
      for (let i = 0; i < n; i++) {
        const proof = t.inclusionProof(i, n);
        verifyInclusion(i, n, leafHash(leaves[i]!), proof, root);
        expect(() => verifyInclusion(i, n, leafHash(Buffer.from('other')), proof, root)).toThrow(MerkleError);
      }
      for (let m = 1; m <= n; m++) {
        const proof = t.consistencyProof(m, n);
        verifyConsistency(m, n, proof, t.root(m), root);
        if (m < n) expect(() => verifyConsistency(m, n, proof, t.root(m === 1 ? 2 : m - 1), root)).toThrow(MerkleError);
      }
    }
  });

  it('refuses proofs beyond the leaves held', () => {
    expect(() => t8.inclusionProof(0, 9)).toThrow(merkleError('BAD_INPUT', 'tree size 9 is beyond the 8 leaves held'));
    expect(() => t8.node({ level: 3, index: 1 })).toThrow(merkleError('BAD_INPUT', 'no perfect subtree at level 3 index 1 in a tree of size 8'));
  });
});
