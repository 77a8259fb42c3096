import { EMPTY_ROOT, hashEquals } from '../merkle/hash.ts';
import { verifyConsistency } from '../merkle/verify-consistency.ts';
import { TlogError } from './tlog-error.ts';

export interface TreeHead {
  size: number;
  root: Uint8Array;
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/**
 * The log's promise (c2sp.org/tlog-checkpoint): never sign a checkpoint inconsistent with
 * one it signed before. Throws CONFLICT unless `next` is proven — by `proof`, an RFC 6962
 * consistency proof from last.size to next.size — to extend `last`.
 */
export function assertExtends(last: TreeHead, next: TreeHead, proof: readonly Uint8Array[]): void {
  const refuse = (why: string): TlogError => new TlogError('CONFLICT', `refusing to sign a checkpoint of size ${next.size}: ${why}`);
  if (next.size < last.size) throw refuse(`it is smaller than the last signed size ${last.size}`);
  if (last.size === 0) {
    // Every tree extends the empty tree, provided the last head really was the empty tree.
    if (!hashEquals(last.root, EMPTY_ROOT)) throw refuse('the last signed checkpoint has size 0 but not the empty root');
    return;
  }
  if (next.size === last.size) {
    if (!hashEquals(last.root, next.root)) throw refuse(`the last signed checkpoint has the same size with root ${hex(last.root)}, not ${hex(next.root)} (a fork)`);
    return;
  }
  try {
    verifyConsistency(last.size, next.size, proof, last.root, next.root);
  } catch (e) {
    throw refuse(`it is not consistent with the last signed checkpoint (size ${last.size}): ${(e as Error).message}`);
  }
}
