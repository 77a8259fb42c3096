import { EMPTY_ROOT, HASH_SIZE, nodeHash } from './hash.ts';
import { MerkleError } from './merkle-error.ts';

/** Called for every perfect subtree completed by an append: (level, index) and its hash. Level 0 is the leaf itself. */
export type PerfectNodeVisitor = (level: number, index: number, hash: Uint8Array) => void;

/**
 * The compact range [0, size): the roots of the perfect subtrees that tile the first
 * `size` leaves, largest first (at most one per level). Appending a leaf costs one leaf
 * push plus one node hash per merge, and the root folds O(log size) hashes, so a root
 * over millions of leaves needs O(log n) memory.
 */
export class CompactRange {
  #size = 0;
  readonly #hashes: Uint8Array[] = [];
  readonly #levels: number[] = [];

  /**
   * Resumes from stored nodes: `hashes` are the perfect subtrees of [0, size), left to
   * right, as `rangeNodes(0, size)` lists them.
   */
  static fromNodes(size: number, hashes: readonly Uint8Array[]): CompactRange {
    if (!Number.isSafeInteger(size) || size < 0) throw new MerkleError('BAD_INPUT', `size ${size} is not a non-negative safe integer`);
    const levels: number[] = [];
    // The binary digits of size, most significant first, are the levels of the nodes.
    for (let level = 52; level >= 0; level--) if (Math.floor(size / 2 ** level) % 2 === 1) levels.push(level);
    if (hashes.length !== levels.length) throw new MerkleError('BAD_INPUT', `a compact range of size ${size} has ${levels.length} nodes, got ${hashes.length}`);
    const range = new CompactRange();
    hashes.forEach((h, i) => {
      if (h.length !== HASH_SIZE) throw new MerkleError('BAD_INPUT', `node ${i} is ${h.length} bytes, not ${HASH_SIZE}`);
      range.#hashes.push(h);
      range.#levels.push(levels[i]!);
    });
    range.#size = size;
    return range;
  }

  get size(): number {
    return this.#size;
  }

  /** Appends one leaf hash; `visit` sees the leaf and every perfect subtree this append completes. */
  append(leaf: Uint8Array, visit?: PerfectNodeVisitor): void {
    if (leaf.length !== HASH_SIZE) throw new MerkleError('BAD_INPUT', `leaf hash is ${leaf.length} bytes, not ${HASH_SIZE}`);
    let hash = leaf;
    let level = 0;
    let index = this.#size;
    visit?.(0, index, hash);
    while (this.#levels.length > 0 && this.#levels[this.#levels.length - 1] === level) {
      hash = nodeHash(this.#hashes.pop()!, hash);
      this.#levels.pop();
      level++;
      index = Math.floor(index / 2);
      visit?.(level, index, hash);
    }
    this.#hashes.push(hash);
    this.#levels.push(level);
    this.#size++;
  }

  /** RFC 6962 Merkle Tree Hash of the leaves so far (SHA-256("") when empty). */
  root(): Uint8Array {
    const n = this.#hashes.length;
    if (n === 0) return EMPTY_ROOT;
    let h = this.#hashes[n - 1]!;
    for (let i = n - 2; i >= 0; i--) h = nodeHash(this.#hashes[i]!, h);
    return h;
  }

  /** The perfect-subtree hashes, left to right (copies of the references; hashes are never mutated). */
  nodes(): Uint8Array[] {
    return [...this.#hashes];
  }

  clone(): CompactRange {
    const c = new CompactRange();
    c.#size = this.#size;
    c.#hashes.push(...this.#hashes);
    c.#levels.push(...this.#levels);
    return c;
  }
}
