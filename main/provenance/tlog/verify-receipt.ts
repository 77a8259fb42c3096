import { HASH_SIZE, hashEquals, leafHash as hashLeaf } from '../merkle/hash.ts';
import { verifyConsistency } from '../merkle/verify-consistency.ts';
import { verifyInclusion } from '../merkle/verify-inclusion.ts';
import { openCheckpoint } from './checkpoint.ts';
import type { OpenedCheckpoint } from './checkpoint.ts';
import type { LogFetcher } from './fetcher.ts';
import { parseVerifierKey } from './note-keys.ts';
import type { NoteVerifier } from './note-keys.ts';
import { parseReceipt } from './receipt.ts';
import { consistencyProofFromTiles } from './tile-proofs.ts';
import { TileReader } from './tile-reader.ts';
import { TlogError, describeTlogError } from './tlog-error.ts';

export interface VerifyReceiptOptions {
  /** The log's verifier key, `<name>+<key id>+<base64>`. */
  logKey: string;
  /** The log's origin; by default the key name. */
  origin?: string;
  /** The logged bytes (e.g. `encodePackEntry(...)`); or give `leafHash`. */
  entry?: Uint8Array;
  leafHash?: Uint8Array;
  /** The newest checkpoint of this log the verifier has seen before: the receipt's must be consistent with it. */
  lastSeenCheckpoint?: string | Uint8Array;
  /** A consistency proof between the smaller and the larger of the two checkpoints. */
  consistencyProof?: Uint8Array[];
  /** A copy of the log (e.g. `folderFetcher(localMirror)`) to build the consistency proof from. */
  source?: LogFetcher;
}

export type ConsistencyCheck =
  | { checked: false }
  | { checked: true; lastSeenSize: number; via: 'same-size' | 'empty' | 'proof' | 'source'; sourceSize?: number };

