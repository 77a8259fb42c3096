import { createHash, generateKeyPairSync, sign, verify } from 'node:crypto';
import { p256 } from '@noble/curves/nist.js';
import { describe, expect, it } from 'vitest';
import { verifyEcdsaPrehashed } from './prehash-ecdsa.ts';

const message = Buffer.from('compliance workbench');

describe('ECDSA over a prehashed digest', () => {
  it.each([
    ['prime256v1', 'sha256'],
    ['secp384r1', 'sha384'],
    ['secp521r1', 'sha512'],
    ['secp384r1', 'sha256'],
  ])('verifies a Node signature on %s/%s from the digest alone', (namedCurve, hash) => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve });
    const sig = sign(hash, message, privateKey);
    const digest = createHash(hash).update(message).digest();
    expect(verifyEcdsaPrehashed(publicKey, digest, sig)).toBe(true);
    const other = createHash(hash).update('other').digest();
    expect(verifyEcdsaPrehashed(publicKey, other, sig)).toBe(false);
  });

  it('accepts a high-S signature, as OpenSSL does', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const der = sign('sha256', message, privateKey);
    const s = p256.Signature.fromBytes(der, 'der');
    const n = p256.Point.Fn.ORDER;
    const flipped = new p256.Signature(s.r, n - s.s);
    const high = flipped.hasHighS() ? flipped : s;
    expect(high.hasHighS()).toBe(true);
    const highDer = Buffer.from(high.toBytes('der'));
    expect(verify('sha256', message, publicKey, highDer)).toBe(true);
    expect(verifyEcdsaPrehashed(publicKey, createHash('sha256').update(message).digest(), highDer)).toBe(true);
  });

  it('reads a malformed signature as invalid, not as an exception', () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    expect(verifyEcdsaPrehashed(publicKey, Buffer.alloc(32), Buffer.from('3003020101', 'hex'))).toBe(false);
    expect(verifyEcdsaPrehashed(publicKey, Buffer.alloc(32), Buffer.alloc(0))).toBe(false);
  });

  it('refuses keys it cannot check from a digest, naming the key type', () => {
    const ed = generateKeyPairSync('ed25519').publicKey;
    expect(() => verifyEcdsaPrehashed(ed, Buffer.alloc(32), Buffer.alloc(64))).toThrow('digest-only verification needs an ECDSA key; this key is ed25519');
    const k1 = generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).publicKey;
    expect(() => verifyEcdsaPrehashed(k1, Buffer.alloc(32), Buffer.alloc(64))).toThrow('digest-only verification does not support EC curve secp256k1');
  });
});
