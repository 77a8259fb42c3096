import { sign, verify } from 'node:crypto';
import type { NoteSigner, NoteVerifier } from './note-keys.ts';
import { TlogError } from './tlog-error.ts';

const SIG_PREFIX = '\u2014 '; // em dash, space
/** More than any witness setup needs (the spec asks for at least 16), few enough to bound work. */
export const MAX_NOTE_SIGNATURES = 64;
export const MAX_NOTE_BYTES = 1 << 20;

export interface NoteSignature {
  name: string;
  keyId: number;
  /** The signature bytes after the 4-byte key ID. */
  signature: Uint8Array;
}

export interface OpenedNote {
  /** The signed text, ending in a newline. */
  text: string;
  /** Names of the trusted keys whose signatures verified. */
  verifiedBy: string[];
  /** How many signatures came from keys the verifier does not know (ignored, as the spec demands). */
  unknownSignatures: number;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

function checkText(text: string, what: string): void {
  // Signed notes carry no control characters other than newline.
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x0a) || c === 0x7f) throw new TlogError('BAD_NOTE', `${what} holds control character 0x${c.toString(16).padStart(2, '0')} at offset ${i}`);
  }
}

/** Signs `text` (which must end in a newline) with each signer: text, blank line, one line per signature. */
export function signNote(text: string, signers: readonly NoteSigner[]): string {
  if (!text.endsWith('\n')) throw new TlogError('BAD_INPUT', 'note text must end with a newline');
  checkText(text, 'note text');
  if (signers.length === 0) throw new TlogError('BAD_INPUT', 'a note needs at least one signer');
  const msg = Buffer.from(text, 'utf8');
  const lines = signers.map((s) => {
    const sig = sign(null, msg, s.privateKey);
    const id = Buffer.alloc(4);
    id.writeUInt32BE(s.keyId);
    return `${SIG_PREFIX}${s.name} ${Buffer.concat([id, sig]).toString('base64')}\n`;
  });
  return `${text}\n${lines.join('')}`;
}

/** Splits a signed note into its text and signature lines without verifying anything; BAD_NOTE when malformed. */
export function parseNote(note: string | Uint8Array): { text: string; signatures: NoteSignature[] } {
  let s: string;
  if (typeof note === 'string') s = note;
  else {
    if (note.length > MAX_NOTE_BYTES) throw new TlogError('BAD_NOTE', `note is ${note.length} bytes, over the ${MAX_NOTE_BYTES}-byte limit`);
    try {
      s = decoder.decode(note);
    } catch {
      throw new TlogError('BAD_NOTE', 'note is not valid UTF-8');
    }
  }
  if (s.length > MAX_NOTE_BYTES) throw new TlogError('BAD_NOTE', `note is over the ${MAX_NOTE_BYTES}-byte limit`);
  checkText(s, 'note');
  if (!s.endsWith('\n')) throw new TlogError('BAD_NOTE', 'note does not end with a newline');
  // The text ends at the last blank line; everything after it is signatures.
  const split = s.lastIndexOf('\n\n');
  if (split < 0) throw new TlogError('BAD_NOTE', 'note has no blank line before its signatures');
  const text = s.slice(0, split + 1);
  const sigLines = s.slice(split + 2, -1).split('\n');
  if (sigLines.length > MAX_NOTE_SIGNATURES) throw new TlogError('BAD_NOTE', `note has ${sigLines.length} signatures, over the limit of ${MAX_NOTE_SIGNATURES}`);
  const signatures = sigLines.map((line, i) => {
    const m = /^\u2014 ([^\s+]+) ([A-Za-z0-9+/]+={0,2})$/u.exec(line);
    if (!m) throw new TlogError('BAD_NOTE', `signature line ${i + 1} is not "— <name> <base64>"`);
    const raw = Buffer.from(m[2]!, 'base64');
    if (raw.toString('base64') !== m[2] || raw.length < 5) throw new TlogError('BAD_NOTE', `signature line ${i + 1}: not canonical base64 of a key ID and a signature`);
    return { name: m[1]!, keyId: raw.readUInt32BE(0), signature: raw.subarray(4) };
  });
  return { text, signatures };
}

/**
 * Opens a signed note with a set of trusted keys. Signatures by unknown keys (name or key
 * ID differing) are ignored; a known key's signature that fails to verify rejects the
 * whole note (BAD_SIGNATURE); with no verified trusted signature the note is UNTRUSTED.
 */
export function openNote(note: string | Uint8Array, verifiers: readonly NoteVerifier[]): OpenedNote {
  const { text, signatures } = parseNote(note);
  const msg = Buffer.from(text, 'utf8');
  const verifiedBy: string[] = [];
  let unknownSignatures = 0;
  for (const sig of signatures) {
    const v = verifiers.find((k) => k.name === sig.name && k.keyId === sig.keyId);
    if (!v) {
      unknownSignatures++;
      continue;
    }
    let ok = false;
    try {
      ok = sig.signature.length === 64 && verify(null, msg, v.key, sig.signature);
    } catch {
      ok = false;
    }
    if (!ok) throw new TlogError('BAD_SIGNATURE', `signature by ${sig.name}+${sig.keyId.toString(16).padStart(8, '0')} does not verify`);
    if (!verifiedBy.includes(v.name)) verifiedBy.push(v.name);
  }
  if (verifiedBy.length === 0) {
    const known = verifiers.map((v) => v.name).join(', ') || '(none)';
    throw new TlogError('UNTRUSTED', `no signature by a trusted key (trusted: ${known}; ${unknownSignatures} signature(s) by unknown keys)`);
  }
  return { text, verifiedBy, unknownSignatures };
}
