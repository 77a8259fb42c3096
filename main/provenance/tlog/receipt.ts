import { HASH_SIZE } from '../merkle/hash.ts';
import { TlogError } from './tlog-error.ts';

/** First line of a c2sp.org/tlog-proof receipt. */
export const RECEIPT_HEADER = 'c2sp.org/tlog-proof@v1';
/** Receipts are small: a checkpoint, an index and at most 63 hashes. */
export const MAX_RECEIPT_BYTES = 1 << 20;

export interface Receipt {
  /** Opaque, unauthenticated application data (never trusted by itself). */
  extra?: Uint8Array;
  index: number;
  /** Inclusion proof, from the leaf's sibling up to the root's child. */
  proof: Uint8Array[];
  /** The signed checkpoint, verbatim. */
  checkpoint: string;
}

/** The receipt text: header, optional extra, index, proof lines, blank line, checkpoint. */
export function formatReceipt(r: Receipt): string {
  if (!Number.isSafeInteger(r.index) || r.index < 0) throw new TlogError('BAD_INPUT', `receipt index ${r.index} is not a non-negative safe integer`);
  const lines = [RECEIPT_HEADER];
  if (r.extra !== undefined) lines.push(`extra ${Buffer.from(r.extra).toString('base64')}`);
  lines.push(`index ${r.index}`);
  for (const h of r.proof) {
    if (h.length !== HASH_SIZE) throw new TlogError('BAD_INPUT', `receipt proof hash is ${h.length} bytes, not ${HASH_SIZE}`);
    lines.push(Buffer.from(h).toString('base64'));
  }
  if (!r.checkpoint.endsWith('\n')) throw new TlogError('BAD_INPUT', 'receipt checkpoint must be a signed note ending in a newline');
  return `${lines.join('\n')}\n\n${r.checkpoint}`;
}

function strictBase64(s: string, what: string): Buffer {
  const b = Buffer.from(s, 'base64');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || b.toString('base64') !== s) throw new TlogError('BAD_RECEIPT', `${what} is not canonical base64`);
  return b;
}

/** Parses a receipt; BAD_RECEIPT names the line that is wrong. The checkpoint is not verified here. */
export function parseReceipt(input: string | Uint8Array): Receipt {
  if (input.length > MAX_RECEIPT_BYTES) throw new TlogError('BAD_RECEIPT', `receipt is over the ${MAX_RECEIPT_BYTES}-byte limit`);
  const text = typeof input === 'string' ? input : Buffer.from(input).toString('utf8');
  const blank = text.indexOf('\n\n');
  if (blank < 0) throw new TlogError('BAD_RECEIPT', 'receipt has no blank line before its checkpoint');
  const lines = text.slice(0, blank).split('\n');
  const checkpoint = text.slice(blank + 2);
  if (lines[0] !== RECEIPT_HEADER) throw new TlogError('BAD_RECEIPT', `line 1 is not ${RECEIPT_HEADER}`);
  let i = 1;
  let extra: Uint8Array | undefined;
  if (lines[i]?.startsWith('extra ')) {
    extra = new Uint8Array(strictBase64(lines[i]!.slice('extra '.length), `line ${i + 1} (extra)`));
    i++;
  }
  const m = /^index (0|[1-9][0-9]*)$/.exec(lines[i] ?? '');
  if (!m) throw new TlogError('BAD_RECEIPT', `line ${i + 1} is not "index <decimal>"`);
  const index = Number(m[1]);
  if (!Number.isSafeInteger(index)) throw new TlogError('BAD_RECEIPT', `index ${m[1]} is beyond 2^53 - 1`);
  i++;
  const proof: Uint8Array[] = [];
  for (; i < lines.length; i++) {
    const h = strictBase64(lines[i]!, `line ${i + 1} (proof hash)`);
    if (h.length !== HASH_SIZE) throw new TlogError('BAD_RECEIPT', `line ${i + 1}: proof hash is ${h.length} bytes, not ${HASH_SIZE}`);
    proof.push(new Uint8Array(h));
  }
  if (proof.length > 63) throw new TlogError('BAD_RECEIPT', `inclusion proof has ${proof.length} hashes, more than any tree needs`);
  if (checkpoint.length === 0) throw new TlogError('BAD_RECEIPT', 'receipt has no checkpoint');
  return { ...(extra !== undefined ? { extra } : {}), index, proof, checkpoint };
}
