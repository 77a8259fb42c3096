import { HASH_SIZE } from '../merkle/hash.ts';
import type { NoteSigner, NoteVerifier } from './note-keys.ts';
import { openNote, signNote } from './signed-note.ts';
import { TlogError } from './tlog-error.ts';

/** A tree head: the body of a c2sp.org/tlog-checkpoint note. */
export interface Checkpoint {
  origin: string;
  size: number;
  root: Uint8Array;
  /** Optional extension lines (not recommended: monitors cannot audit them). */
  extensions: string[];
}

export interface OpenedCheckpoint extends Checkpoint {
  /** The signed note exactly as read. */
  note: string;
  verifiedBy: string[];
}

/** The note text of a checkpoint: origin, size, base64 root, extension lines, each ending in a newline. */
export function formatCheckpoint(c: Checkpoint): string {
  if (c.origin.length === 0 || c.origin.includes('\n')) throw new TlogError('BAD_INPUT', 'checkpoint origin must be one non-empty line');
  if (!Number.isSafeInteger(c.size) || c.size < 0) throw new TlogError('BAD_INPUT', `checkpoint size ${c.size} is not a non-negative safe integer`);
  if (c.root.length !== HASH_SIZE) throw new TlogError('BAD_INPUT', `checkpoint root is ${c.root.length} bytes, not ${HASH_SIZE}`);
  for (const e of c.extensions) if (e.length === 0 || e.includes('\n')) throw new TlogError('BAD_INPUT', 'checkpoint extension lines must be non-empty single lines');
  return [c.origin, String(c.size), Buffer.from(c.root).toString('base64'), ...c.extensions].join('\n') + '\n';
}

/** Parses checkpoint note text; BAD_CHECKPOINT names the line that is wrong. */
export function parseCheckpoint(text: string): Checkpoint {
  if (!text.endsWith('\n')) throw new TlogError('BAD_CHECKPOINT', 'checkpoint text does not end with a newline');
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) throw new TlogError('BAD_CHECKPOINT', `checkpoint has ${lines.length} lines, needs origin, size and root`);
  const [origin, sizeLine, rootLine, ...extensions] = lines as [string, string, string, ...string[]];
  if (origin.length === 0) throw new TlogError('BAD_CHECKPOINT', 'checkpoint line 1 (origin) is empty');
  if (!/^(0|[1-9][0-9]*)$/.test(sizeLine)) throw new TlogError('BAD_CHECKPOINT', `checkpoint line 2 (size) ${JSON.stringify(sizeLine)} is not a decimal without leading zeros`);
  const size = Number(sizeLine);
  if (!Number.isSafeInteger(size)) throw new TlogError('BAD_CHECKPOINT', `checkpoint size ${sizeLine} is beyond 2^53 - 1`);
  const root = Buffer.from(rootLine, 'base64');
  if (root.length !== HASH_SIZE || root.toString('base64') !== rootLine) throw new TlogError('BAD_CHECKPOINT', 'checkpoint line 3 (root) is not the base64 of a 32-byte hash');
  extensions.forEach((e, i) => {
    if (e.length === 0) throw new TlogError('BAD_CHECKPOINT', `checkpoint line ${i + 4} (extension) is empty`);
  });
  return { origin, size, root: new Uint8Array(root), extensions };
}

/** Signs a checkpoint with the log's key(s). */
export function signCheckpoint(c: Checkpoint, signers: readonly NoteSigner[]): string {
  return signNote(formatCheckpoint(c), signers);
}

/**
 * Opens a signed checkpoint: at least one trusted signature must verify (unknown keys are
 * ignored), the body must parse, and the origin must be the expected one — by default the
 * name of the first trusted key, since a log's key name matches its origin.
 */
export function openCheckpoint(note: string | Uint8Array, verifiers: readonly NoteVerifier[], origin: string | undefined = verifiers[0]?.name): OpenedCheckpoint {
  const opened = openNote(note, verifiers);
  const c = parseCheckpoint(opened.text);
  if (origin !== undefined && c.origin !== origin) throw new TlogError('WRONG_ORIGIN', `checkpoint origin ${JSON.stringify(c.origin)} is not ${JSON.stringify(origin)}`);
  const text = typeof note === 'string' ? note : Buffer.from(note).toString('utf8');
  return { ...c, note: text, verifiedBy: opened.verifiedBy };
}
