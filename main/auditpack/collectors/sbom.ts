import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import canonicalize from 'canonicalize';
import { WorkbenchError } from '../../../shared/api/errors.ts';
import type { CollectContext, Collected, Collector } from '../pack-file.ts';
import { PACK_PATHS } from '../pack-paths.ts';

/**
 * A CycloneDX 1.6 JSON SBOM of the workbench from package-lock.json (lockfileVersion 2 or 3,
 * the `packages` map) and package.json, with no network: every installed package once per
 * name@version, its purl, SHA-512 from the lock's `integrity`, its license when the lock has
 * one, and the resolved dependency graph.
 *
 * Scope: a package installed only for development (every install path `dev: true`) is
 * `scope: "excluded"` — CycloneDX's scope for components used in testing and building, not
 * at run time — and also carries `cdx:npm:package:development=true` from the CycloneDX npm
 * property taxonomy, so tools that ignore scope still see it. A package that is optional in
 * production (`optional` or `devOptional`) is "optional"; everything else "required".
 */

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The RFC 4122 URL namespace: the serial number is a version-5 UUID of the lockfile's digest in it. */
const UUID_NAMESPACE_URL = '6ba7b811-9dad-11d1-80b4-00c04fd430c8';

/** RFC 4122 §4.3 name-based UUID (SHA-1, version 5). */
export function uuidV5(name: string, namespace = UUID_NAMESPACE_URL): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const h = createHash('sha1').update(ns).update(name, 'utf8').digest().subarray(0, 16);
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const hex = h.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** `pkg:npm/%40scope/name@version`: purl segments percent-encoded, the scope's `@` as %40. */
export function npmPurl(name: string, version: string): string {
  const parts = name.split('/').map(encodeURIComponent);
  return `pkg:npm/${parts.join('/')}@${encodeURIComponent(version)}`;
}

const HASH_ALGS: Record<string, string> = { sha512: 'SHA-512', sha384: 'SHA-384', sha256: 'SHA-256', sha1: 'SHA-1' };

/** SRI `integrity` ("sha512-<base64> …") as CycloneDX hashes (hex); unknown algorithms are left out. */
export function integrityHashes(integrity: string | undefined): Array<{ alg: string; content: string }> {
  if (!integrity) return [];
  const out: Array<{ alg: string; content: string }> = [];
  for (const part of integrity.trim().split(/\s+/)) {
    const dash = part.indexOf('-');
    const alg = HASH_ALGS[part.slice(0, dash)];
    if (dash < 0 || !alg) continue;
    // Options after "?" (SRI) are not part of the digest.
    out.push({ alg, content: Buffer.from(part.slice(dash + 1).split('?')[0]!, 'base64').toString('hex') });
  }
  return out;
}

const SPDX_EXPRESSION = /^\(*[A-Za-z0-9][A-Za-z0-9.+-]*\)*(\s+(AND|OR|WITH)\s+\(*[A-Za-z0-9][A-Za-z0-9.+-]*\)*)*$/;

/**
 * The lock's license string as CycloneDX licenses: an SPDX-looking expression (one id or ids
 * joined by AND/OR/WITH) as `expression`, which the schema accepts without a list of SPDX
 * ids; anything else (e.g. "SEE LICENSE IN …") as a license name.
 */
export function cdxLicenses(license: unknown): Array<Record<string, unknown>> | undefined {
  if (typeof license !== 'string' || license.trim() === '') return undefined;
  const s = license.trim();
  if (SPDX_EXPRESSION.test(s) && s.toUpperCase() !== 'UNLICENSED') return [{ expression: s }];
  return [{ license: { name: s } }];
}

