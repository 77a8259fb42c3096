import { existsSync } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { nodeHttpFetcher } from './http-fetcher.ts';
import type { TufFetcher } from './http-fetcher.ts';
import { TufVerifyError } from './reasons.ts';

/**
 * Where TUF metadata and targets are read from. Implementations never write, and name files
 * in errors by their repository-relative path (`metadata/…`, `targets/…`) or URL, never by
 * a local path, so results do not depend on where a folder sits.
 */
export interface RepositorySource {
  readonly kind: 'directory' | 'url';
  /** `metadata/<fileName>`; null when absent. */
  metadata(fileName: string, maxLength: number): Promise<Uint8Array | null>;
  /** `targets/<segments…>`; null when absent. */
  target(segments: string[], maxLength: number): Promise<Uint8Array | null>;
}

/** A repository base (folder or URL) holding `metadata/` and `targets/`, or the two given apart. */
export type RepositoryLocation = string | { metadata: string; targets: string };

export function isHttpUrl(s: string): boolean {
  return /^https?:\/\//i.test(s);
}

/** Opens a location: http(s) URLs through `fetcher` (default node:http/https), anything else as a folder. */
export function openRepository(location: RepositoryLocation, fetcher?: TufFetcher): RepositorySource {
  const { metadata, targets } =
    typeof location === 'string'
      ? isHttpUrl(location)
        ? { metadata: joinUrl(location, 'metadata'), targets: joinUrl(location, 'targets') }
        : { metadata: path.join(location, 'metadata'), targets: path.join(location, 'targets') }
      : location;
  const http = isHttpUrl(metadata);
  if (http !== isHttpUrl(targets)) throw new TufVerifyError('BAD_INPUT', 'repository metadata and targets must both be URLs or both be folders');
  if (http) return httpSource(metadata, targets, fetcher ?? nodeHttpFetcher());
  // Said plainly here, rather than later as "timestamp.json not found"; no path, as results must not depend on one.
  if (!existsSync(metadata)) throw new TufVerifyError('BAD_INPUT', 'repository: no metadata folder there');
  return dirSource(metadata, targets);
}

function joinUrl(base: string, ...segments: string[]): string {
  return `${base.replace(/\/+$/, '')}/${segments.join('/')}`;
}

export function httpSource(metadataUrl: string, targetsUrl: string, fetcher: TufFetcher): RepositorySource {
  return {
    kind: 'url',
    // The role part is already percent-encoded by metadataFileName.
    metadata: (fileName, maxLength) => fetcher.get(joinUrl(metadataUrl, fileName), maxLength),
    target: (segments, maxLength) => fetcher.get(joinUrl(targetsUrl, ...segments.map(encodeURIComponent)), maxLength),
  };
}

export function dirSource(metadataDir: string, targetsDir: string): RepositorySource {
  return {
    kind: 'directory',
    metadata: (fileName, maxLength) => readLimited(path.join(metadataDir, fileName), `metadata/${fileName}`, maxLength),
    target: (segments, maxLength) => readLimited(path.join(targetsDir, ...segments), `targets/${segments.join('/')}`, maxLength),
  };
}

/** Reads a whole file of at most maxLength bytes; null when it does not exist. */
async function readLimited(file: string, label: string, maxLength: number): Promise<Uint8Array | null> {
  let fh;
  try {
    fh = await open(file, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw new TufVerifyError('FETCH_FAILED', `${label}: ${code ?? 'unreadable'}`);
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw new TufVerifyError('FETCH_FAILED', `${label} is not a file`);
    if (st.size > maxLength) throw new TufVerifyError('TOO_LARGE', `${label} is ${st.size} bytes, more than the ${maxLength} allowed`);
    // Read one byte past the size stat gave, so a file that changes under us is caught.
    const buf = Buffer.alloc(st.size + 1);
    let total = 0;
    for (;;) {
      const { bytesRead } = await fh.read(buf, total, buf.length - total, total);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > st.size) throw new TufVerifyError('FETCH_FAILED', `${label} changed while it was read`);
    }
    return new Uint8Array(buf.subarray(0, total));
  } catch (e) {
    if (e instanceof TufVerifyError) throw e;
    throw new TufVerifyError('FETCH_FAILED', `${label}: ${(e as NodeJS.ErrnoException).code ?? 'read failed'}`);
  } finally {
    await fh.close();
  }
}
