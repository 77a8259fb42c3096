import { sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deterministicKey } from '../../../../fixtures/verify/plugins/cert-builder.ts';
import { importPublicKey } from './algorithms.ts';
import { candidateAlgorithms, verifyPayloadSignature } from './payload-signature.ts';

const payload = new TextEncoder().encode('manifest');

describe('payload signature algorithms', () => {
  it('follow the key when not pinned', () => {
    const p384 = importPublicKey(deterministicKey('p384', 'a').spki, 'k');
    expect(candidateAlgorithms(p384)).toEqual([{ kind: 'ecdsa', hash: 'sha384' }]);
    const ed = importPublicKey(deterministicKey('ed25519', 'a').spki, 'k');
    expect(candidateAlgorithms(ed)).toEqual([{ kind: 'ed25519' }]);
  });

  it('refuse an unknown pinned name', () => {
    const p256 = importPublicKey(deterministicKey('p256', 'a').spki, 'k');
    expect(() => candidateAlgorithms(p256, 'ecdsa')).toThrow(
      'signatureAlgorithm: "ecdsa" is not one of rsa-pkcs1-sha256, rsa-pkcs1-sha384, rsa-pkcs1-sha512, rsa-pss-sha256, rsa-pss-sha384, rsa-pss-sha512, ecdsa-sha256, ecdsa-sha384, ecdsa-sha512, ed25519, ed448',
    );
  });

  it('verify ECDSA only in DER form, with the curve hash unless pinned otherwise', () => {
    const k = deterministicKey('p256', 'signer');
    const pub = importPublicKey(k.spki, 'k');
    expect(verifyPayloadSignature(pub, payload, sign('sha256', payload, k.privateKey))).toEqual({ algorithm: 'ECDSA with SHA-256' });
    expect(verifyPayloadSignature(pub, payload, sign('sha256', payload, { key: k.privateKey, dsaEncoding: 'ieee-p1363' }))).toBeNull();
    const sha384 = sign('sha384', payload, k.privateKey);
    expect(verifyPayloadSignature(pub, payload, sha384)).toBeNull();
    expect(verifyPayloadSignature(pub, payload, sha384, 'ecdsa-sha384')).toEqual({ algorithm: 'ECDSA with SHA-384' });
  });
});
