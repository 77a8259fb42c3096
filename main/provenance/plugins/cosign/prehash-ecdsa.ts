import type { KeyObject } from 'node:crypto';
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { CosignError } from './cosign-error.ts';

const CURVES = { prime256v1: p256, secp384r1: p384, secp521r1: p521 } as const;

/** The uncompressed SEC1 point of an EC public key (what the pure-JS verifier takes). */
function sec1Point(key: KeyObject): Uint8Array {
  const jwk = key.export({ format: 'jwk' });
  if (!jwk.x || !jwk.y) throw new CosignError('UNSUPPORTED', 'the EC public key has no x/y coordinates');
  return Buffer.concat([Buffer.from([0x04]), Buffer.from(jwk.x, 'base64url'), Buffer.from(jwk.y, 'base64url')]);
}

/**
 * Verifies an ASN.1 DER ECDSA signature over an already computed digest. Node's crypto
 * always hashes the message itself, so a digest-only check needs a pure-JS ECDSA.
 * High-S signatures are accepted because OpenSSL-based signers (Go, cosign) emit them.
 * Throws UNSUPPORTED for a non-ECDSA key: Ed25519 and RSA cannot be checked from a digest here.
 */
export function verifyEcdsaPrehashed(key: KeyObject, digest: Uint8Array, derSignature: Uint8Array): boolean {
  if (key.asymmetricKeyType !== 'ec') {
    throw new CosignError('UNSUPPORTED', `digest-only verification needs an ECDSA key; this key is ${key.asymmetricKeyType ?? 'unknown'}`);
  }
  const curveName = key.asymmetricKeyDetails?.namedCurve ?? '';
  const curve = (CURVES as Record<string, typeof p256 | undefined>)[curveName];
  if (!curve) throw new CosignError('UNSUPPORTED', `digest-only verification does not support EC curve ${curveName || 'unknown'}`);
  try {
    return curve.verify(derSignature, digest, sec1Point(key), { prehash: false, lowS: false, format: 'der' });
  } catch {
    // A malformed signature is simply not a valid one.
    return false;
  }
}
