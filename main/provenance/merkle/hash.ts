import { hash } from 'node:crypto';

/** SHA-256 output size: every leaf, node and root hash is this long. */
export const HASH_SIZE = 32;

/** Root of the empty tree: SHA-256 of the empty string (RFC 6962 §2.1). */
export const EMPTY_ROOT: Uint8Array = hash('sha256', new Uint8Array(0), 'buffer');

const LEAF_PREFIX = 0x00;
const NODE_PREFIX = 0x01;

/** RFC 6962 leaf hash: SHA-256(0x00 ‖ data). The prefix keeps a leaf from posing as a node. */
export function leafHash(data: Uint8Array): Uint8Array {
  const buf = Buffer.allocUnsafe(1 + data.length);
  buf[0] = LEAF_PREFIX;
  buf.set(data, 1);
  return hash('sha256', buf, 'buffer');
}

/** RFC 6962 interior node hash: SHA-256(0x01 ‖ left ‖ right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  const buf = Buffer.allocUnsafe(1 + left.length + right.length);
  buf[0] = NODE_PREFIX;
  buf.set(left, 1);
  buf.set(right, 1 + left.length);
  return hash('sha256', buf, 'buffer');
}

/** Byte equality of two hashes (not constant-time: hashes here are public). */
export function hashEquals(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
