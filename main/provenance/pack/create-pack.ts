import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { WorkbenchError } from '../../../shared/api/errors.ts';
import type { Manifest, ManifestFile } from '../../../shared/domain/provenance.ts';
import { HashPool } from './hash-pool.ts';
import { readPack } from './pack-contents.ts';
import { comparePaths } from './file-leaf.ts';
import { buildManifest, keySigner, keySigstoreBundleFile, readSigningKey, signPayload, spkiFingerprint } from './pack-signing.ts';
import { ATTESTATION_DIR, ATTESTATION_FILES, MANIFEST_NAME } from './pack-layout.ts';
import { leafSubject, pemCertificates } from './verify-pack.ts';

// Kept importable from here: other modules sign with these.
export { keySigstoreBundle, signPayload } from './pack-signing.ts';

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

/**
 * Turns a folder of evidence into a signed pack in place: hashes every file (except
 * manifest.json and attestations/), writes the canonical manifest, then the signature
 * material. Existing attestations are replaced; each file is written via temp + rename.
 */
export async function createPack(dir: string, opts: CreatePackOptions): Promise<CreatedPack> {
  const key = readSigningKey(opts.keyPem);
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

  const signer: Manifest['signer'] = opts.chainPem
    ? { kind: 'x509', subject: leafSubject(opts.chainPem), keyFingerprint: spkiFingerprint(key) }
    : keySigner(key);
  const { manifest, manifestBytes } = buildManifest(files, signer, opts.createdAt);

  await mkdir(join(dir, ATTESTATION_DIR), { recursive: true });
  const written: string[] = [];
  if (opts.chainPem) {
    await writeAtomic(join(dir, ATTESTATION_DIR, ATTESTATION_FILES.signature), signPayload(key, manifestBytes, opts.rsaPss));
    await writeAtomic(join(dir, ATTESTATION_DIR, ATTESTATION_FILES.chain), opts.chainPem);
    written.push(ATTESTATION_FILES.signature, ATTESTATION_FILES.chain);
  } else {
    if (opts.rsaPss) throw new WorkbenchError('BAD_INPUT', '--rsa-pss applies to X.509-signed packs; a plain-key Sigstore bundle uses PKCS#1 v1.5 for RSA');
    const bundle = keySigstoreBundleFile(key, manifestBytes);
    await writeAtomic(join(dir, ATTESTATION_DIR, bundle.name), bundle.bytes);
    written.push(bundle.name);
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
