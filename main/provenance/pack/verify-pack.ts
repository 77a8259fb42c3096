import { createHash, X509Certificate } from 'node:crypto';
import { Manifest, type FileResult, type PluginReport, type VerifyReport } from '../../../shared/domain/provenance.ts';
import { badInput } from '../../../shared/api/errors.ts';
import type { PluginInput } from '../plugins/plugin.ts';
import { runPlugin, type PluginRegistry } from '../plugins/registry.ts';
import { comparePaths } from './file-leaf.ts';
import { filesMerkleRoot } from './pack-merkle.ts';
import { ATTESTATION_FILES, MANIFEST_NAME } from './pack-layout.ts';
import { checkInTotoAttestation, IN_TOTO_DSSE_CHECK } from './in-toto-attestation.ts';
import type { PackContents } from './pack-contents.ts';

export interface VerifyOptions {
  registry: PluginRegistry;
  at: Date;
  /** Run only this plugin (`--plugin`). */
  plugin?: string;
  offlineCacheDir?: string;
  /** Passed to every plugin: identity, issuer, publicKey, trustAnchors, eku … */
  pluginOptions?: Record<string, unknown>;
  /** Also check the transparency-log receipt (in addition to, never instead of, a signature plugin). */
  tlog?: (contents: PackContents) => Promise<PluginReport>;
}