export interface ReceiptVerification {
  ok: boolean;
  errors: string[];
  origin: string | null;
  index: number | null;
  /** Tree size of the receipt's checkpoint. */
  size: number | null;
  /** Root of the receipt's checkpoint, hex. */
  rootHash: string | null;
  /** The leaf hash checked, hex. */
  leafHash: string | null;
  /** The receipt's extra data, base64; unauthenticated, never trust it by itself. */
  extra: string | null;
  consistency: ConsistencyCheck;
  /** The newest checkpoint proven consistent with everything checked: store it as the next last seen. Null unless ok. */
  latestCheckpoint: string | null;
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function inclusion(index: number, cp: OpenedCheckpoint, leaf: Uint8Array, proof: Uint8Array[]): void {
  try {
    verifyInclusion(index, cp.size, leaf, proof, cp.root);
  } catch (e) {
    throw new TlogError('NOT_INCLUDED', `leaf ${hex(leaf)} is not proven at index ${index} in the tree of size ${cp.size}: ${describeTlogError(e)}`);
  }
}

/** Proves `small` is a prefix of `large`, with a given proof. */
function consistent(small: OpenedCheckpoint, large: OpenedCheckpoint, proof: readonly Uint8Array[], what: string): void {
  if (small.size === 0) return;
  try {
    verifyConsistency(small.size, large.size, proof, small.root, large.root);
  } catch (e) {
    throw new TlogError('INCONSISTENT', `${what}: checkpoints of size ${small.size} and ${large.size} are not proven consistent: ${describeTlogError(e)}`);
  }
}

/** Proves `cp` is a prefix of the source's tree `top`, building the proof from the source's tiles. */
async function consistentViaSource(cp: OpenedCheckpoint, top: OpenedCheckpoint, source: LogFetcher): Promise<void> {
  if (cp.size === top.size) {
    if (!hashEquals(cp.root, top.root)) throw new TlogError('INCONSISTENT', `the source checkpoint has size ${top.size} with another root (a fork)`);
    return;
  }
  if (cp.size === 0) return;
  const proof = await consistencyProofFromTiles(new TileReader(source, top.size), cp.size);
  consistent(cp, top, proof, `source ${source.source}`);
}

async function checkConsistency(receiptCp: OpenedCheckpoint, lastSeen: OpenedCheckpoint, opts: VerifyReceiptOptions, verifier: NoteVerifier, origin: string): Promise<{ check: ConsistencyCheck; latest: OpenedCheckpoint }> {
  const [small, large] = lastSeen.size <= receiptCp.size ? [lastSeen, receiptCp] : [receiptCp, lastSeen];
  if (small.size === large.size) {
    if (!hashEquals(small.root, large.root)) {
      throw new TlogError('INCONSISTENT', `the last seen checkpoint has size ${small.size} with root ${hex(lastSeen.root)}, the receipt's ${hex(receiptCp.root)} (a fork)`);
    }
    return { check: { checked: true, lastSeenSize: lastSeen.size, via: 'same-size' }, latest: large };
  }
  if (small.size === 0) return { check: { checked: true, lastSeenSize: lastSeen.size, via: 'empty' }, latest: large };
  if (opts.consistencyProof) {
    consistent(small, large, opts.consistencyProof, 'given proof');
    return { check: { checked: true, lastSeenSize: lastSeen.size, via: 'proof' }, latest: large };
  }
  if (opts.source) {
    const note = await opts.source.get('checkpoint');
    if (!note) throw new TlogError('NOT_FOUND', `${opts.source.source} has no checkpoint`);
    let top: OpenedCheckpoint;
    try {
      top = openCheckpoint(note, [verifier], origin);
    } catch (e) {
      throw new TlogError('INCONSISTENT', `source ${opts.source.source}: its checkpoint does not verify: ${describeTlogError(e)}`);
    }
    if (top.size < large.size) throw new TlogError('INCONSISTENT', `source ${opts.source.source} is at size ${top.size}, behind size ${large.size}: it cannot prove consistency`);
    // Both heads are prefixes of the source's verified tree, hence of each other.
    await consistentViaSource(small, top, opts.source);
    await consistentViaSource(large, top, opts.source);
    return { check: { checked: true, lastSeenSize: lastSeen.size, via: 'source', sourceSize: top.size }, latest: top };
  }
  throw new TlogError('INCONSISTENT', `consistency with the last seen checkpoint (size ${lastSeen.size}) cannot be checked: give a consistency proof or a copy of the log`);
}

/**
 * Verifies a c2sp.org/tlog-proof receipt offline: the checkpoint is signed by the log key
 * for the log's origin, the entry (or leaf hash) is included at the receipt's index, and,
 * given the last checkpoint the verifier saw, the two are consistent. Never throws: any
 * failure is `ok: false` with the reasons in `errors`.
 */
export async function verifyReceipt(receipt: string | Uint8Array, opts: VerifyReceiptOptions): Promise<ReceiptVerification> {
  const out: ReceiptVerification = {
    ok: false,
    errors: [],
    origin: null,
    index: null,
    size: null,
    rootHash: null,
    leafHash: null,
    extra: null,
    consistency: { checked: false },
    latestCheckpoint: null,
  };
  try {
    const verifier = parseVerifierKey(opts.logKey);
    const origin = opts.origin ?? verifier.name;
    const r = parseReceipt(receipt);
    out.index = r.index;
    if (r.extra) out.extra = Buffer.from(r.extra).toString('base64');
    const cp = openCheckpoint(r.checkpoint, [verifier], origin);
    out.origin = cp.origin;
    out.size = cp.size;
    out.rootHash = hex(cp.root);
    let leaf: Uint8Array;
    if (opts.entry) leaf = hashLeaf(opts.entry);
    else if (opts.leafHash) {
      if (opts.leafHash.length !== HASH_SIZE) throw new TlogError('BAD_INPUT', `leaf hash is ${opts.leafHash.length} bytes, not ${HASH_SIZE}`);
      leaf = opts.leafHash;
    } else throw new TlogError('BAD_INPUT', 'no entry or leaf hash given: inclusion cannot be checked');
    out.leafHash = hex(leaf);
    inclusion(r.index, cp, leaf, r.proof);
    let latest = cp;
    if (opts.lastSeenCheckpoint !== undefined) {
      let lastSeen: OpenedCheckpoint;
      try {
        lastSeen = openCheckpoint(opts.lastSeenCheckpoint, [verifier], origin);
      } catch (e) {
        throw new TlogError('BAD_INPUT', `last seen checkpoint: ${describeTlogError(e)}`);
      }
      const c = await checkConsistency(cp, lastSeen, opts, verifier, origin);
      out.consistency = c.check;
      latest = c.latest;
    }
    out.latestCheckpoint = latest.note;
    out.ok = true;
  } catch (e) {
    out.errors.push(describeTlogError(e));
    out.latestCheckpoint = null;
  }
  return out;
}
