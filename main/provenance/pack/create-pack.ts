import { createHash, createPublicKey, sign as cryptoSign, constants as cryptoConstants, type KeyObject, createPrivateKey } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import canonicalize from 'canonicalize';
import { WorkbenchError } from '../../../shared/api/errors.ts';
import { Manifest, PACK_FORMAT, PACK_FORMAT_VERSION, type ManifestFile } from '../../../shared/domain/provenance.ts';
import { HashPool } from './hash-pool.ts';
import { readPack } from './pack-contents.ts';
import { comparePaths } from './file-leaf.ts';
import { filesMerkleRoot } from './pack-merkle.ts';
import { ATTESTATION_DIR, ATTESTATION_FILES, MANIFEST_NAME } from './pack-layout.ts';
import { leafSubject, pemCertificates } from './verify-pack.ts';

export interface CreatePackOptions {
  /** PEM private key of the signer. */
  keyPem: string;
  /** PEM chain, leaf first: an X.509-signed pack. Without it, a plain-key Sigstore bundle is written. */
  chainPem?: string;
  createdAt: Date;
  /** For RSA keys: RSASSA-PSS instead of PKCS#1 v1.5. */
  rsaPss?: boolean;
}

export interface CreatedPack {
  manifest: Manifest;
  manifestBytes: Buffer;
  attestationFiles: string[];
}

async function writeAtomic(file: string, data: Buffer | string): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}`;
  await writeFile(tmp, data);
  await rename(tmp, file);
}

function spkiFingerprint(key: KeyObject): string {
  return createHash('sha256').update(createPublicKey(key).export({ type: 'spki', format: 'der' })).digest('hex');
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

/**
 * Turns a folder of evidence into a signed pack in place: hashes every file (except
 * manifest.json and attestations/), writes the canonical manifest, then the signature
 * material. Existing attestations are replaced; each file is written via temp + rename.
 */
export async function createPack(dir: string, opts: CreatePackOptions): Promise<CreatedPack> {
  let key: KeyObject;
  try {
    key = createPrivateKey(opts.keyPem);
  } catch (e) {
    throw new WorkbenchError('BAD_INPUT', `the signing key is not a readable PEM private key: ${(e as Error).message}`);
  }
  if (opts.chainPem !== undefined && pemCertificates(opts.chainPem).length === 0) {
    throw new WorkbenchError('BAD_INPUT', 'the certificate chain holds no PEM certificate');
  }

  // Hash with the verifier's own reader, so the two can never disagree on what a file is.
  await rm(join(dir, MANIFEST_NAME), { force: true });
  await rm(join(dir, ATTESTATION_DIR), { recursive: true, force: true });
  const pool = new HashPool();
  let contents;
  try {
    contents = await readPackForCreate(dir, pool);
  } finally {
    await pool.close();
  }
  if (contents.problems.length) throw new WorkbenchError('BAD_INPUT', `cannot pack ${dir}: ${contents.problems.join('; ')}`, { problems: contents.problems });
  const files: ManifestFile[] = [];
  for (const [path, r] of contents.files) {
    if (!r.ok) throw new WorkbenchError('BAD_INPUT', `cannot read ${path}`);
    files.push({ path, size: r.size, sha256: r.sha256 });
  }
  files.sort((a, b) => comparePaths(a.path, b.path));

  const manifest: Manifest = Manifest.parse({
    format: PACK_FORMAT,
    formatVersion: PACK_FORMAT_VERSION,
    createdAt: opts.createdAt.toISOString(),
    signer: opts.chainPem
      ? { kind: 'x509', subject: leafSubject(opts.chainPem), keyFingerprint: spkiFingerprint(key) }
      : { kind: 'key', subject: `sha256:${spkiFingerprint(key)}`, keyFingerprint: spkiFingerprint(key) },
    merkle: { algorithm: 'rfc6962-sha256', leaf: 'path\\nsize\\nsha256', size: files.length, root: filesMerkleRoot(files) },
    files,
  });
  const manifestBytes = Buffer.from(canonicalize(manifest)!, 'utf8');
  const signature = signPayload(key, manifestBytes, opts.rsaPss);

  await mkdir(join(dir, ATTESTATION_DIR), { recursive: true });
  const written: string[] = [];
  if (opts.chainPem) {
    await writeAtomic(join(dir, ATTESTATION_DIR, ATTESTATION_FILES.signature), signature);
    await writeAtomic(join(dir, ATTESTATION_DIR, ATTESTATION_FILES.chain), opts.chainPem);
    written.push(ATTESTATION_FILES.signature, ATTESTATION_FILES.chain);
  } else {
    if (opts.rsaPss) throw new WorkbenchError('BAD_INPUT', '--rsa-pss applies to X.509-signed packs; a plain-key Sigstore bundle uses PKCS#1 v1.5 for RSA');
    const p384 = key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'secp384r1';
    const bundle = keySigstoreBundle(manifestBytes, signature, spkiFingerprint(key), p384 ? 'sha384' : 'sha256');
    await writeAtomic(join(dir, ATTESTATION_DIR, ATTESTATION_FILES.sigstoreBundle), JSON.stringify(bundle, null, 2) + '\n');
    written.push(ATTESTATION_FILES.sigstoreBundle);
  }
  // The manifest last: a pack without one is plainly unfinished, never half-signed.
  await writeAtomic(join(dir, MANIFEST_NAME), manifestBytes);
  return { manifest, manifestBytes, attestationFiles: written.map((f) => `${ATTESTATION_DIR}/${f}`) };
}

async function readPackForCreate(dir: string, pool: HashPool) {
  // Every file is "listed" for hashing purposes: give readPack a manifest-less view by hashing all.
  const contents = await readPack(dir, pool);
  const hashed = new Map<string, Awaited<ReturnType<HashPool['hash']>>>();
  await Promise.all([...contents.files.keys()].map(async (path) => hashed.set(path, await pool.hash(join(dir, path)))));
  return { ...contents, files: new Map([...hashed].sort(([a], [b]) => comparePaths(a, b))) };
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
