import { constants, generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deterministicKey } from '../../../../fixtures/verify/plugins/cert-builder.ts';
import { ctx, nul, oid, seq, uint } from '../../../../fixtures/verify/plugins/der-writer.ts';
import { importPublicKey, parseSignatureAlgorithm, verifySignature } from './algorithms.ts';
import { readSingle } from './der.ts';

const alg = (der: Uint8Array) => parseSignatureAlgorithm(readSingle(der, 'alg'), 'alg');
const SHA256 = seq(oid('2.16.840.1.101.3.4.2.1'), nul());
const SHA1 = seq(oid('1.3.14.3.2.26'), nul());
const pss = (hash: Uint8Array, mgfHash: Uint8Array, salt: number) =>
  seq(oid('1.2.840.113549.1.1.10'), seq(ctx(0, hash), ctx(1, seq(oid('1.2.840.113549.1.1.8'), mgfHash)), ctx(2, uint(salt))));

describe('signature algorithms', () => {
  it('reads the accepted algorithms', () => {
    expect(alg(seq(oid('1.2.840.113549.1.1.11'), nul()))).toEqual({ kind: 'rsa-pkcs1', hash: 'sha256' });
    expect(alg(seq(oid('1.2.840.10045.4.3.3')))).toEqual({ kind: 'ecdsa', hash: 'sha384' });
    expect(alg(seq(oid('1.3.101.112')))).toEqual({ kind: 'ed25519' });
    expect(alg(pss(SHA256, SHA256, 32))).toEqual({ kind: 'rsa-pss', hash: 'sha256', saltLength: 32 });
  });

  it('refuses SHA-1, PSS defaults and mismatched PSS hashes', () => {
    expect(() => alg(seq(oid('1.2.840.113549.1.1.5'), nul()))).toThrow('alg: sha1WithRSAEncryption is not allowed');
    expect(() => alg(seq(oid('1.2.840.113549.1.1.10'), seq()))).toThrow('alg: RSASSA-PSS must name its hash and MGF1 hash (the defaults are SHA-1)');
    expect(() => alg(pss(SHA256, SHA1, 32))).toThrow('alg: hash 1.3.14.3.2.26 is not allowed (SHA-256, SHA-384, SHA-512)');
    const SHA384 = seq(oid('2.16.840.1.101.3.4.2.2'), nul());
    expect(() => alg(pss(SHA256, SHA384, 32))).toThrow('alg: RSASSA-PSS hash sha256 differs from MGF1 hash sha384');
    expect(() => alg(seq(oid('1.2.3.4')))).toThrow('alg: unsupported signature algorithm 1.2.3.4');
  });
});

describe('public key policy', () => {
  it('accepts P-256, P-384, Ed25519 and RSA-2048', () => {
    expect(importPublicKey(deterministicKey('p256', 'k').spki, 'key').curve).toBe('P-256');
    expect(importPublicKey(deterministicKey('p384', 'k').spki, 'key').curve).toBe('P-384');
    expect(importPublicKey(deterministicKey('ed25519', 'k').spki, 'key').kind).toBe('ed25519');
  });

  it('refuses small RSA keys, other curves and explicit curve parameters', () => {
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'der' });
    expect(() => importPublicKey(small, 'key')).toThrow('key: RSA key of 1024 bits is below the minimum of 2048');
    const k1 = generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).publicKey.export({ type: 'spki', format: 'der' });
    expect(() => importPublicKey(k1, 'key')).toThrow('key: EC curve 1.3.132.0.10 is not allowed (P-256, P-384, P-521)');
    const explicit = seq(seq(oid('1.2.840.10045.2.1'), seq(uint(1))), Uint8Array.of(0x03, 0x02, 0x00, 0x04));
    expect(() => importPublicKey(explicit, 'key')).toThrow('key: EC key with explicit or missing curve parameters is not allowed');
  });
});

describe('verifySignature', () => {
  const data = new TextEncoder().encode('manifest bytes');
  it('verifies RSA-PSS with the stated salt and refuses a wrong key type', () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const key = importPublicKey(publicKey.export({ type: 'spki', format: 'der' }), 'key');
    const sig = sign('sha256', data, { key: privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });
    expect(verifySignature({ kind: 'rsa-pss', hash: 'sha256', saltLength: 32 }, key, data, sig)).toBe(true);
    expect(verifySignature({ kind: 'rsa-pss', hash: 'sha256', saltLength: 20 }, key, data, sig)).toBe(false);
    expect(verifySignature({ kind: 'rsa-pkcs1', hash: 'sha256' }, key, data, sig)).toBe(false);
    const ec = deterministicKey('p256', 'ec');
    expect(verifySignature({ kind: 'ecdsa', hash: 'sha256' }, key, data, ec.sign(data))).toBe(false);
    expect(verifySignature({ kind: 'ecdsa', hash: 'sha256' }, importPublicKey(ec.spki, 'k'), data, ec.sign(data))).toBe(true);
  });
});
