import { createReadStream } from 'node:fs';
import { lstat, readdir, readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { createGunzip } from 'node:zlib';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { extract as tarExtract } from 'tar-stream';
import { WorkbenchError } from '../../../shared/api/errors.ts';
import { HashPool, type HashResult } from './hash-pool.ts';
import {
  ATTESTATION_DIR,
  MANIFEST_NAME,
  MAX_ATTESTATION_BYTES,
  MAX_ENTRIES,
  MAX_MANIFEST_BYTES,
  normalizeEntryName,
  unsafePathReason,
} from './pack-layout.ts';

/** What a pack holds, read without trusting it: nothing is written anywhere. */
export interface PackContents {
  source: 'folder' | 'tgz';
  manifestBytes: Buffer | undefined;
  /** Attestation files by name inside attestations/. */
  attestations: Map<string, Buffer>;
  /** Evidence files (everything else) by pack path. */
  files: Map<string, HashResult>;
  /** Problems with the container itself: links, unsafe names, truncation. Any one fails verification. */
  problems: string[];
}

/** Sizes the manifest claims, read leniently, so hashing can stop at the first byte too many. */
function claimedSizes(manifestBytes: Buffer | undefined): Map<string, number> {
  const sizes = new Map<string, number>();
  if (!manifestBytes) return sizes;
  try {
    const m = JSON.parse(manifestBytes.toString('utf8')) as { files?: Array<{ path?: unknown; size?: unknown }> };
    for (const f of Array.isArray(m.files) ? m.files : []) {
      if (typeof f.path === 'string' && typeof f.size === 'number') sizes.set(f.path, f.size);
    }
  } catch {
    // The verifier reports the broken manifest; here it only means no early stop.
  }
  return sizes;
}

export async function readPack(input: string, pool?: HashPool): Promise<PackContents> {
  let st;
  try {
    st = await lstat(input);
  } catch (e) {
    throw new WorkbenchError('NOT_FOUND', `cannot read ${input}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { path: input });
  }
  if (st.isDirectory()) return readFolderPack(input, pool);
  if (st.isFile()) return readTgzPack(input);
  throw new WorkbenchError('BAD_INPUT', `${input} is neither a folder nor a .tgz file`, { path: input });
}

async function readFolderPack(dir: string, sharedPool?: HashPool): Promise<PackContents> {
  const contents: PackContents = { source: 'folder', manifestBytes: undefined, attestations: new Map(), files: new Map(), problems: [] };
  // The manifest first, so hashing can start while the folder is still being walked.
  const manifestPath = join(dir, MANIFEST_NAME);
  const ms = await lstat(manifestPath).catch(() => undefined);
  if (ms?.isFile()) {
    if (ms.size > MAX_MANIFEST_BYTES) contents.problems.push(`${MANIFEST_NAME}: ${ms.size} bytes is over the ${MAX_MANIFEST_BYTES}-byte limit`);
    else contents.manifestBytes = await readFile(manifestPath);
  }
  const claimed = claimedSizes(contents.manifestBytes);
  const pool = sharedPool ?? new HashPool();
  const pending: Promise<void>[] = [];

  async function walk(rel: string): Promise<void> {
    const entries = await readdir(join(dir, rel), { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const childRel = rel ? `${rel}/${entry.name}` : entry.name;
      const abs = join(dir, childRel);
      if (entry.isSymbolicLink()) contents.problems.push(`${childRel}: links are not allowed in a pack`);
      else if (entry.isDirectory()) await walk(childRel);
      else if (!entry.isFile()) contents.problems.push(`${childRel}: not a regular file`);
      else if (childRel === MANIFEST_NAME) continue;
      else if (childRel.startsWith(ATTESTATION_DIR + '/')) {
        const size = (await lstat(abs)).size;
        if (size > MAX_ATTESTATION_BYTES) contents.problems.push(`${childRel}: ${size} bytes is over the attestation size limit`);
        else contents.attestations.set(childRel.slice(ATTESTATION_DIR.length + 1), await readFile(abs));
      } else {
        const expected = claimed.get(childRel);
        // Unlisted files are reported as unexpected with their size, without reading them.
        pending.push(
          expected === undefined
            ? lstat(abs).then((s) => void contents.files.set(childRel, { ok: false, reason: 'too-large', size: s.size }))
            : pool.hash(abs, expected).then((r) => void contents.files.set(childRel, r)),
        );
      }
    }
  }
  try {
    await walk('');
    await Promise.all(pending);
  } finally {
    if (!sharedPool) await pool.close();
  }
  // Insertion order follows hashing completion; give callers the walk's stable order.
  contents.files = new Map([...contents.files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return contents;
}

function drained(stream: Readable): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.on('end', () => resolve());
    stream.on('error', reject);
  });
}

async function bufferEntry(stream: Readable, limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size <= limit) chunks.push(chunk as Buffer);
  }
  return size <= limit ? Buffer.concat(chunks) : undefined;
}

async function hashEntry(stream: Readable, maxBytes: number | undefined): Promise<HashResult> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (maxBytes === undefined || size <= maxBytes) hash.update(chunk as Buffer);
  }
  if (maxBytes !== undefined && size > maxBytes) return { ok: false, reason: 'too-large', size };
  return { ok: true, size, sha256: hash.digest('hex') };
}

/**
 * Reads a .tgz pack in one streaming pass, hashing entries as they pass and writing
 * nothing to disk. Links, devices, absolute and `..` names are refused, not followed.
 */
async function readTgzPack(file: string): Promise<PackContents> {
  const contents: PackContents = { source: 'tgz', manifestBytes: undefined, attestations: new Map(), files: new Map(), problems: [] };
  const extract = tarExtract();
  let entries = 0;
  let claimed = new Map<string, number>();
  extract.on('entry', (header, entryStream, next) => {
    const stream = entryStream as unknown as Readable;
    const finish = (p: Promise<unknown>) =>
      p.then(
        () => next(),
        (e: unknown) => next(e as Error),
      );
    entries++;
    const unsafe = unsafePathReason(header.name);
    if (entries > MAX_ENTRIES) {
      contents.problems.push(`archive has more than ${MAX_ENTRIES} entries`);
      stream.resume();
      return finish(drained(stream));
    }
    if (unsafe) {
      contents.problems.push(`archive entry ${JSON.stringify(header.name)} ${unsafe}`);
      stream.resume();
      return finish(drained(stream));
    }
    const name = normalizeEntryName(header.name);
    if (header.type === 'directory') {
      stream.resume();
      return finish(drained(stream));
    }
    if (header.type !== 'file' && header.type !== 'contiguous-file') {
      contents.problems.push(`archive entry ${name} is a ${header.type}: links and special files are not allowed`);
      stream.resume();
      return finish(drained(stream));
    }
    const seen = name === MANIFEST_NAME ? contents.manifestBytes !== undefined : contents.files.has(name) || contents.attestations.has(name.slice(ATTESTATION_DIR.length + 1));
    if (seen) contents.problems.push(`archive entry ${name} appears more than once`);
    if (name === MANIFEST_NAME) {
      return finish(
        bufferEntry(stream, MAX_MANIFEST_BYTES).then((b) => {
          if (b) {
            contents.manifestBytes = b;
            claimed = claimedSizes(b);
          } else contents.problems.push(`${MANIFEST_NAME} is over the ${MAX_MANIFEST_BYTES}-byte limit`);
        }),
      );
    }
    if (name.startsWith(ATTESTATION_DIR + '/')) {
      return finish(
        bufferEntry(stream, MAX_ATTESTATION_BYTES).then((b) => {
          if (b) contents.attestations.set(name.slice(ATTESTATION_DIR.length + 1), b);
          else contents.problems.push(`${name} is over the attestation size limit`);
        }),
      );
    }
    // Once the manifest is known (our packer writes it first), unlisted entries are only sized.
    const limit = contents.manifestBytes ? (claimed.get(name) ?? 0) : undefined;
    return finish(hashEntry(stream, limit).then((r) => contents.files.set(name, r)));
  });
  try {
    await pipeline(createReadStream(file), createGunzip(), extract);
  } catch (e) {
    contents.problems.push(`archive is truncated or corrupted: ${(e as Error).message}`);
  }
  return contents;
}
