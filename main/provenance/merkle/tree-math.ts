import { MerkleError } from './merkle-error.ts';

// Index arithmetic. JavaScript bitwise operators truncate to 32 bits, so proof
// verification works on BigInt (any uint64), and proof planning on safe integers with
// plain division and multiplication (exact below 2^53).

const UINT64_LIMIT = 1n << 64n;

/** A uint64 as BigInt; anything else (negative, fractional, unsafe number, too big) is BAD_INPUT naming `what`. */
export function toUint64(x: number | bigint, what: string): bigint {
  if (typeof x === 'bigint') {
    if (x < 0n || x >= UINT64_LIMIT) throw new MerkleError('BAD_INPUT', `${what} ${x} is not a uint64`);
    return x;
  }
  if (!Number.isSafeInteger(x) || x < 0) throw new MerkleError('BAD_INPUT', `${what} ${x} is not a non-negative safe integer`);
  return BigInt(x);
}

/** A count or index for proof planning: a non-negative safe integer, else BAD_INPUT naming `what`. */
export function toCount(x: number, what: string): number {
  if (!Number.isSafeInteger(x) || x < 0) throw new MerkleError('BAD_INPUT', `${what} ${x} is not a non-negative safe integer`);
  return x;
}

/** Number of bits needed to write x (0 for 0): Go's bits.Len64. */
export function bitLength(x: bigint): number {
  return x === 0n ? 0 : x.toString(2).length;
}

/** Number of one bits in x: Go's bits.OnesCount64. */
export function onesCount(x: bigint): number {
  let n = 0;
  for (const c of x.toString(2)) if (c === '1') n++;
  return n;
}

/** Number of trailing zero bits of x > 0: Go's bits.TrailingZeros64. */
export function trailingZeros(x: bigint): number {
  let n = 0;
  while ((x & 1n) === 0n && x !== 0n) {
    x >>= 1n;
    n++;
  }
  return n;
}

/** The largest power of two strictly below n (n ≥ 2): the RFC 6962 split point k. */
export function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** 2^level as a number (exact for level ≤ 52 and beyond, as powers of two are exact doubles). */
export function pow2(level: number): number {
  return 2 ** level;
}
