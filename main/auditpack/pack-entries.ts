import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { extract as tarExtract } from 'tar-stream';
import { normalizeEntryName, unsafePathReason } from '../provenance/pack/pack-layout.ts';

/** One file read out of a built pack. */
export interface PackEntryRead {
  path: string;
  size: number;
  sha256: string;
  /** The bytes, when the file is not over the limit the caller gave. */
  data: Buffer | undefined;
}

/**
 * Reads the named regular files of a .tgz in one streaming pass: each one's size and
 * SHA-256, and its bytes when not over `limit` (so a 1 GiB evidence file is hashed, never
 * held). Stops reading once every named file has been seen. Names not found are absent
 * from the result.
 */
export async function readPackEntries(file: string, paths: Iterable<string>, limit: number): Promise<Map<string, PackEntryRead>> {
  const wanted = new Set(paths);
  const found = new Map<string, PackEntryRead>();
  if (wanted.size === 0) return found;
  const stop = new AbortController();
  const extract = tarExtract();
  extract.on('entry', (header, entryStream, next) => {
    const stream = entryStream as unknown as Readable;
    const name = unsafePathReason(header.name) === undefined ? normalizeEntryName(header.name) : undefined;
    const want = name !== undefined && wanted.has(name) && !found.has(name) && (header.type === 'file' || header.type === 'contiguous-file');
    if (!want) {
      stream.on('end', () => next());
      stream.resume();
      return;
    }
    const hash = createHash('sha256');
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    stream.on('end', () => {
      found.set(name, { path: name, size, sha256: hash.digest('hex'), data: size <= limit ? Buffer.concat(chunks) : undefined });
      if (found.size === wanted.size) stop.abort();
      next();
    });
  });
  try {
    await pipeline(createReadStream(file), createGunzip(), extract, { signal: stop.signal });
  } catch (e) {
    // Stopping early once everything was found is not a failure.
    if (!stop.signal.aborted) throw e;
  }
  return found;
}
