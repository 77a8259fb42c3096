import { createHash, timingSafeEqual, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import type { MessageSignature } from '@sigstore/bundle';
import { HashAlgorithm } from '@sigstore/protobuf-specs';
import type { SignedEntity } from '@sigstore/verify';
import type { ArtifactInput } from './artifact-input.ts';
import { CosignError } from './cosign-error.ts';
import { verifyEcdsaPrehashed } from './prehash-ecdsa.ts';

type SignatureContent = SignedEntity['signature'];

/** Node hash names for the bundle's HashAlgorithm (unspecified means SHA-256, as upstream). */
const HASHES: Record<number, string> = {
  [HashAlgorithm.HASH_ALGORITHM_UNSPECIFIED]: 'sha256',
  [HashAlgorithm.SHA2_256]: 'sha256',
  [HashAlgorithm.SHA2_384]: 'sha384',
  [HashAlgorithm.SHA2_512]: 'sha512',
  [HashAlgorithm.SHA3_256]: 'sha3-256',
  [HashAlgorithm.SHA3_384]: 'sha3-384',
};

export function messageHashName(ms: MessageSignature): string {
  const name = HASHES[ms.messageDigest.algorithm];
  if (!name) throw new CosignError('UNSUPPORTED', `messageDigest algorithm ${String(ms.messageDigest.algorithm)} is not supported`);
  return name;
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The bundle's messageDigest must be the artifact's digest. It is an unauthenticated
 * hint, but a bundle that names other bytes is not a bundle about this artifact.
 */
export function checkMessageDigest(ms: MessageSignature, artifact: ArtifactInput): void {
  const hash = messageHashName(ms);
  const claimed = ms.messageDigest.digest;
  if (artifact.kind === 'digest') {
    if (hash !== 'sha256') throw new CosignError('UNSUPPORTED', `the bundle signs a ${hash} digest; a sha256: artifact digest cannot be checked against it`);
    if (!equal(claimed, artifact.sha256)) throw new CosignError('ARTIFACT_MISMATCH', "the bundle's messageDigest is not the given sha256 digest");
    return;
  }
  if (!equal(claimed, createHash(hash).update(artifact.bytes).digest())) {
    throw new CosignError('ARTIFACT_MISMATCH', `the bundle's messageDigest is not the artifact's ${hash} digest`);
  }
}

/**
 * The signature content the library verifies for a message signature. Over bytes it
 * differs from upstream only for EdDSA keys (which take no separate hash); over a digest
 * it checks ECDSA on the prehash, which Node's crypto cannot.
 */
export function messageSignatureContent(ms: MessageSignature, artifact: ArtifactInput): SignatureContent {
  const hash = messageHashName(ms);
  const signature = Buffer.from(ms.signature);
  const messageDigest = Buffer.from(ms.messageDigest.digest);
  return {
    signature,
    compareSignature: (other: Buffer) => equal(other, signature),
    compareDigest: (digest: Buffer) => equal(digest, messageDigest),
    // The signed bytes are the artifact itself, so its digest is the message digest.
    compareSignedDigest: (digest: Buffer) => equal(digest, messageDigest),
    verifySignature: (key: KeyObject) => {
      if (artifact.kind === 'digest') return verifyEcdsaPrehashed(key, artifact.sha256, signature);
      const eddsa = key.asymmetricKeyType === 'ed25519' || key.asymmetricKeyType === 'ed448';
      try {
        return cryptoVerify(eddsa ? null : hash, artifact.bytes, key, signature);
      } catch {
        return false;
      }
    },
  };
}
