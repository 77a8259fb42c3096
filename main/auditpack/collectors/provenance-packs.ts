import { createHash, createPublicKey, X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import { lstat, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import canonicalize from 'canonicalize';
import { WorkbenchError } from '../../../shared/api/errors.ts';
import { PackPath } from '../../../shared/domain/audit-pack.ts';
import { Manifest, type VerifyReport } from '../../../shared/domain/provenance.ts';
import { WORKBENCH_KEY_PATH, workbenchKeyFromPem } from '../../appeals/workbench-key.ts';
import { HashPool } from '../../provenance/pack/hash-pool.ts';
import { readPack } from '../../provenance/pack/pack-contents.ts';
import { MANIFEST_NAME } from '../../provenance/pack/pack-layout.ts';
import { verifyPackContents } from '../../provenance/pack/verify-pack.ts';
import { createDefaultRegistry } from '../../provenance/plugins/default-registry.ts';
import type { CollectContext, Collected, Collector, PackFile } from '../pack-file.ts';
import { PACK_PATHS } from '../pack-paths.ts';

/** Extra public keys (and CA certificates) the workbench trusts for provenance packs, relative to the data folder. */
export const TRUSTED_KEYS_DIR = 'keys/trusted';
/** The offline trust cache prov-verify fills (see main/provenance/trust-cache.ts), relative to the data folder. */
export const TRUST_CACHE_DIR = 'trust-cache';

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const json = (v: unknown) => Buffer.from(canonicalize(v)! + '\n', 'utf8');

export interface TrustedKey {
  /** Where it came from, relative to the data folder (no local paths in the pack). */
  source: string;
  /** SHA-256 hex of the SPKI DER: what a plain-key pack's manifest names as signer.keyFingerprint. */
  fingerprint: string;
  pem: string;
}

export interface PackTrust {
  keys: TrustedKey[];
  /** PEM CA certificates for X.509-signed packs. */
  anchors: Array<{ source: string; subject: string; pem: string }>;
  /** Files in keys/trusted/ that were not used, and why. */
  ignored: Array<{ source: string; reason: string }>;
  /** The offline trust cache folder, when there is one. */
  trustCacheDir: string | undefined;
}

function spkiFingerprintOfPem(pem: string): string {
  return createHash('sha256').update(createPublicKey(pem).export({ type: 'spki', format: 'der' })).digest('hex');
}

/**
 * What provenance packs are verified against: the workbench key's public half (the key
 * itself is never created here), every PEM public key in keys/trusted/ (PEM certificates
 * there are CA trust anchors for X.509-signed packs), and the offline trust cache.
 */
export async function loadPackTrust(dataDir: string): Promise<PackTrust> {
  const trust: PackTrust = { keys: [], anchors: [], ignored: [], trustCacheDir: undefined };
  const workbenchKeyFile = join(dataDir, WORKBENCH_KEY_PATH);
  const workbenchSource = WORKBENCH_KEY_PATH.split('\\').join('/');
  if (existsSync(workbenchKeyFile)) {
    try {
      const key = workbenchKeyFromPem(await readFile(workbenchKeyFile, 'utf8'), workbenchSource);
      trust.keys.push({ source: workbenchSource, fingerprint: spkiFingerprintOfPem(key.publicKeyPem), pem: key.publicKeyPem });
    } catch (e) {
      // Packs it signed then show as not verified, with this as the reason to look.
      trust.ignored.push({ source: workbenchSource, reason: (e as Error).message });
    }
  }
  let entries: string[] = [];
  try {
    entries = (await readdir(join(dataDir, TRUSTED_KEYS_DIR))).sort(cmp);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  for (const name of entries) {
    if (!name.endsWith('.pem')) continue;
    const source = `${TRUSTED_KEYS_DIR}/${name}`;
    const st = await lstat(join(dataDir, TRUSTED_KEYS_DIR, name));
    if (!st.isFile()) {
      trust.ignored.push({ source, reason: 'not a regular file (links are not followed)' });
      continue;
    }
    const pem = await readFile(join(dataDir, TRUSTED_KEYS_DIR, name), 'utf8');
    try {
      if (pem.includes('-----BEGIN CERTIFICATE-----')) trust.anchors.push({ source, subject: new X509Certificate(pem).subject.replace(/\n/g, ', '), pem });
      else if (pem.includes('-----BEGIN PUBLIC KEY-----')) {
        if (trust.keys.some((k) => k.fingerprint === spkiFingerprintOfPem(pem))) trust.ignored.push({ source, reason: 'the same key is already trusted' });
        else trust.keys.push({ source, fingerprint: spkiFingerprintOfPem(pem), pem });
      } else trust.ignored.push({ source, reason: 'not a PEM public key (BEGIN PUBLIC KEY) or certificate' });
    } catch (e) {
      trust.ignored.push({ source, reason: `unreadable: ${(e as Error).message}` });
    }
  }
  const cache = join(dataDir, TRUST_CACHE_DIR);
  if (existsSync(cache)) trust.trustCacheDir = cache;
  return trust;
}

interface FoundPack {
  name: string;
  kind: 'folder' | 'tgz';
  abs: string;
}

/** Folders holding manifest.json and .tgz files, sorted by name; a missing folder holds no packs. */
export async function listProvenancePacks(packsDir: string): Promise<FoundPack[]> {
  let entries;
  try {
    entries = await readdir(packsDir, { withFileTypes: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new WorkbenchError('UNAVAILABLE', `cannot read the provenance packs folder ${packsDir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { path: packsDir });
  }
  const out: FoundPack[] = [];
  for (const e of entries) {
    // Hidden entries are work in progress (e.g. a pack being written via temp + rename).
    if (e.name.startsWith('.')) continue;
    const abs = join(packsDir, e.name);
    if (e.isDirectory() && existsSync(join(abs, MANIFEST_NAME))) out.push({ name: e.name, kind: 'folder', abs });
    else if (e.isFile() && e.name.endsWith('.tgz') && e.name.length > 4) out.push({ name: e.name.slice(0, -4), kind: 'tgz', abs });
  }
  return out.sort((a, b) => cmp(a.name, b.name) || cmp(a.kind, b.kind));
}

/** Regular files of a folder pack, relative, in bytewise order; links and specials are left to the verifier to report. */
async function folderFiles(dir: string, rel = ''): Promise<Array<{ rel: string; abs: string; size: number }>> {
  const out: Array<{ rel: string; abs: string; size: number }> = [];
  const entries = (await readdir(join(dir, rel), { withFileTypes: true })).sort((a, b) => cmp(a.name, b.name));
  for (const e of entries) {
    const childRel = rel ? `${rel}/${e.name}` : e.name;
    const abs = join(dir, childRel);
    if (e.isDirectory()) out.push(...(await folderFiles(dir, childRel)));
    else if (e.isFile()) out.push({ rel: childRel, abs, size: (await lstat(abs)).size });
  }
  return out.sort((a, b) => cmp(a.rel, b.rel));
}

const MEDIA_TYPES: Record<string, string> = {
  json: 'application/json',
  jsonl: 'application/x-ndjson',
  csv: 'text/csv',
  txt: 'text/plain',
  md: 'text/markdown',
  pem: 'application/x-pem-file',
  sig: 'application/octet-stream',
  pdf: 'application/pdf',
  xml: 'application/xml',
  html: 'text/html',
  tgz: 'application/gzip',
  gz: 'application/gzip',
};

export function mediaTypeOf(path: string): string {
  const dot = path.lastIndexOf('.');
  return (dot > path.lastIndexOf('/') && MEDIA_TYPES[path.slice(dot + 1).toLowerCase()]) || 'application/octet-stream';
}

export interface PackSummaryRow {
  name: string;
  source: 'folder' | 'tgz';
  /** Where the pack sits inside the audit pack. */
  path: string;
  verifyReport: string;
  createdAt: string | null;
  signer: Manifest['signer'] | null;
  /** The trusted key or anchor it was checked against, or null when none matches. */
  trustedBy: string | null;
  merkleRoot: string | null;
  files: number;
  bytes: number;
  verified: boolean;
  /** "verified", or what failed (the verifier's errors, and a missing trust first). */
  why: string[];
}

function validPackPath(p: string): boolean {
  return PackPath.safeParse(p).success;
}

/**
 * provenance: every provenance pack in ctx.packsDir, file by file (streamed from disk, never
 * read into memory here), each with the verifier's report made offline at ctx.at, and a
 * summary. A pack that does not verify is recorded, not fatal.
 */
export const provenancePacksCollector: Collector = {
  section: 'provenance',
  async collect(ctx: CollectContext): Promise<Collected> {
    const trust = await loadPackTrust(ctx.dataDir);
    const found = await listProvenancePacks(ctx.packsDir);
    const registry = createDefaultRegistry();
    const at = ctx.at.toISOString();
    const files: PackFile[] = [];
    const rows: PackSummaryRow[] = [];
    const skipped: Array<{ name: string; source: 'folder' | 'tgz'; reason: string }> = [];
    const reportNames = new Set<string>();
    const pool = new HashPool();
    try {
      for (const pack of found) {
        if (ctx.signal?.aborted) throw new WorkbenchError('CANCELLED', 'audit pack build cancelled while collecting provenance packs');
        const packPath = pack.kind === 'folder' ? `${PACK_PATHS.provenancePacksDir}/${pack.name}` : `${PACK_PATHS.provenancePacksDir}/${pack.name}.tgz`;
        const reportPath = `${PACK_PATHS.provenanceVerifyReportsDir}/${pack.name}.json`;
        if (reportNames.has(pack.name)) {
          skipped.push({ name: pack.name, source: pack.kind, reason: `a folder pack named ${pack.name} is already included; rename one of them` });
          continue;
        }
        if (!validPackPath(reportPath) || !validPackPath(packPath)) {
          skipped.push({ name: pack.name, source: pack.kind, reason: 'the name is not usable inside an audit pack (letters, digits and . _ - @ + only)' });
          continue;
        }
        const evidence = pack.kind === 'folder' ? await folderFiles(pack.abs) : [{ rel: '', abs: pack.abs, size: (await lstat(pack.abs)).size }];
        const badName = evidence.find((f) => !validPackPath(f.rel ? `${packPath}/${f.rel}` : packPath));
        if (badName) {
          skipped.push({ name: pack.name, source: pack.kind, reason: `${badName.rel}: a file name not usable inside an audit pack (letters, digits and . _ - / @ + only)` });
          continue;
        }
        reportNames.add(pack.name);
        ctx.progress?.(`verifying provenance pack ${pack.name}`);

        const { report, manifest, key } = await verifyOne(pack, trust, registry, ctx.at, pool);
        const trustedBy =
          manifest?.signer.kind === 'key' ? (key?.source ?? null) : manifest?.signer.kind === 'x509' && report.verified ? `CA certificates in ${TRUSTED_KEYS_DIR}/ or the trust cache` : null;
        const why: string[] = [];
        if (!report.verified) {
          if (manifest?.signer.kind === 'key' && !key) why.push(`the signer key sha256:${manifest.signer.keyFingerprint} is not trusted (neither the workbench key nor a key in ${TRUSTED_KEYS_DIR}/)`);
          why.push(...report.errors);
        }
        const createdAt = manifest?.createdAt ?? null;
        const asOf = createdAt !== null && createdAt <= at ? createdAt : undefined;
        for (const f of evidence) {
          files.push({
            path: f.rel ? `${packPath}/${f.rel}` : packPath,
            section: 'provenance',
            title: f.rel ? `Provenance pack ${pack.name}: ${f.rel}` : `Provenance pack ${pack.name} (archive)`,
            mediaType: mediaTypeOf(f.rel || packPath),
            data: { file: f.abs, size: f.size },
            ...(asOf ? { asOf } : {}),
          });
        }
        files.push({
          path: reportPath,
          section: 'provenance',
          title: `Verify report for provenance pack ${pack.name}`,
          mediaType: 'application/json',
          data: json(report),
          records: report.files.length,
          asOf: at,
        });
        rows.push({
          name: pack.name,
          source: pack.kind,
          path: packPath,
          verifyReport: reportPath,
          createdAt,
          signer: manifest?.signer ?? null,
          trustedBy,
          merkleRoot: manifest?.merkle.root ?? null,
          files: manifest?.files.length ?? report.files.length,
          bytes: manifest ? manifest.files.reduce((s, f) => s + f.size, 0) : 0,
          verified: report.verified,
          why: report.verified ? ['verified'] : why,
        });
      }
    } finally {
      await pool.close();
    }

    const verified = rows.filter((r) => r.verified).length;
    const summary = {
      at,
      trust: {
        keys: trust.keys.map((k) => ({ source: k.source, fingerprint: k.fingerprint })),
        anchors: trust.anchors.map((a) => ({ source: a.source, subject: a.subject })),
        ignored: trust.ignored,
        trustCache: trust.trustCacheDir !== undefined,
        note: `Plain-key packs are trusted when signed by the workbench key or a PEM public key in <dataDir>/${TRUSTED_KEYS_DIR}/; X.509-signed packs when their chain ends at a CA certificate there or in the offline trust cache. Verified offline as of ${at}.`,
      },
      packs: rows,
      skipped,
      totals: { packs: rows.length, verified, notVerified: rows.length - verified, skipped: skipped.length },
    };
    files.push({
      path: PACK_PATHS.provenanceSummary,
      section: 'provenance',
      title: 'Provenance packs: signers, Merkle roots and verification',
      mediaType: 'application/json',
      data: json(summary),
      records: rows.length,
      ...(rows.length ? { asOf: at } : {}),
    });
    files.sort((a, b) => cmp(a.path, b.path));
    return {
      files,
      facts: {
        'provenance.packs': rows.length,
        'provenance.verified': verified,
        'provenance.notVerified': rows.length - verified,
        'provenance.skipped': skipped.length,
        'provenance.allVerified': rows.length === 0 ? null : verified === rows.length,
        'provenance.files': rows.reduce((s, r) => s + r.files, 0),
        'provenance.bytes': rows.reduce((s, r) => s + r.bytes, 0),
      },
    };
  },
};

async function verifyOne(
  pack: FoundPack,
  trust: PackTrust,
  registry: ReturnType<typeof createDefaultRegistry>,
  at: Date,
  pool: HashPool,
): Promise<{ report: VerifyReport; manifest: Manifest | undefined; key: TrustedKey | undefined }> {
  // readPack + verifyPackContents is exactly verifyPack (verify-service.ts) split in two: the
  // manifest names the signer, which picks the trusted key, without reading a .tgz twice.
  const contents = await readPack(pack.abs, pool);
  let manifest: Manifest | undefined;
  try {
    const parsed = Manifest.safeParse(JSON.parse(contents.manifestBytes?.toString('utf8') ?? 'null'));
    if (parsed.success) manifest = parsed.data;
  } catch {
    // The verifier reports the broken manifest.
  }
  const key = manifest?.signer.kind === 'key' ? trust.keys.find((k) => k.fingerprint === manifest.signer.keyFingerprint) : undefined;
  const report = await verifyPackContents(contents, {
    registry,
    at,
    ...(trust.trustCacheDir ? { offlineCacheDir: trust.trustCacheDir } : {}),
    pluginOptions: {
      offline: true,
      ...(key ? { publicKey: key.pem } : {}),
      ...(trust.anchors.length ? { trustAnchors: trust.anchors.map((a) => a.pem) } : {}),
    },
  });
  return { report, manifest, key };
}
