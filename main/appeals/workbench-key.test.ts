import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WorkbenchError } from '../../shared/api/errors.ts';
import { WORKBENCH_KEY_PATH, ed25519PublicKeyFromRaw, keyIdOf, loadOrCreateWorkbenchKey, verifyEd25519 } from './workbench-key.ts';

const dirs: string[] = [];
const temp = () => {
  const d = mkdtempSync(join(tmpdir(), 'wb-key-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('workbench key', () => {
  it('is created once at <dataDir>/keys/workbench-ed25519.pem, private to the user, and read back unchanged', () => {
    const dir = temp();
    const first = loadOrCreateWorkbenchKey(dir);
    expect(first.created).toBe(true);
    expect(first.path).toBe(join(dir, 'keys', 'workbench-ed25519.pem'));
    expect(WORKBENCH_KEY_PATH).toBe(join('keys', 'workbench-ed25519.pem'));
    expect(statSync(first.path).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'keys')).mode & 0o777).toBe(0o700);
    expect(readFileSync(first.path, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    const again = loadOrCreateWorkbenchKey(dir);
    expect(again.created).toBe(false);
    expect(again.keyId).toBe(first.keyId);
    expect(again.keyId).toBe(keyIdOf(first.publicKeyRaw));
    expect(again.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
  });

  it('signs so that the raw public key verifies', () => {
    const key = loadOrCreateWorkbenchKey(temp());
    const sig = key.sign(Buffer.from('decision'));
    expect(sig).toHaveLength(64);
    const pub = ed25519PublicKeyFromRaw(key.publicKeyRaw);
    expect(verifyEd25519(pub, Buffer.from('decision'), sig)).toBe(true);
    expect(verifyEd25519(pub, Buffer.from('decisioN'), sig)).toBe(false);
    expect(verifyEd25519(pub, Buffer.from('decision'), Buffer.alloc(3))).toBe(false);
  });

  it('refuses a file that is not an Ed25519 private key, naming the file', () => {
    const dir = temp();
    mkdirSync(join(dir, 'keys'));
    const file = join(dir, WORKBENCH_KEY_PATH);
    writeFileSync(file, 'not a key');
    const garbage = (() => {
      try {
        loadOrCreateWorkbenchKey(dir);
      } catch (e) {
        return e;
      }
    })() as WorkbenchError;
    expect(garbage).toBeInstanceOf(WorkbenchError);
    expect(garbage.code).toBe('BAD_INPUT');
    expect(garbage.message.startsWith(`${file}: not a readable private key`)).toBe(true);
    writeFileSync(file, generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
    expect(() => loadOrCreateWorkbenchKey(dir)).toThrow(`${file}: expected an Ed25519 key, found ec`);
  });
});