interface LockEntry {
  name?: string;
  version?: string;
  integrity?: string;
  license?: unknown;
  dev?: boolean;
  optional?: boolean;
  devOptional?: boolean;
  link?: boolean;
  resolved?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

interface Lockfile {
  lockfileVersion: number;
  packages: Record<string, LockEntry>;
}

function bad(file: string, message: string): WorkbenchError {
  return new WorkbenchError('BAD_INPUT', `${file}: ${message}`, { file });
}

async function readJson(file: string): Promise<{ bytes: Buffer; json: unknown }> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (e) {
    throw new WorkbenchError('NOT_FOUND', `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { file });
  }
  try {
    return { bytes, json: JSON.parse(bytes.toString('utf8')) };
  } catch (e) {
    throw bad(file, `not JSON (${(e as Error).message})`);
  }
}

function parseLock(file: string, json: unknown): Lockfile {
  const lock = json as Partial<Lockfile> | null;
  if (!lock || typeof lock !== 'object') throw bad(file, 'expected a JSON object');
  if (lock.lockfileVersion !== 2 && lock.lockfileVersion !== 3) throw bad(file, `lockfileVersion ${JSON.stringify(lock.lockfileVersion)} is not supported: need 2 or 3 (the "packages" map); run npm install with npm 7 or later`);
  if (!lock.packages || typeof lock.packages !== 'object') throw bad(file, 'has no "packages" map');
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (!entry || typeof entry !== 'object') throw bad(file, `packages[${JSON.stringify(path)}] is not an object`);
    if (path.includes('node_modules/') && !entry.link && typeof entry.version !== 'string') throw bad(file, `packages[${JSON.stringify(path)}].version is missing`);
  }
  return lock as Lockfile;
}

/** The package name an install path holds: the part after its last `node_modules/`. */
function nameAtPath(path: string): string {
  return path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
}

/** Node's lookup: `<from>/node_modules/<name>`, then each ancestor's node_modules, up to the root. */
function resolveDep(packages: Record<string, LockEntry>, from: string, name: string): string | undefined {
  let base = from;
  for (;;) {
    const candidate = base ? `${base}/node_modules/${name}` : `node_modules/${name}`;
    const entry = packages[candidate];
    if (entry) return entry.link && entry.resolved !== undefined ? entry.resolved : candidate;
    if (base === '') return undefined;
    const i = base.lastIndexOf('/node_modules/');
    base = i < 0 ? '' : base.slice(0, i);
  }
}

export interface SbomOptions {
  at: Date;
  /** Version of the tool that wrote the SBOM (the workbench). */
  toolVersion: string;
}

export interface BuiltSbom {
  bom: Record<string, unknown>;
  bytes: Buffer;
  counts: { components: number; required: number; optional: number; excluded: number; withLicense: number; withHash: number };
}

/** The SBOM of the project at `projectRoot`; the same lockfile, package.json and `at` give the same bytes. */
export async function buildWorkbenchSbom(projectRoot: string, opts: SbomOptions): Promise<BuiltSbom> {
  const lockFile = join(projectRoot, 'package-lock.json');
  const pkgFile = join(projectRoot, 'package.json');
  const lockRead = await readJson(lockFile);
  const lock = parseLock(lockFile, lockRead.json);
  const pkg = (await readJson(pkgFile)).json as { name?: unknown; version?: unknown; description?: unknown; license?: unknown };
  if (typeof pkg?.name !== 'string' || typeof pkg.version !== 'string') throw bad(pkgFile, 'needs a string "name" and "version"');

  const rootRef = npmPurl(pkg.name, pkg.version);
  // Install paths that hold a package (links point at the path that does).
  const installs = Object.keys(lock.packages)
    .filter((p) => p.includes('node_modules/') && !lock.packages[p]!.link)
    .sort(cmp);

  interface Acc {
    name: string;
    version: string;
    purl: string;
    paths: string[];
    hashes: Map<string, { alg: string; content: string }>;
    licenses: Set<string>;
    prodRequired: boolean;
    prodOptional: boolean;
    dependsOn: Set<string>;
  }
  const byPurl = new Map<string, Acc>();
  const purlAt = new Map<string, string>();
  for (const path of installs) {
    const e = lock.packages[path]!;
    const name = e.name ?? nameAtPath(path);
    const purl = npmPurl(name, e.version!);
    purlAt.set(path, purl);
    const acc: Acc = byPurl.get(purl) ?? { name, version: e.version!, purl, paths: [], hashes: new Map(), licenses: new Set<string>(), prodRequired: false, prodOptional: false, dependsOn: new Set<string>() };
    acc.paths.push(path);
    for (const h of integrityHashes(e.integrity)) acc.hashes.set(`${h.alg}:${h.content}`, h);
    if (typeof e.license === 'string' && e.license.trim()) acc.licenses.add(e.license.trim());
    if (!e.dev && !e.optional && !e.devOptional) acc.prodRequired = true;
    else if (e.optional || e.devOptional) acc.prodOptional = true;
    byPurl.set(purl, acc);
  }

  const depNames = (e: LockEntry, withDev: boolean) =>
    [...new Set([...Object.keys(e.dependencies ?? {}), ...Object.keys(e.optionalDependencies ?? {}), ...Object.keys(e.peerDependencies ?? {}), ...(withDev ? Object.keys(e.devDependencies ?? {}) : [])])].sort(cmp);
  // Dependencies that are not installed (an optional package for another platform, an unmet peer) are left out.
  const edges = (from: string, e: LockEntry, withDev: boolean) =>
    depNames(e, withDev)
      .map((n) => resolveDep(lock.packages, from, n))
      .filter((p): p is string => p !== undefined && purlAt.has(p))
      .map((p) => purlAt.get(p)!);
  for (const path of installs) {
    const acc = byPurl.get(purlAt.get(path)!)!;
    for (const ref of edges(path, lock.packages[path]!, false)) if (ref !== acc.purl) acc.dependsOn.add(ref);
  }
  const rootDeps = lock.packages[''] ? edges('', lock.packages['']!, true) : [];

  const accs = [...byPurl.values()].sort((a, b) => cmp(a.purl, b.purl));
  const components = accs.map((a) => {
    const scope = a.prodRequired ? 'required' : a.prodOptional ? 'optional' : 'excluded';
    const slash = a.name.startsWith('@') ? a.name.indexOf('/') : -1;
    const hashes = [...a.hashes.values()].sort((x, y) => cmp(x.alg, y.alg) || cmp(x.content, y.content));
    // Two installs of one name@version may declare different license strings; keep them all, in order.
    const license = a.licenses.size === 0 ? undefined : a.licenses.size === 1 ? [...a.licenses][0] : [...a.licenses].sort(cmp).map((l) => `(${l})`).join(' AND ');
    const licenses = cdxLicenses(license);
    const properties = [
      ...(scope === 'excluded' ? [{ name: 'cdx:npm:package:development', value: 'true' }] : []),
      ...a.paths.map((p) => ({ name: 'cdx:npm:package:path', value: p })),
    ];
    return {
      type: 'library',
      'bom-ref': a.purl,
      ...(slash > 0 ? { group: a.name.slice(0, slash), name: a.name.slice(slash + 1) } : { name: a.name }),
      version: a.version,
      scope,
      ...(hashes.length ? { hashes } : {}),
      ...(licenses ? { licenses } : {}),
      purl: a.purl,
      properties,
    };
  });

  const rootLicenses = cdxLicenses(pkg.license);
  const bom = {
    $schema: 'http://cyclonedx.org/schema/bom-1.6.schema.json',
    bomFormat: 'CycloneDX',
    specVersion: '1.6',
    serialNumber: `urn:uuid:${uuidV5(`sha256:${createHash('sha256').update(lockRead.bytes).digest('hex')}`)}`,
    version: 1,
    metadata: {
      timestamp: opts.at.toISOString(),
      tools: { components: [{ type: 'application', name: 'compliance-workbench audit-pack', version: opts.toolVersion }] },
      component: {
        type: 'application',
        'bom-ref': rootRef,
        name: pkg.name,
        version: pkg.version,
        ...(typeof pkg.description === 'string' ? { description: pkg.description } : {}),
        ...(rootLicenses ? { licenses: rootLicenses } : {}),
        purl: rootRef,
      },
      properties: [
        { name: 'cdx:npm:lockfileVersion', value: String(lock.lockfileVersion) },
        { name: 'compliance-workbench:sbom:source', value: 'package-lock.json packages map and package.json; no network' },
      ],
    },
    components,
    dependencies: [
      { ref: rootRef, dependsOn: [...new Set(rootDeps)].sort(cmp) },
      ...accs.map((a) => ({ ref: a.purl, dependsOn: [...a.dependsOn].sort(cmp) })),
    ],
  };
  const counts = {
    components: components.length,
    required: components.filter((c) => c.scope === 'required').length,
    optional: components.filter((c) => c.scope === 'optional').length,
    excluded: components.filter((c) => c.scope === 'excluded').length,
    withLicense: components.filter((c) => 'licenses' in c).length,
    withHash: components.filter((c) => 'hashes' in c).length,
  };
  return { bom, bytes: Buffer.from(canonicalize(bom)! + '\n', 'utf8'), counts };
}

/** sbom: the workbench's CycloneDX SBOM (see buildWorkbenchSbom). */
export const sbomCollector: Collector = {
  section: 'sbom',
  async collect(ctx: CollectContext): Promise<Collected> {
    if (ctx.signal?.aborted) throw new WorkbenchError('CANCELLED', 'audit pack build cancelled while writing the SBOM');
    const sbom = await buildWorkbenchSbom(ctx.projectRoot, { at: ctx.at, toolVersion: ctx.workbenchVersion });
    return {
      files: [
        {
          path: PACK_PATHS.sbom,
          section: 'sbom',
          title: 'CycloneDX 1.6 SBOM of the workbench',
          mediaType: 'application/vnd.cyclonedx+json',
          data: sbom.bytes,
          records: sbom.counts.components,
          // Generated from the project's lockfile as it is at build time, judged as of `at`.
          asOf: ctx.at.toISOString(),
        },
      ],
      facts: {
        'sbom.format': 'CycloneDX 1.6',
        'sbom.serialNumber': sbom.bom.serialNumber as string,
        'sbom.components': sbom.counts.components,
        'sbom.required': sbom.counts.required,
        'sbom.optional': sbom.counts.optional,
        'sbom.devOnly': sbom.counts.excluded,
        'sbom.withLicense': sbom.counts.withLicense,
        'sbom.withHash': sbom.counts.withHash,
      },
    };
  },
};
