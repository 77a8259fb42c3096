import { createHash } from 'node:crypto';
import { lstat, mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import canonicalize from 'canonicalize';
import { WorkbenchError } from '../../shared/api/errors.ts';

/**
 * The offline trust cache: pinned material every plugin reads in --offline mode.
 *   sigstore/trusted_root.json   Sigstore trusted root (cosign)
 *   anchors/*.pem                X.509 trust anchors (x509-pki)
 *   crls/*.crl|*.pem             CRLs (x509-pki)
 *   tuf/<name>/...               pinned TUF roots and mirrored metadata (tuf-root)
 *   tlog/...                     transparency-log keys and last seen checkpoints
 *   cache-index.json             what is in the cache, with SHA-256 per file
 */
export const CACHE_AREAS = ['sigstore', 'anchors', 'crls', 'tuf', 'tlog'] as const;
export const CACHE_INDEX = 'cache-index.json';
const MAX_FILE_BYTES = 32 * 1024 * 1024;

export interface CacheIndex {
  version: 1;
  files: Array<{ path: string; size: number; sha256: string }>;
}

export interface WarmReport {
  source: string;
  files: number;
  bytes: number;
}

async function listArea(root: string, rel: string): Promise<string[]> {
  const out: string[] = [];
  let entries;
  try {
    entries = await readdir(join(root, rel), { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const child = `${rel}/${e.name}`;
    const st = await lstat(join(root, child));
    if (st.isSymbolicLink()) throw new WorkbenchError('BAD_INPUT', `${child}: links are not followed into the trust cache`);
    if (st.isDirectory()) out.push(...(await listArea(root, child)));
    else if (st.isFile()) out.push(child);
  }
  return out;
}

function checkMaterial(path: string, data: Buffer): void {
  if (data.length > MAX_FILE_BYTES) throw new WorkbenchError('BAD_INPUT', `${path}: ${data.length} bytes is over the trust-cache file limit`);
  if (path.endsWith('.json')) {
    try {
      JSON.parse(data.toString('utf8'));
    } catch (e) {
      throw new WorkbenchError('BAD_INPUT', `${path}: not JSON (${(e as Error).message})`);
    }
  }
  if (path.startsWith('anchors/') && !data.toString('latin1').includes('-----BEGIN CERTIFICATE-----')) {
    throw new WorkbenchError('BAD_INPUT', `${path}: an anchor must be a PEM certificate`);
  }
}

function safeRel(path: string): boolean {
  const parts = path.split('/');
  return CACHE_AREAS.includes(parts[0] as (typeof CACHE_AREAS)[number]) && parts.length > 1 && parts.every((p) => p !== '' && p !== '.' && p !== '..') && !path.includes('\\') && !path.includes('\0');
}

async function fetchBytes(url: string): Promise<Buffer> {
  const res = await fetch(url, { redirect: 'error' });
  if (!res.ok) throw new WorkbenchError('UNAVAILABLE', `${url}: HTTP ${res.status}`);
  return Buffer.from(await res.arrayBuffer());
}

/**
 * Fills (or refreshes) a trust cache from a folder laid out like one, or from an http(s)
 * base URL that serves `cache-index.json` and the files it lists (each checked against its
 * SHA-256). Every file is validated, then written via temp + rename; the index last.
 */
export async function warmCache(source: string, dest: string): Promise<WarmReport> {
  const isUrl = /^https?:\/\//i.test(source);
  const items: Array<{ path: string; data: Buffer }> = [];
  if (isUrl) {
    const base = source.endsWith('/') ? source : source + '/';
    let index: CacheIndex;
    try {
      index = JSON.parse((await fetchBytes(base + CACHE_INDEX)).toString('utf8')) as CacheIndex;
    } catch (e) {
      throw e instanceof WorkbenchError ? e : new WorkbenchError('BAD_INPUT', `${base}${CACHE_INDEX}: not JSON`);
    }
    for (const f of Array.isArray(index.files) ? index.files : []) {
      if (typeof f.path !== 'string' || !safeRel(f.path)) throw new WorkbenchError('BAD_INPUT', `${CACHE_INDEX}: refused path ${JSON.stringify(f.path)}`);
      const data = await fetchBytes(base + f.path.split('/').map(encodeURIComponent).join('/'));
      if (createHash('sha256').update(data).digest('hex') !== f.sha256) throw new WorkbenchError('BAD_INPUT', `${f.path}: SHA-256 differs from ${CACHE_INDEX}`);
      items.push({ path: f.path, data });
    }
  } else {
    try {
      await lstat(source);
    } catch {
      throw new WorkbenchError('NOT_FOUND', `cannot read ${source}`);
    }
    for (const area of CACHE_AREAS) for (const path of await listArea(source, area)) items.push({ path, data: await readFile(join(source, path)) });
  }
  if (items.length === 0) throw new WorkbenchError('BAD_INPUT', `${source} holds no trust material (expected ${CACHE_AREAS.join('/, ')}/)`);
  for (const item of items) checkMaterial(item.path, item.data);

  const previous = await readCacheIndex(dest);
  const merged = new Map(previous.files.map((f) => [f.path, f]));
  for (const item of items) {
    const target = join(dest, item.path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(`${target}.tmp-${process.pid}`, item.data);
    await rename(`${target}.tmp-${process.pid}`, target);
    merged.set(item.path, { path: item.path, size: item.data.length, sha256: createHash('sha256').update(item.data).digest('hex') });
  }
  const index: CacheIndex = { version: 1, files: [...merged.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)) };
  await mkdir(dest, { recursive: true });
  await writeFile(join(dest, `${CACHE_INDEX}.tmp-${process.pid}`), canonicalize(index)! + '\n');
  await rename(join(dest, `${CACHE_INDEX}.tmp-${process.pid}`), join(dest, CACHE_INDEX));
  return { source, files: items.length, bytes: items.reduce((n, i) => n + i.data.length, 0) };
}

export async function readCacheIndex(dir: string): Promise<CacheIndex> {
  try {
    const parsed = JSON.parse(await readFile(join(dir, CACHE_INDEX), 'utf8')) as CacheIndex;
    return { version: 1, files: Array.isArray(parsed.files) ? parsed.files : [] };
  } catch {
    return { version: 1, files: [] };
  }
}
