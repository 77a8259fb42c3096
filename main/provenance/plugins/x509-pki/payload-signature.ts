import { constants } from 'node:crypto';
import { describeAlgorithm, verifySignature } from './algorithms.ts';
import type { PublicKeyInfo, SignatureAlgorithm } from './algorithms.ts';
import { X509Error } from './x509-error.ts';

/** Names for `options.signatureAlgorithm`, pinning how the payload was signed. */
export const PAYLOAD_ALGORITHMS: Record<string, SignatureAlgorithm> = {
  'rsa-pkcs1-sha256': { kind: 'rsa-pkcs1', hash: 'sha256' },
  'rsa-pkcs1-sha384': { kind: 'rsa-pkcs1', hash: 'sha384' },
  'rsa-pkcs1-sha512': { kind: 'rsa-pkcs1', hash: 'sha512' },
  // The salt length is read from the signature (any length), as OpenSSL verifies by default.
  'rsa-pss-sha256': { kind: 'rsa-pss', hash: 'sha256', saltLength: constants.RSA_PSS_SALTLEN_AUTO },
  'rsa-pss-sha384': { kind: 'rsa-pss', hash: 'sha384', saltLength: constants.RSA_PSS_SALTLEN_AUTO },
  'rsa-pss-sha512': { kind: 'rsa-pss', hash: 'sha512', saltLength: constants.RSA_PSS_SALTLEN_AUTO },
  'ecdsa-sha256': { kind: 'ecdsa', hash: 'sha256' },
  'ecdsa-sha384': { kind: 'ecdsa', hash: 'sha384' },
  'ecdsa-sha512': { kind: 'ecdsa', hash: 'sha512' },
  ed25519: { kind: 'ed25519' },
  ed448: { kind: 'ed448' },
};

/**
 * The algorithms a payload signature by `key` may use. Pinned by name, exactly that one
 * (it must suit the key). Otherwise the key decides: the ECDSA hash follows the curve
 * (P-256/SHA-256, P-384/SHA-384, P-521/SHA-512) and an RSA key may have signed with
 * PKCS#1 v1.5 or PSS over SHA-256 (the pack format allows both and does not say which).
 */
export function candidateAlgorithms(key: PublicKeyInfo, pinned?: string): SignatureAlgorithm[] {
  if (pinned !== undefined) {
    const alg = PAYLOAD_ALGORITHMS[pinned];
    if (!alg) throw new X509Error('BAD_INPUT', `signatureAlgorithm: ${JSON.stringify(pinned)} is not one of ${Object.keys(PAYLOAD_ALGORITHMS).join(', ')}`);
    const fits =
      (alg.kind === 'rsa-pkcs1' && key.kind === 'rsa') ||
      (alg.kind === 'rsa-pss' && (key.kind === 'rsa' || key.kind === 'rsa-pss')) ||
      (alg.kind === 'ecdsa' && key.kind === 'ec') ||
      alg.kind === key.kind;
    if (!fits) throw new X509Error('SIGNATURE', `signatureAlgorithm ${pinned} does not suit the leaf's ${key.kind} key`);
    return [alg];
  }
  switch (key.kind) {
    case 'rsa':
      return [PAYLOAD_ALGORITHMS['rsa-pkcs1-sha256']!, PAYLOAD_ALGORITHMS['rsa-pss-sha256']!];
    case 'rsa-pss':
      return [PAYLOAD_ALGORITHMS['rsa-pss-sha256']!];
    case 'ec':
      return [PAYLOAD_ALGORITHMS[key.curve === 'P-384' ? 'ecdsa-sha384' : key.curve === 'P-521' ? 'ecdsa-sha512' : 'ecdsa-sha256']!];
    case 'ed25519':
    case 'ed448':
      return [{ kind: key.kind }];
  }
}

/** Verifies a detached signature over `payload`; returns the algorithm that verified, or null. */
export function verifyPayloadSignature(key: PublicKeyInfo, payload: Uint8Array, signature: Uint8Array, pinned?: string): { algorithm: string } | null {
  for (const alg of candidateAlgorithms(key, pinned)) {
    if (verifySignature(alg, key, payload, signature)) return { algorithm: describeAlgorithm(alg) };
  }
  return null;
}