/** PEM blocks of a chain file as DER, leaf first. */
export function pemCertificates(pem: string): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const m of pem.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)) {
    out.push(new Uint8Array(Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64')));
  }
  return out;
}

function parseJsonAttestation(contents: PackContents, name: string, errors: string[]): unknown {
  const raw = contents.attestations.get(name);
  if (!raw) return undefined;
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch (e) {
    errors.push(`attestations/${name} is not JSON: ${(e as Error).message}`);
    return undefined;
  }
}

/**
 * Verifies a pack's contents: files against the manifest, the Merkle root, then each
 * selected attestation plugin over the manifest bytes. The report has no wall-clock or
 * local-path field, so the same inputs give a byte-identical report.
 */
export async function verifyPackContents(contents: PackContents, opts: VerifyOptions): Promise<VerifyReport> {
  const errors = [...contents.problems];
  const warnings: string[] = [];
  let manifest: Manifest | undefined;

  if (!contents.manifestBytes) errors.push(`${MANIFEST_NAME} is missing`);
  else {
    let json: unknown;
    try {
      json = JSON.parse(contents.manifestBytes.toString('utf8'));
    } catch (e) {
      errors.push(`${MANIFEST_NAME} is not JSON: ${(e as Error).message}`);
    }
    if (json !== undefined) {
      const parsed = Manifest.safeParse(json);
      if (parsed.success) manifest = parsed.data;
      else errors.push(badInput(MANIFEST_NAME, parsed.error).message);
    }
  }

  // Per-file status: the manifest's claims against what is there.
  const files: FileResult[] = [];
  const listed = new Set<string>();
  if (manifest) {
    for (let i = 0; i < manifest.files.length; i++) {
      const f = manifest.files[i]!;
      if (listed.has(f.path)) errors.push(`${MANIFEST_NAME}: files[${i}] repeats path ${f.path}`);
      if (i > 0 && comparePaths(manifest.files[i - 1]!.path, f.path) >= 0) errors.push(`${MANIFEST_NAME}: files are not in bytewise path order at files[${i}] (${f.path})`);
      listed.add(f.path);
      const got = contents.files.get(f.path);
      const base = { path: f.path, expectedSize: f.size, expectedSha256: f.sha256 };
      if (!got) files.push({ ...base, status: 'missing', actualSize: null, actualSha256: null });
      else if (!got.ok) {
        files.push({ ...base, status: 'modified', actualSize: got.reason === 'too-large' ? got.size : null, actualSha256: null });
        if (got.reason === 'unreadable') errors.push(`${f.path}: unreadable (${got.error})`);
      } else {
        const same = got.size === f.size && got.sha256 === f.sha256;
        files.push({ ...base, status: same ? 'ok' : 'modified', actualSize: got.size, actualSha256: got.sha256 });
      }
    }
    if (manifest.merkle.size !== manifest.files.length) errors.push(`${MANIFEST_NAME}: merkle.size ${manifest.merkle.size} but ${manifest.files.length} files listed`);
  }
  for (const [path, got] of contents.files) {
    if (listed.has(path)) continue;
    files.push({ path, status: 'unexpected', expectedSize: null, expectedSha256: null, actualSize: got.ok ? got.size : got.reason === 'too-large' ? got.size : null, actualSha256: null });
  }
  files.sort((a, b) => comparePaths(a.path, b.path));
  const counts = { ok: 0, missing: 0, modified: 0, unexpected: 0 };
  for (const f of files) counts[f.status]++;
  for (const f of files) if (f.status !== 'ok') errors.push(`${f.path}: ${f.status}`);

  // The root over what is actually there, in manifest order; equal to the manifest's root only when nothing changed.
  const computedRoot = manifest
    ? filesMerkleRoot(manifest.files.map((f) => {
        const got = contents.files.get(f.path);
        return got?.ok ? { path: f.path, size: got.size, sha256: got.sha256 } : { path: f.path, size: -1, sha256: '' };
      }))
    : null;
  const claimedRoot = manifest ? filesMerkleRoot(manifest.files) : null;
  if (manifest && claimedRoot !== manifest.merkle.root) errors.push(`${MANIFEST_NAME}: merkle.root does not match the files it lists`);
  const rootMatch = manifest !== undefined && computedRoot === manifest.merkle.root;
  if (manifest && !rootMatch && counts.missing + counts.modified === 0 && claimedRoot === manifest.merkle.root) errors.push('Merkle root mismatch');

  // Attestations over the manifest bytes.
  const plugins = [];
  if (manifest && contents.manifestBytes) {
    const chainPem = contents.attestations.get(ATTESTATION_FILES.chain)?.toString('utf8');
    const input: PluginInput = {
      manifest,
      payload: new Uint8Array(contents.manifestBytes),
      root: computedRoot ?? '',
      at: opts.at,
      ...(contents.attestations.has(ATTESTATION_FILES.signature) ? { signature: new Uint8Array(contents.attestations.get(ATTESTATION_FILES.signature)!) } : {}),
      ...(chainPem ? { certs: pemCertificates(chainPem) } : {}),
      ...(contents.attestations.has(ATTESTATION_FILES.sigstoreBundle) ? { bundle: parseJsonAttestation(contents, ATTESTATION_FILES.sigstoreBundle, errors) } : {}),
      ...(contents.attestations.has(ATTESTATION_FILES.tufRef) ? { tufRef: parseJsonAttestation(contents, ATTESTATION_FILES.tufRef, errors) } : {}),
      ...(opts.offlineCacheDir ? { offlineCacheDir: opts.offlineCacheDir } : {}),
      options: { ...(opts.pluginOptions ?? {}), tlogReceipt: contents.attestations.get(ATTESTATION_FILES.tlogReceipt)?.toString('utf8') },
    };
    const selected = opts.registry.select(input, opts.plugin);
    if (selected.length === 0) errors.push('no attestation plugin applies: the pack carries no signature material');
    for (const p of selected) plugins.push(await runPlugin(p, input));
    // The in-toto statement, when the pack carries one, must be the signer's and name exactly the manifest's files.
    const dsse = contents.attestations.get(ATTESTATION_FILES.inTotoDsse);
    if (dsse) plugins.push(checkInTotoAttestation(dsse, manifest, input.certs?.[0], opts.pluginOptions?.publicKey));
    if (opts.tlog) {
      try {
        plugins.push(await opts.tlog(contents));
      } catch (e) {
        plugins.push({ name: 'tlog', ok: false, errors: [`receipt check failed: ${(e as Error).message}`], warnings: [], details: {} });
      }
    }
  }
  for (const p of plugins) if (!p.ok) errors.push(`${p.name}: not verified`);

  const verified = errors.length === 0 && manifest !== undefined && rootMatch && plugins.some((p) => p.name !== 'tlog' && p.name !== IN_TOTO_DSSE_CHECK) && plugins.every((p) => p.ok);
  return {
    reportVersion: 1,
    verified,
    referenceTime: opts.at.toISOString(),
    pack: {
      formatVersion: manifest?.formatVersion ?? null,
      createdAt: manifest?.createdAt ?? null,
      signer: manifest?.signer ?? null,
      manifestSha256: contents.manifestBytes ? createHash('sha256').update(contents.manifestBytes).digest('hex') : null,
    },
    merkle: { expectedRoot: manifest?.merkle.root ?? null, computedRoot, match: rootMatch },
    files,
    counts,
    plugins,
    errors,
    warnings,
  };
}

/** Subject of the leaf certificate in a PEM chain, for the signer info. */
export function leafSubject(chainPem: string): string {
  const der = pemCertificates(chainPem)[0];
  return der ? new X509Certificate(der).subject.replace(/\n/g, ', ') : '';
}
