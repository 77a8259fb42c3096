import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skipStoreKind } from '../store/testing/store-targets.ts';
import { postgresAdminUrl } from '../store/temp-postgres.ts';
import { fingerprintParams, fingerprintSelectSql, idSetFingerprint, sameFingerprint } from './id-set-fingerprint.ts';

// Ids around the 32-bit fold hashint8extended applies, and up to the largest safe integer.
const IDS = [1, 2, 3, 7, 0xffff_ffff, 0x1_0000_0000, 0x1_0000_0001, 123_456_789_012, 2 ** 53 - 1, 4_503_599_627_370_497];
const SEEDS = [0n, 1n, 12_345n, -5n, -(2n ** 63n), 2n ** 63n - 1n, 9_007_199_254_740_993n];

describe('id-set fingerprint', () => {
  it('is the same for the same ids in any order and differs when one id is swapped for another', () => {
    const a = idSetFingerprint(IDS, 42n);
    expect(idSetFingerprint([...IDS].reverse(), 42n)).toEqual(a);
    expect(a).toMatchObject({ count: IDS.length, idSum: IDS.reduce((s, id) => s + BigInt(id), 0n) });
    const swapped = idSetFingerprint([...IDS.slice(1), 8], 42n);
    expect(sameFingerprint(a, swapped)).toBe(false);
    expect(idSetFingerprint([], 42n)).toEqual({ count: 0, idSum: 0n, hashSum: 0n });
  });

  // hashint8extended alone folds an id to 32 bits (low ^ high): these two pairs fold alike and
  // have the same sum, so count + sum + folded hash could not tell them apart.
  it('tells apart sets of ids that fold to the same 32 bits and have the same sum', () => {
    const a = [0x1_0000_0005, 10]; // folds 4 and 10
    const b = [4, 0x1_0000_000b]; // folds 4 and 10; the same sum
    expect(a[0]! + a[1]!).toBe(b[0]! + b[1]!);
    for (const seed of [0n, 7n, -3n]) expect(sameFingerprint(idSetFingerprint(a, seed), idSetFingerprint(b, seed))).toBe(false);
  });
});

describe.skipIf(skipStoreKind('postgres'))('id-set fingerprint against PostgreSQL', () => {
  let client: pg.Client;
  beforeAll(async () => {
    client = new pg.Client({ connectionString: postgresAdminUrl() });
    await client.connect();
  });
  afterAll(async () => {
    await client?.end();
  });

  it('equals the count, id sum and hash sum the server computes with fingerprintSelectSql', async () => {
    const random = Array.from({ length: 2000 }, (_, i) => (i * 2_654_435_761 + 97) % 2 ** 40);
    for (const ids of [IDS, random, [5]]) {
      for (const seed of SEEDS) {
        let n = 0;
        const sql = `SELECT ${fingerprintSelectSql('id')} FROM unnest(?::bigint[]) AS id`.replace(/\?/g, () => `$${++n}`);
        const { rows } = await client.query<{ n: string; id_sum: string; hash_sum: string }>(sql, [...fingerprintParams(seed), `{${ids.join(',')}}`]);
        const mine = idSetFingerprint(ids, seed);
        expect({ n: String(mine.count), id_sum: String(mine.idSum), hash_sum: String(mine.hashSum) }, `seed ${seed}`).toEqual(rows[0]);
      }
    }
  });
});
