import { constants as cryptoConstants, createHash, createPrivateKey, createPublicKey, sign as cryptoSign, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import canonicalize from 'canonicalize';
import { WorkbenchError } from '../../../shared/api/errors.ts';
import { Manifest, PACK_FORMAT, PACK_FORMAT_VERSION, type ManifestFile } from '../../../shared/domain/provenance.ts';
import { comparePaths } from './file-leaf.ts';
import { filesMerkleRoot } from './pack-merkle.ts';
import { ATTESTATION_FILES } from './pack-layout.ts';

/** A PEM private key as a key object; anything unreadable is BAD_INPUT. */
export function readSigningKey(pem: string): KeyObject {
  try {
    return createPrivateKey(pem);
  } catch (e) {
    throw new WorkbenchError('BAD_INPUT', `the signing key is not a readable PEM private key: ${(e as Error).message}`);
  }
}

/** SHA-256 of the key's SubjectPublicKeyInfo DER, hex: the manifest's keyFingerprint (and the DSSE keyid). */
export function spkiFingerprint(key: KeyObject): string {
  const pub = key.type === 'public' ? key : createPublicKey(key);
  return createHash('sha256').update(pub.export({ type: 'spki', format: 'der' })).digest('hex');
}

/** Signs bytes the way the verifiers expect for the key's type (see docs/pack-format.md). */
export function signPayload(key: KeyObject, payload: Buffer, rsaPss = false): Buffer {
  switch (key.asymmetricKeyType) {
    case 'ed25519':
      return cryptoSign(null, payload, key);
    case 'ec': {
      const curve = key.asymmetricKeyDetails?.namedCurve;
      const hash = curve === 'secp384r1' ? 'sha384' : curve === 'prime256v1' ? 'sha256' : undefined;
      if (!hash) throw new WorkbenchError('BAD_INPUT', `unsupported EC curve ${curve ?? '?'}: use P-256 or P-384`);
      return cryptoSign(hash, payload, key);
    }
    case 'rsa':
      return rsaPss
        ? cryptoSign('sha256', payload, { key, padding: cryptoConstants.RSA_PKCS1_PSS_PADDING, saltLength: 32 })
        : cryptoSign('sha256', payload, key);
    case 'rsa-pss':
      return cryptoSign('sha256', payload, { key, padding: cryptoConstants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });
    default:
      throw new WorkbenchError('BAD_INPUT', `unsupported key type ${key.asymmetricKeyType ?? '?'}`);
  }
}

/** The counterpart of signPayload (either RSA padding): true when `signature` is the key's over `data`; never throws. */
export function verifyPayloadSignature(publicKey: KeyObject, data: Buffer, signature: Buffer): boolean {
  const pss = { key: publicKey, padding: cryptoConstants.RSA_PKCS1_PSS_PADDING, saltLength: 32 };
  try {
    switch (publicKey.asymmetricKeyType) {
      case 'ed25519':
        return cryptoVerify(null, data, publicKey, signature);
      case 'ec': {
        const curve = publicKey.asymmetricKeyDetails?.namedCurve;
        const hash = curve === 'secp384r1' ? 'sha384' : curve === 'prime256v1' ? 'sha256' : undefined;
        return hash !== undefined && cryptoVerify(hash, data, publicKey, signature);
      }
      case 'rsa':
        return cryptoVerify('sha256', data, publicKey, signature) || cryptoVerify('sha256', data, pss, signature);
      case 'rsa-pss':
        return cryptoVerify('sha256', data, pss, signature);
      default:
        return false;
    }
  } catch {
    return false;
  }
}

/** A Sigstore v0.3 bundle for a plain-key message signature (no log entry): what `cosign sign-blob --key` carries. */
export function keySigstoreBundle(payload: Buffer, signature: Buffer, keyFingerprint: string, digest: 'sha256' | 'sha384' = 'sha256'): Record<string, unknown> {
  return {
    mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
    verificationMaterial: { publicKey: { hint: keyFingerprint }, tlogEntries: [], timestampVerificationData: { rfc3161Timestamps: [] } },
    messageSignature: {
      // The declared digest must be the hash the signature was made with (SHA-384 for P-384 keys).
      messageDigest: { algorithm: digest === 'sha384' ? 'SHA2_384' : 'SHA2_256', digest: createHash(digest).update(payload).digest('base64') },
      signature: signature.toString('base64'),
    },
  };
}

/** The manifest (pack format 1.2) of already-hashed files, and its canonical bytes: what gets signed. */
export function buildManifest(files: readonly ManifestFile[], signer: Manifest['signer'], createdAt: Date): { manifest: Manifest; manifestBytes: Buffer } {
  const sorted = [...files].sort((a, b) => comparePaths(a.path, b.path));
  const manifest: Manifest = Manifest.parse({
    format: PACK_FORMAT,
    formatVersion: PACK_FORMAT_VERSION,
    createdAt: createdAt.toISOString(),
    signer,
    merkle: { algorithm: 'rfc6962-sha256', leaf: 'path\\nsize\\nsha256', size: sorted.length, root: filesMerkleRoot(sorted) },
    files: sorted,
  });
  return { manifest, manifestBytes: Buffer.from(canonicalize(manifest)!, 'utf8') };
}

/** The signer entry of a plain-key pack. */
export function keySigner(key: KeyObject): Manifest['signer'] {
  const fp = spkiFingerprint(key);
  return { kind: 'key', subject: `sha256:${fp}`, keyFingerprint: fp };
}

/** attestations/sigstore-bundle.json of a plain-key pack: the bundle over the manifest bytes, as the file holds it. */
export function keySigstoreBundleFile(key: KeyObject, manifestBytes: Buffer): { name: string; bytes: Buffer } {
  const p384 = key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'secp384r1';
  const bundle = keySigstoreBundle(manifestBytes, signPayload(key, manifestBytes), spkiFingerprint(key), p384 ? 'sha384' : 'sha256');
  return { name: ATTESTATION_FILES.sigstoreBundle, bytes: Buffer.from(JSON.stringify(bundle, null, 2) + '\n', 'utf8') };
}
