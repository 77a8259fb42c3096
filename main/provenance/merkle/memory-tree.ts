import { HASH_SIZE, leafHash, nodeHash } from './hash.ts';
import { MerkleError } from './merkle-error.ts';
import { consistencyProofPlan, foldNodes, inclusionProofPlan, proofFromPlan, rangeNodes } from './proof-plan.ts';
import type { NodeId } from './proof-plan.ts';
import { toCount } from './tree-math.ts';

/**
 * A whole tree in memory: every perfect subtree hash, level by level. For proofs over a
 * list that fits in memory (tests, a pack's files); logs on disk read tiles instead.
 */
export class MemoryTree {
  readonly #levels: Uint8Array[][] = [[]];

  static fromLeafData(leaves: Iterable<Uint8Array>): MemoryTree {
    const t = new MemoryTree();
    for (const d of leaves) t.appendLeafHash(leafHash(d));
    return t;
  }

  static fromLeafHashes(hashes: Iterable<Uint8Array>): MemoryTree {
    const t = new MemoryTree();
    for (const h of hashes) t.appendLeafHash(h);
    return t;
  }

  get size(): number {
    return this.#levels[0]!.length;
  }

  appendLeafHash(h: Uint8Array): void {
    if (h.length !== HASH_SIZE) throw new MerkleError('BAD_INPUT', `leaf hash is ${h.length} bytes, not ${HASH_SIZE}`);
    let level = 0;
    let hash = h;
    for (;;) {
      const row = (this.#levels[level] ??= []);
      row.push(hash);
      if (row.length % 2 === 1) return;
      hash = nodeHash(row[row.length - 2]!, hash);
      level++;
    }
  }

  /** The hash of a perfect subtree inside the tree; BAD_INPUT when it does not exist yet. */
  node(id: NodeId): Uint8Array {
    const h = this.#levels[id.level]?.[id.index];
    if (!h) throw new MerkleError('BAD_INPUT', `no perfect subtree at level ${id.level} index ${id.index} in a tree of size ${this.size}`);
    return h;
  }

  /** Root of the first `size` leaves (default all). */
  root(size: number = this.size): Uint8Array {
    this.#checkSize(size, 'tree size');
    return size === 0 ? foldNodes([]) : foldNodes(rangeNodes(0, size).map((id) => this.node(id)));
  }

  inclusionProof(index: number, size: number = this.size): Uint8Array[] {
    this.#checkSize(size, 'tree size');
    return proofFromPlan(inclusionProofPlan(index, size), (id) => this.node(id));
  }

  consistencyProof(size1: number, size2: number = this.size): Uint8Array[] {
    this.#checkSize(size2, 'size2');
    return proofFromPlan(consistencyProofPlan(size1, size2), (id) => this.node(id));
  }

  #checkSize(size: number, what: string): void {
    toCount(size, what);
    if (size > this.size) throw new MerkleError('BAD_INPUT', `${what} ${size} is beyond the ${this.size} leaves held`);
  }
}
