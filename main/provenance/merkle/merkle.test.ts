import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { EMPTY_ROOT, leafHash, nodeHash } from './hash.ts';
import { MemoryTree } from './memory-tree.ts';
import { merkleRoot, merkleRootFromLeafHashes } from './merkle.ts';
import { RFC_INPUTS, RFC_ROOTS } from './test-vectors.ts';

const merkleError = (code: string, message: string): unknown => expect.objectContaining({ name: 'MerkleError', code, message });

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');


/** RFC 6962 §2.1 MTH written out as the RFC states it, as an independent reference. */
function referenceRoot(leaves: Uint8Array[]): Uint8Array {
  const sha = (...parts: Uint8Array[]): Uint8Array => {
    const h = createHash('sha256');
    for (const p of parts) h.update(p);
    return h.digest();
  };
  if (leaves.length === 0) return sha();
  if (leaves.length === 1) return sha(Uint8Array.of(0), leaves[0]!);
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return sha(Uint8Array.of(1), referenceRoot(leaves.slice(0, k)), referenceRoot(leaves.slice(k)));
}

describe('RFC 6962 hashing', () => {
  it('hashes the empty tree to SHA-256 of the empty string', () => {
    expect(hex(EMPTY_ROOT)).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(hex(merkleRoot([]))).toBe(hex(EMPTY_ROOT));
    expect(hex(merkleRootFromLeafHashes([]))).toBe(hex(EMPTY_ROOT));
  });

  it('separates leaves from nodes with the 0x00 / 0x01 prefixes', () => {
    expect(hex(leafHash(new Uint8Array(0)))).toBe('6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d');
    const a = leafHash(Buffer.from('a'));
    const b = leafHash(Buffer.from('b'));
    expect(hex(nodeHash(a, b))).toBe(createHash('sha256').update(Buffer.concat([Buffer.of(1), a, b])).digest('hex'));
    // A node's preimage offered as leaf data does not give the node's hash.
    expect(hex(leafHash(Buffer.concat([Buffer.of(1), a, b])))).not.toBe(hex(nodeHash(a, b)));
  });

  it('gives the RFC 6962 reference roots for trees of 1 to 8 leaves', () => {
    for (let n = 1; n <= 8; n++) {
      expect(hex(merkleRoot(RFC_INPUTS.slice(0, n)))).toBe(RFC_ROOTS[n - 1]);
      expect(hex(merkleRootFromLeafHashes(RFC_INPUTS.slice(0, n).map(leafHash)))).toBe(RFC_ROOTS[n - 1]);
    }
  });

  it('agrees with the recursive definition for every size up to 300', () => {
    const leaves = Array.from({ length: 300 }, (_, i) => Buffer.from(`leaf ${i}`));
    for (let n = 0; n <= 300; n++) expect(hex(merkleRoot(leaves.slice(0, n))), `size ${n}`).toBe(hex(referenceRoot(leaves.slice(0, n))));
  });

  it('streams a root over 20,000 leaves equal to the whole-tree root', () => {
    const leaves = Array.from({ length: 20_000 }, (_, i) => Buffer.from(`entry-${i}`));
    function* lazily(): Generator<Uint8Array> {
      for (const l of leaves) yield l;
    }
    expect(hex(merkleRoot(lazily()))).toBe(hex(MemoryTree.fromLeafData(leaves).root()));
    expect(hex(merkleRoot(leaves))).toBe(hex(referenceRoot(leaves)));
  });

  it('refuses a leaf hash that is not 32 bytes, naming it', () => {
    expect(() => merkleRootFromLeafHashes([new Uint8Array(32), new Uint8Array(31)])).toThrow(merkleError('BAD_INPUT', 'leaf hash is 31 bytes, not 32'));
    expect(() => merkleRoot([new Uint8Array(3)]).length).not.toThrow(); // leaf *data* may have any length
  });
});
