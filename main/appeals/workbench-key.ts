import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WorkbenchError } from '../../shared/api/errors.ts';

/** Where the workbench keeps its signing key, relative to the data folder. */
export const WORKBENCH_KEY_PATH = join('keys', 'workbench-ed25519.pem');

/**
 * The workbench's Ed25519 signing key: the identity that signs what it attests (appeal
 * decisions; other capabilities may reuse it). `keyId` is the SHA-256 hex of the raw
 * 32-byte public key, so anyone holding the public key can recompute it.
 */
export interface WorkbenchKey {
  readonly keyId: string;
  /** Raw 32-byte public key. */
  readonly publicKeyRaw: Buffer;
  /** SPKI PEM of the public key, for publishing. */
  readonly publicKeyPem: string;
  readonly publicKey: KeyObject;
  sign(data: Uint8Array): Buffer;
}

const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** The raw 32 bytes of an Ed25519 public key object. */
export function rawEd25519PublicKey(key: KeyObject): Buffer {
  const der = key.export({ type: 'spki', format: 'der' });
  return Buffer.from(der.subarray(der.length - 32));
}

/** A public key object from its raw 32 bytes. */
export function ed25519PublicKeyFromRaw(raw: Uint8Array): KeyObject {
  if (raw.length !== 32) throw new WorkbenchError('BAD_INPUT', `an Ed25519 public key is 32 bytes, got ${raw.length}`);
  return createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
}

export function keyIdOf(publicKeyRaw: Uint8Array): string {
  return createHash('sha256').update(publicKeyRaw).digest('hex');
}

/** Ed25519 verification that never throws: a malformed key or signature is simply false. */
export function verifyEd25519(publicKey: KeyObject, data: Uint8Array, signature: Uint8Array): boolean {
  try {
    return verify(null, data, publicKey, signature);
  } catch {
    return false;
  }
}

/** A WorkbenchKey from a PKCS#8 PEM; anything but an Ed25519 private key is BAD_INPUT naming `where`. */
export function workbenchKeyFromPem(pem: string, where: string): WorkbenchKey {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: pem, format: 'pem' });
  } catch (e) {
    throw new WorkbenchError('BAD_INPUT', `${where}: not a readable private key (${(e as Error).message})`, { file: where });
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new WorkbenchError('BAD_INPUT', `${where}: expected an Ed25519 key, found ${privateKey.asymmetricKeyType ?? 'unknown'}`, { file: where });
  }
  const publicKey = createPublicKey(privateKey);
  const publicKeyRaw = rawEd25519PublicKey(publicKey);
  return {
    keyId: keyIdOf(publicKeyRaw),
    publicKeyRaw,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    publicKey,
    sign: (data) => sign(null, data, privateKey),
  };
}

/**
 * Reads `<dataDir>/keys/workbench-ed25519.pem`, creating it (mode 0600, folder 0700) when it
 * does not exist. Two processes starting at once end up with the same key: the new key is
 * linked into place only if no file is there yet, otherwise the existing one is read.
 */
export function loadOrCreateWorkbenchKey(dataDir: string): WorkbenchKey & { path: string; created: boolean } {
  const path = join(dataDir, WORKBENCH_KEY_PATH);
  if (existsSync(path)) return { ...workbenchKeyFromPem(readFileSync(path, 'utf8'), path), path, created: false };
  const dir = join(dataDir, 'keys');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const { privateKey } = generateKeyPairSync('ed25519');
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const temp = `${path}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(temp, pem, { mode: 0o600, flag: 'wx' });
  let created = true;
  try {
    linkSync(temp, path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    created = false;
  } finally {
    unlinkSync(temp);
  }
  if (created) chmodSync(path, 0o600);
  return { ...workbenchKeyFromPem(readFileSync(path, 'utf8'), path), path, created };
}
