/** Why a transparency-log operation or check failed, as a code a caller or a test can match. */
export type TlogErrorCode =
  | 'BAD_INPUT' // a caller's argument is malformed (entry too long, bad index, bad option)
  | 'BAD_KEY' // a signer or verifier key string is malformed or its key ID is wrong
  | 'BAD_NOTE' // a signed note is malformed
  | 'BAD_SIGNATURE' // a signature by a known key does not verify
  | 'UNTRUSTED' // no signature by a trusted key
  | 'BAD_CHECKPOINT' // the checkpoint body is malformed
  | 'WRONG_ORIGIN' // the checkpoint is for another log
  | 'BAD_RECEIPT' // a tlog-proof receipt is malformed
  | 'BAD_TILE' // a tile or entry bundle is malformed or of the wrong size
  | 'NOT_FOUND' // a checkpoint, tile or entry bundle is absent
  | 'FETCH_FAILED' // a source could not be read
  | 'NOT_INCLUDED' // an inclusion proof does not prove the entry is in the tree
  | 'INCONSISTENT' // two tree heads are not proven consistent (a fork, or a bad proof)
  | 'CONFLICT'; // the log refuses: its files disagree with its checkpoint, or another writer moved it

export class TlogError extends Error {
  readonly code: TlogErrorCode;

  constructor(code: TlogErrorCode, message: string) {
    super(message);
    this.name = 'TlogError';
    this.code = code;
  }
}

/** Any thrown value as one report line: `CODE: message`. */
export function describeTlogError(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  const message = e instanceof Error ? e.message : String(e);
  return typeof code === 'string' ? `${code}: ${message}` : message;
}
