/**
 * An order-independent fingerprint of a set of ids that PostgreSQL computes in one pass over
 * what it reads or deletes (no sort, no id sent back) and Node computes from a plan's id list:
 * the count, the exact sum of the ids, and the exact sum of a 64-bit hash of each id keyed by
 * a seed drawn fresh for every use. Without the seed in advance, a different set of ids with
 * the same fingerprint cannot be arranged (ADR-055).
 */
export interface IdSetFingerprint {
  count: number;
  idSum: bigint;
  hashSum: bigint;
}

/**
 * The per-id hash, in SQL: hashint8extended folds an int8 to 32 bits (low ^ high), so ids
 * that fold alike would hash alike whatever the seed; the high word, hashed under a second
 * seed, is XORed in so that no two ids share a hash by construction.
 */
const ID_HASH_SQL = (id: string) => `hashint8extended(${id}, ?::bigint) # hashint4extended((${id} >> 32)::int4, ?::bigint)`;

/** The SQL aggregates of IdSetFingerprint over column `id`; parameters: fingerprintParams(seed). */
export function fingerprintSelectSql(id: string): string {
  return `count(*) AS n, coalesce(sum(${id}), 0)::text AS id_sum, coalesce(sum(${ID_HASH_SQL(id)}), 0)::text AS hash_sum`;
}

/** The second seed, for the high word. */
const highSeed = (seed: bigint) => BigInt.asIntN(64, seed ^ 0x5bd1e9955bd1e995n);

export function fingerprintParams(seed: bigint): string[] {
  return [String(seed), String(highSeed(seed))];
}

/** Adds up per-group rows of fingerprintSelectSql. */
export function addFingerprintRow(into: IdSetFingerprint, row: { n: number | bigint | string; id_sum: string; hash_sum: string }): IdSetFingerprint {
  into.count += Number(row.n);
  into.idSum += BigInt(row.id_sum);
  into.hashSum += BigInt(row.hash_sum);
  return into;
}

export const emptyFingerprint = (): IdSetFingerprint => ({ count: 0, idSum: 0n, hashSum: 0n });

export function sameFingerprint(a: IdSetFingerprint, b: IdSetFingerprint): boolean {
  return a.count === b.count && a.idSum === b.idSum && a.hashSum === b.hashSum;
}

/** The fingerprint of ids (safe integers ≥ 0), as PostgreSQL computes it with the same seed. */
export function idSetFingerprint(ids: ArrayLike<number>, seed: bigint): IdSetFingerprint {
  const low = seededState(seed);
  const high = seededState(highSeed(seed));
  const out = { hi: 0, lo: 0 };
  hashWith(high, 0, out);
  const zeroHi = out.hi;
  const zeroLo = out.lo;
  // Sums kept in 32-bit halves so a Number stays exact for millions of ids.
  let idHi = 0;
  let idLo = 0;
  let hashHi = 0;
  let hashLo = 0;
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    const hi32 = Math.floor(id / 0x1_0000_0000);
    const lo32 = id % 0x1_0000_0000;
    idHi += hi32;
    idLo += lo32;
    let xh = zeroHi;
    let xl = zeroLo;
    if (hi32 !== 0) {
      hashWith(high, hi32, out);
      xh = out.hi;
      xl = out.lo;
    }
    hashWith(low, (lo32 ^ hi32) >>> 0, out);
    hashHi += (out.hi ^ xh) | 0; // the int8 is signed: its high word carries the sign
    hashLo += (out.lo ^ xl) >>> 0;
  }
  return {
    count: ids.length,
    idSum: BigInt(idHi) * 0x1_0000_0000n + BigInt(idLo),
    hashSum: BigInt(hashHi) * 0x1_0000_0000n + BigInt(hashLo),
  };
}

/** lookup3's final() on a seeded state plus the 32-bit key: the 64-bit hash as unsigned words. */
function hashWith(state: readonly [number, number, number], k: number, out: { hi: number; lo: number }): void {
  let a = (state[0] + k) >>> 0;
  let b = state[1];
  let c = state[2];
  c = ((c ^ b) - rot(b, 14)) >>> 0;
  a = ((a ^ c) - rot(c, 11)) >>> 0;
  b = ((b ^ a) - rot(a, 25)) >>> 0;
  c = ((c ^ b) - rot(b, 16)) >>> 0;
  a = ((a ^ c) - rot(c, 4)) >>> 0;
  b = ((b ^ a) - rot(a, 14)) >>> 0;
  c = ((c ^ b) - rot(b, 24)) >>> 0;
  out.hi = b;
  out.lo = c;
}

const rot = (x: number, k: number) => ((x << k) | (x >>> (32 - k))) >>> 0;

/**
 * The state PostgreSQL's hash_bytes_uint32_extended (Bob Jenkins' lookup3,
 * src/common/hashfn.c; the core of hashint8extended) reaches before adding the key: the
 * initial value, and with a non-zero seed its two halves added and one mix() round. The
 * same for every id, so computed once.
 */
function seededState(seed: bigint): [number, number, number] {
  let a = (0x9e3779b9 + 4 + 3923095) >>> 0;
  let b = a;
  let c = a;
  if (seed !== 0n) {
    a = (a + Number(BigInt.asUintN(64, seed) >> 32n)) >>> 0;
    b = (b + Number(BigInt.asUintN(32, seed))) >>> 0;
    a = ((a - c) ^ rot(c, 4)) >>> 0; c = (c + b) >>> 0;
    b = ((b - a) ^ rot(a, 6)) >>> 0; a = (a + c) >>> 0;
    c = ((c - b) ^ rot(b, 8)) >>> 0; b = (b + a) >>> 0;
    a = ((a - c) ^ rot(c, 16)) >>> 0; c = (c + b) >>> 0;
    b = ((b - a) ^ rot(a, 19)) >>> 0; a = (a + c) >>> 0;
    c = ((c - b) ^ rot(b, 4)) >>> 0; b = (b + a) >>> 0;
  }
  return [a, b, c];
}
