import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leafHash } from '../merkle/hash.ts';
import { folderFetcher } from './fetcher.ts';
import { mirrorLog } from './mirror.ts';
import { entries, entry, testKey } from './test-support.ts';
import { TransparencyLog } from './transparency-log.ts';
import { verifyReceipt } from './verify-receipt.ts';

const scratch = mkdtempSync(join(tmpdir(), 'tlog-receipt-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const KEY = testKey('log.example/r');

let log: TransparencyLog;
let cp20: string;
let cp50: string;
let receipt: string;
let forkCp20: string;
let forkCp50: string;
let mirror20: string;

beforeAll(async () => {
  log = await TransparencyLog.open(join(scratch, 'log'), { signerKey: KEY.signerKey, fsync: false });
  cp20 = (await log.appendBatch(entries(0, 20))).checkpoint;
  mirror20 = join(scratch, 'mirror20');
  await mirrorLog(log.dir, mirror20, { logKey: KEY.verifierKey, fsync: false });
  cp50 = (await log.appendBatch(entries(20, 50))).checkpoint;
  receipt = await log.receipt(7);
  await log.appendBatch(entries(50, 80));
  // An equivocating operator: the same key signs a second, different history.
  const fork = await TransparencyLog.open(join(scratch, 'fork'), { signerKey: KEY.signerKey, fsync: false });
  forkCp20 = (await fork.appendBatch([...entries(0, 19), Buffer.from('forged')])).checkpoint;
  forkCp50 = (await fork.appendBatch(entries(20, 50))).checkpoint;
});

describe('verifyReceipt', () => {
  it('verifies signature, origin and inclusion offline', async () => {
    const r = await verifyReceipt(receipt, { logKey: KEY.verifierKey, entry: entry(7) });
    expect(r).toEqual({
      ok: true,
      errors: [],
      origin: 'log.example/r',
      index: 7,
      size: 50,
      rootHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      leafHash: Buffer.from(leafHash(entry(7))).toString('hex'),
      extra: null,
      consistency: { checked: false },
      latestCheckpoint: cp50,
    });
    expect((await verifyReceipt(receipt, { logKey: KEY.verifierKey, leafHash: leafHash(entry(7)) })).ok).toBe(true);
  });

  it('fails closed with the reason, never throwing', async () => {
    const bad = async (input: string, opts: Record<string, unknown>): Promise<string[]> => {
      const r = await verifyReceipt(input, { logKey: KEY.verifierKey, ...opts });
      expect(r.ok).toBe(false);
      expect(r.latestCheckpoint).toBeNull();
      return r.errors;
    };
    expect(await bad(receipt, { entry: entry(8) })).toEqual([expect.stringMatching(/^NOT_INCLUDED: leaf [0-9a-f]{64} is not proven at index 7 in the tree of size 50: ROOT_MISMATCH: /)]);
    expect(await bad(receipt, {})).toEqual(['BAD_INPUT: no entry or leaf hash given: inclusion cannot be checked']);
    expect(await bad(receipt, { leafHash: new Uint8Array(5) })).toEqual(['BAD_INPUT: leaf hash is 5 bytes, not 32']);
    expect(await bad(receipt, { entry: entry(7), logKey: testKey('log.example/r', 9).verifierKey })).toEqual([expect.stringMatching(/^UNTRUSTED: no signature by a trusted key/)]);
    expect(await bad(receipt, { entry: entry(7), origin: 'log.example/other' })).toEqual(['WRONG_ORIGIN: checkpoint origin "log.example/r" is not "log.example/other"']);
    expect(await bad(receipt.replace('\n50\n', '\n51\n'), { entry: entry(7) })).toEqual([expect.stringMatching(/^BAD_SIGNATURE: /)]);
    expect(await bad(receipt.replace('index 7', 'index 6'), { entry: entry(7) })).toEqual([expect.stringMatching(/^NOT_INCLUDED: /)]);
    expect(await bad('garbage', { entry: entry(7) })).toEqual(['BAD_RECEIPT: receipt has no blank line before its checkpoint']);
    expect(await bad(receipt, { entry: entry(7), logKey: 'not a key' })).toEqual(['BAD_KEY: verifier key must be <name>+<key id>+<key>']);
  });

  it('checks consistency with the last seen checkpoint from a given proof', async () => {
    const r = await verifyReceipt(receipt, { logKey: KEY.verifierKey, entry: entry(7), lastSeenCheckpoint: cp20, consistencyProof: await log.consistencyProof(20, 50) });
    expect(r).toMatchObject({ ok: true, consistency: { checked: true, lastSeenSize: 20, via: 'proof' }, latestCheckpoint: cp50 });
    const wrong = await verifyReceipt(receipt, { logKey: KEY.verifierKey, entry: entry(7), lastSeenCheckpoint: cp20, consistencyProof: await log.consistencyProof(21, 50) });
    expect(wrong.errors).toEqual([expect.stringMatching(/^INCONSISTENT: given proof: checkpoints of size 20 and 50 are not proven consistent: /)]);
  });

  it('checks consistency with the last seen checkpoint from a local copy of the log, either way round', async () => {
    const older = await verifyReceipt(receipt, { logKey: KEY.verifierKey, entry: entry(7), lastSeenCheckpoint: cp20, source: folderFetcher(log.dir) });
    expect(older).toMatchObject({ ok: true, consistency: { checked: true, lastSeenSize: 20, via: 'source', sourceSize: 80 }, latestCheckpoint: log.checkpoint });
    const newer = await verifyReceipt(receipt, { logKey: KEY.verifierKey, entry: entry(7), lastSeenCheckpoint: log.checkpoint, source: folderFetcher(log.dir) });
    expect(newer).toMatchObject({ ok: true, consistency: { checked: true, lastSeenSize: 80, via: 'source', sourceSize: 80 } });
    const same = await verifyReceipt(receipt, { logKey: KEY.verifierKey, entry: entry(7), lastSeenCheckpoint: cp50 });
    expect(same).toMatchObject({ ok: true, consistency: { checked: true, lastSeenSize: 50, via: 'same-size' } });
  });

  it('catches a log that signed two histories', async () => {
    const viaSource = await verifyReceipt(receipt, { logKey: KEY.verifierKey, entry: entry(7), lastSeenCheckpoint: forkCp20, source: folderFetcher(log.dir) });
    expect(viaSource.errors).toEqual([expect.stringMatching(/^INCONSISTENT: source .*: checkpoints of size 20 and 80 are not proven consistent: ROOT_MISMATCH: /)]);
    const sameSize = await verifyReceipt(receipt, { logKey: KEY.verifierKey, entry: entry(7), lastSeenCheckpoint: forkCp50 });
    expect(sameSize.errors).toEqual([expect.stringMatching(/^INCONSISTENT: the last seen checkpoint has size 50 with root [0-9a-f]{64}, the receipt's [0-9a-f]{64} \(a fork\)$/)]);
  });

  it('says why consistency could not be checked', async () => {
    const none = await verifyReceipt(receipt, { logKey: KEY.verifierKey, entry: entry(7), lastSeenCheckpoint: cp20 });
    expect(none.errors).toEqual(['INCONSISTENT: consistency with the last seen checkpoint (size 20) cannot be checked: give a consistency proof or a copy of the log']);
    const behind = await verifyReceipt(receipt, { logKey: KEY.verifierKey, entry: entry(7), lastSeenCheckpoint: cp20, source: folderFetcher(mirror20) });
    expect(behind.errors).toEqual([expect.stringMatching(/^INCONSISTENT: source .*mirror20 is at size 20, behind size 50: it cannot prove consistency$/)]);
    const foreign = await verifyReceipt(receipt, { logKey: KEY.verifierKey, entry: entry(7), lastSeenCheckpoint: 'junk\n' });
    expect(foreign.errors).toEqual(['BAD_INPUT: last seen checkpoint: BAD_NOTE: note has no blank line before its signatures']);
  });
});
