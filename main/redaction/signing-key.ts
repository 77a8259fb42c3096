import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { redactionError } from './redaction-error.ts';

/**
 * The workbench's Ed25519 key, which signs erasure certificates. Same file and format as the
 * appeals capability's key (`<dataDir>/keys/workbench-ed25519.pem`, PKCS#8 PEM, 0600), so
 * the workbench has one signing identity; kept local to redaction until a shared key module
 * exists. `keyId` is the SHA-256 hex of the raw 32-byte public key.
 */
export const SIGNING_KEY_PATH = join('keys', 'workbench-ed25519.pem');

export interface SigningKey {
  readonly keyId: string;
  readonly publicKeyRaw: Buffer;
  sign(data: Uint8Array): Buffer;
}

const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export function publicKeyFromRaw(raw: Uint8Array): KeyObject {
  if (raw.length !== 32) throw redactionError('BAD_INPUT', 'publicKey', `an Ed25519 public key is 32 bytes, got ${raw.length}`);
  return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
}

export function keyIdOf(publicKeyRaw: Uint8Array): string {
  return createHash('sha256').update(publicKeyRaw).digest('hex');
}

/** Never throws: a malformed key or signature is simply not valid. */
export function verifyEd25519(publicKeyRaw: Uint8Array, data: Uint8Array, signature: Uint8Array): boolean {
  try {
    return verify(null, data, publicKeyFromRaw(publicKeyRaw), signature);
  } catch {
    return false;
  }
}

function fromPem(pem: string, where: string): SigningKey {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: 'pem' });
  } catch (e) {
    throw redactionError('UNAVAILABLE', where, `not a readable private key (${(e as Error).message})`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw redactionError('UNAVAILABLE', where, `expected an Ed25519 key, found ${key.asymmetricKeyType ?? 'unknown'}`);
  const der = createPublicKey(key).export({ type: 'spki', format: 'der' });
  const publicKeyRaw = Buffer.from(der.subarray(der.length - 32));
  return { keyId: keyIdOf(publicKeyRaw), publicKeyRaw, sign: (data) => sign(null, data, key) };
}

/** Reads the key, creating it on first use; two processes racing end up with the same key. */
export function loadOrCreateSigningKey(dataDir: string): SigningKey {
  const path = join(dataDir, SIGNING_KEY_PATH);
  if (existsSync(path)) return fromPem(readFileSync(path, 'utf8'), path);
  mkdirSync(join(dataDir, 'keys'), { recursive: true, mode: 0o700 });
  const pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, pem, { mode: 0o600 });
  try {
    linkSync(temp, path);
    chmodSync(path, 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  } finally {
    unlinkSync(temp);
  }
  return fromPem(readFileSync(path, 'utf8'), path);
}
