import { EMPTY_ROOT, nodeHash } from './hash.ts';
import { MerkleError } from './merkle-error.ts';
import { largestPowerOfTwoBelow, pow2, toCount } from './tree-math.ts';

/** A perfect subtree: the node at `level` covering leaves [index·2^level, (index+1)·2^level). */
export interface NodeId {
  level: number;
  index: number;
}

/**
 * What a proof is made of: one entry per proof hash, from the leaf side up. Each entry
 * lists perfect subtrees, left to right, whose right fold (`foldNodes`) is that hash, so a
 * store that keeps only perfect subtrees (tiles, levels) can produce any proof.
 */
export type ProofPlan = NodeId[][];

/**
 * The perfect subtrees whose right fold is the RFC 6962 hash of leaves [begin, end):
 * largest first. Needs `begin` aligned to a power of two at least `end - begin` — true of
 * every subtree RFC 6962 hashes — and throws BAD_INPUT otherwise.
 */
export function rangeNodes(begin: number, end: number): NodeId[] {
  toCount(begin, 'begin');
  toCount(end, 'end');
  if (end <= begin) throw new MerkleError('BAD_INPUT', `empty range [${begin}, ${end})`);
  const out: NodeId[] = [];
  let pos = begin;
  let level = 0;
  while (pow2(level + 1) <= end - begin) level++;
  if (begin % pow2(end - begin === pow2(level) ? level : level + 1) !== 0) {
    throw new MerkleError('BAD_INPUT', `range [${begin}, ${end}) is not an RFC 6962 subtree`);
  }
  for (; level >= 0; level--) {
    const width = pow2(level);
    if (pos + width <= end) {
      out.push({ level, index: pos / width });
      pos += width;
    }
  }
  return out;
}

/** The right fold of perfect-subtree hashes, left to right: their RFC 6962 subtree hash. */
export function foldNodes(hashes: readonly Uint8Array[]): Uint8Array {
  if (hashes.length === 0) return EMPTY_ROOT;
  let h = hashes[hashes.length - 1]!;
  for (let i = hashes.length - 2; i >= 0; i--) h = nodeHash(hashes[i]!, h);
  return h;
}

/** The plan of the RFC 6962 inclusion proof (PATH) of leaf `index` in the tree of `size`. */
export function inclusionProofPlan(index: number, size: number): ProofPlan {
  toCount(index, 'index');
  toCount(size, 'tree size');
  if (index >= size) throw new MerkleError('BAD_INPUT', `index ${index} is not below tree size ${size}`);
  const topDown: ProofPlan = [];
  let lo = 0;
  let hi = size;
  while (hi - lo > 1) {
    const k = largestPowerOfTwoBelow(hi - lo);
    if (index < lo + k) {
      topDown.push(rangeNodes(lo + k, hi));
      hi = lo + k;
    } else {
      topDown.push(rangeNodes(lo, lo + k));
      lo += k;
    }
  }
  return topDown.reverse();
}

/**
 * The plan of the RFC 6962 consistency proof (PROOF/SUBPROOF) from `size1` to `size2`.
 * Empty when the sizes are equal; BAD_INPUT when size1 is 0 or above size2, since no
 * proof exists to give.
 */
export function consistencyProofPlan(size1: number, size2: number): ProofPlan {
  toCount(size1, 'size1');
  toCount(size2, 'size2');
  if (size1 > size2) throw new MerkleError('BAD_INPUT', `size1 ${size1} is greater than size2 ${size2}`);
  if (size1 === 0) throw new MerkleError('BAD_INPUT', 'no consistency proof from the empty tree (size1 is 0)');
  const topDown: ProofPlan = [];
  let lo = 0;
  let hi = size2;
  let whole = true; // SUBPROOF's b: the subtree's root is known to the verifier
  while (size1 !== hi) {
    const k = largestPowerOfTwoBelow(hi - lo);
    if (size1 <= lo + k) {
      topDown.push(rangeNodes(lo + k, hi));
      hi = lo + k;
    } else {
      topDown.push(rangeNodes(lo, lo + k));
      lo += k;
      whole = false;
    }
  }
  if (!whole) topDown.push(rangeNodes(lo, hi));
  return topDown.reverse();
}

/** Every node a plan reads, once each, in first-use order. */
export function planNodes(plan: ProofPlan): NodeId[] {
  const seen = new Set<string>();
  const out: NodeId[] = [];
  for (const entry of plan) {
    for (const id of entry) {
      const key = `${id.level}/${id.index}`;
      if (!seen.has(key)) {
        seen.add(key);
        out.push(id);
      }
    }
  }
  return out;
}

/** Builds a proof from its plan with a reader of perfect-subtree hashes. */
export function proofFromPlan(plan: ProofPlan, read: (id: NodeId) => Uint8Array): Uint8Array[] {
  return plan.map((entry) => foldNodes(entry.map(read)));
}
