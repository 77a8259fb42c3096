import { createPrivateKey, createPublicKey, hash, randomBytes } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { TlogError } from './tlog-error.ts';

/** Signature type byte of Ed25519 note signatures (c2sp.org/signed-note). */
export const ED25519_TYPE = 0x01;

// DER wrappers that turn a raw 32-byte Ed25519 seed / public key into a Node KeyObject.
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const SIGNER_PREFIX = 'PRIVATE+KEY+';

export interface NoteVerifier {
  name: string;
  /** uint32 key ID: SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key)[:4], big-endian. */
  keyId: number;
  publicKey: Uint8Array;
  key: KeyObject;
}

export interface NoteSigner extends NoteVerifier {
  privateKey: KeyObject;
}

/** Key names are non-empty and hold no Unicode space and no '+'. */
export function checkKeyName(name: string, what = 'key name'): void {
  if (name.length === 0 || /[\s+]/u.test(name)) throw new TlogError('BAD_KEY', `${what} ${JSON.stringify(name)} must be non-empty, without spaces or '+'`);
}

/** The key ID of an Ed25519 note key. */
export function ed25519KeyId(name: string, publicKey: Uint8Array): number {
  const digest = hash('sha256', Buffer.concat([Buffer.from(name, 'utf8'), Buffer.of(0x0a, ED25519_TYPE), publicKey]), 'buffer');
  return digest.readUInt32BE(0);
}

function strictBase64(s: string, what: string): Buffer {
  const b = Buffer.from(s, 'base64');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || b.toString('base64') !== s) throw new TlogError('BAD_KEY', `${what} is not canonical base64`);
  return b;
}

function hex8(n: number): string {
  return n.toString(16).padStart(8, '0');
}

/** Splits `a+b+rest` on the first two '+' only: base64 may itself contain '+'. */
function splitKey(s: string, what: string): [string, string, string] {
  const i = s.indexOf('+');
  const j = i < 0 ? -1 : s.indexOf('+', i + 1);
  if (i < 0 || j < 0) throw new TlogError('BAD_KEY', `${what} must be <name>+<key id>+<key>`);
  return [s.slice(0, i), s.slice(i + 1, j), s.slice(j + 1)];
}

function publicKeyObject(raw: Uint8Array): KeyObject {
  return createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, raw]), format: 'der', type: 'spki' });
}

/** Parses a verifier key `<name>+<hex key id>+<base64(0x01 ‖ public key)>`; BAD_KEY names what is wrong. */
export function parseVerifierKey(vkey: string): NoteVerifier {
  const [name, idHex, b64] = splitKey(vkey.trim(), 'verifier key');
  checkKeyName(name);
  if (!/^[0-9a-f]{8}$/.test(idHex)) throw new TlogError('BAD_KEY', `verifier key ${name}: key ID ${JSON.stringify(idHex)} is not 8 lower-case hex digits`);
  const raw = strictBase64(b64, `verifier key ${name}`);
  if (raw.length !== 33 || raw[0] !== ED25519_TYPE) throw new TlogError('BAD_KEY', `verifier key ${name}: not an Ed25519 key (type 0x01 and 32 bytes)`);
  const publicKey = raw.subarray(1);
  const keyId = ed25519KeyId(name, publicKey);
  if (hex8(keyId) !== idHex) throw new TlogError('BAD_KEY', `verifier key ${name}: key ID ${idHex} does not match the key (${hex8(keyId)})`);
  return { name, keyId, publicKey, key: publicKeyObject(publicKey) };
}

/** Parses a signer key `PRIVATE+KEY+<name>+<hex key id>+<base64(0x01 ‖ seed)>` (the Go note format). */
export function parseSignerKey(skey: string): NoteSigner {
  const s = skey.trim();
  if (!s.startsWith(SIGNER_PREFIX)) throw new TlogError('BAD_KEY', `signer key must start with ${SIGNER_PREFIX}`);
  const [name, idHex, b64] = splitKey(s.slice(SIGNER_PREFIX.length), 'signer key');
  checkKeyName(name);
  const raw = strictBase64(b64, `signer key ${name}`);
  if (raw.length !== 33 || raw[0] !== ED25519_TYPE) throw new TlogError('BAD_KEY', `signer key ${name}: not an Ed25519 key (type 0x01 and a 32-byte seed)`);
  const signer = signerFromSeed(name, raw.subarray(1));
  if (hex8(signer.keyId) !== idHex) throw new TlogError('BAD_KEY', `signer key ${name}: key ID ${idHex} does not match the key (${hex8(signer.keyId)})`);
  return signer;
}

/** A signer from a 32-byte Ed25519 seed (RFC 8032 private key). */
export function signerFromSeed(name: string, seed: Uint8Array): NoteSigner {
  checkKeyName(name);
  if (seed.length !== 32) throw new TlogError('BAD_KEY', `an Ed25519 seed is 32 bytes, got ${seed.length}`);
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  const key = createPublicKey(privateKey);
  const publicKey = key.export({ format: 'der', type: 'spki' }).subarray(SPKI_ED25519_PREFIX.length);
  return { name, keyId: ed25519KeyId(name, publicKey), publicKey, key, privateKey };
}

/** The verifier key string of a key. */
export function formatVerifierKey(k: Pick<NoteVerifier, 'name' | 'keyId' | 'publicKey'>): string {
  return `${k.name}+${hex8(k.keyId)}+${Buffer.concat([Buffer.of(ED25519_TYPE), k.publicKey]).toString('base64')}`;
}

/** The signer key string of a seed (keep it secret: it is the private key). */
export function formatSignerKey(name: string, seed: Uint8Array): string {
  const s = signerFromSeed(name, seed);
  return `${SIGNER_PREFIX}${name}+${hex8(s.keyId)}+${Buffer.concat([Buffer.of(ED25519_TYPE), seed]).toString('base64')}`;
}

/** A key pair as strings: the signer key (secret) and the verifier key (public); a fresh random seed unless given. */
export function generateNoteKey(name: string, seed: Uint8Array = randomBytes(32)): { signerKey: string; verifierKey: string } {
  const signer = signerFromSeed(name, seed);
  return { signerKey: formatSignerKey(name, seed), verifierKey: formatVerifierKey(signer) };
}
