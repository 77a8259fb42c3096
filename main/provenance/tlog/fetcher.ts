import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { MAX_NOTE_BYTES } from './signed-note.ts';
import { MAX_ENTRY_BYTES } from './entry-bundle.ts';
import { TILE_WIDTH, parseLogPath } from './tile-path.ts';
import type { LogPath } from './tile-path.ts';
import { TlogError } from './tlog-error.ts';

/**
 * Reads a tiled log: `get('checkpoint')`, `get('tile/0/000.p/5')`. Resolves to the bytes,
 * or null when the source says the file is absent; throws TlogError (BAD_INPUT for a path
 * outside the tlog-tiles grammar, FETCH_FAILED, BAD_TILE when over the size limit).
 */
export interface LogFetcher {
  /** Where the log is read from, for messages. */
  readonly source: string;
  get(path: string): Promise<Uint8Array | null>;
}

/** The largest a file at `p` may be: tiles are 32 bytes per hash, bundles 2 + 65535 per entry. */
export function maxBytesFor(p: LogPath): number {
  if (p.kind === 'checkpoint') return MAX_NOTE_BYTES;
  if (p.kind === 'tile') return p.width * 32;
  return p.width * (2 + MAX_ENTRY_BYTES);
}

export function checkedLogPath(path: string): LogPath {
  const p = parseLogPath(path);
  if (!p) throw new TlogError('BAD_INPUT', `${JSON.stringify(path)} is not a tlog-tiles path`);
  return p;
}

// Refuse to follow a link planted in the folder (where supported).
const NOFOLLOW = constants.O_NOFOLLOW ?? 0;

/** Reads a log file under `dir`; the path must be a canonical log path, links are not followed. */
export async function readLogFile(dir: string, path: string): Promise<Uint8Array | null> {
  const p = checkedLogPath(path);
  const full = join(resolve(dir), ...path.split('/'));
  let fh;
  try {
    fh = await open(full, constants.O_RDONLY | NOFOLLOW);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw new TlogError('FETCH_FAILED', `${path}: ${code ?? (e as Error).message}`);
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw new TlogError('FETCH_FAILED', `${path}: not a regular file`);
    const limit = maxBytesFor(p);
    if (st.size > limit) throw new TlogError('BAD_TILE', `${path}: ${st.size} bytes, over the ${limit}-byte limit`);
    return new Uint8Array(await fh.readFile());
  } finally {
    await fh.close();
  }
}

/** A fetcher over a log folder on disk (a log, a mirror, a copied folder). */
export function folderFetcher(dir: string): LogFetcher {
  return { source: resolve(dir), get: (path) => readLogFile(dir, path) };
}

/** Full tiles hold exactly this many bytes. */
export const FULL_TILE_BYTES = TILE_WIDTH * 32;
