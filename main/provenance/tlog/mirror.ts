import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { hashEquals } from '../merkle/hash.ts';
import { verifyConsistency } from '../merkle/verify-consistency.ts';
import { openCheckpoint } from './checkpoint.ts';
import type { OpenedCheckpoint } from './checkpoint.ts';
import { folderFetcher } from './fetcher.ts';
import type { LogFetcher } from './fetcher.ts';
import { httpFetcher } from './http-fetcher.ts';
import { LogStore } from './log-store.ts';
import type { FsOps } from './log-store.ts';
import { parseVerifierKey } from './note-keys.ts';
import { consistencyProofFromTiles } from './tile-proofs.ts';
import { TILE_WIDTH } from './tile-path.ts';
import { TileReader } from './tile-reader.ts';
import { TileWriter } from './tile-writer.ts';
import { TlogError, describeTlogError } from './tlog-error.ts';

export interface MirrorOptions {
  /** The log's verifier key: the source checkpoint must carry its signature. */
  logKey: string;
  /** The log's origin; by default the key name. */
  origin?: string;
  /** Entry bundles fetched, verified and written per step (default 64, i.e. 16,384 entries). */
  chunkBundles?: number;
  fsync?: boolean;
  fsOps?: FsOps;
}

export interface MirrorResult {
  source: string;
  /** Size of the checkpoint dest held before (0 when new). */
  previousSize: number;
  /** Size of the checkpoint dest holds now. */
  size: number;
  /** Files read from the source. */
  fetched: number;
  /** Files written to dest (tiles, bundles, checkpoint). */
  written: number;
  /** The checkpoint dest now serves (the source's, verbatim, when it moved). */
  checkpoint: string;
}

/** A folder path or an http(s) base URL as a fetcher. */
export function fetcherFor(source: LogFetcher | string): LogFetcher {
  if (typeof source !== 'string') return source;
  return /^https?:\/\//i.test(source) ? httpFetcher(source) : folderFetcher(source);
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/**
 * Brings `destDir` up to the source's checkpoint. Before writing anything it verifies the
 * source checkpoint's signature and origin, and that it is consistent with the
 * checkpoint dest already holds. Entries are fetched in chunks; each chunk's tree is
 * proven (by a consistency proof from the source's tiles) to be a prefix of the source
 * checkpoint before its full tiles are written, and the final tree must have the source
 * root before the partial tiles and the checkpoint (the source's, verbatim, last) are
 * written. Tiles are recomputed from the verified entries, so dest never holds a hash it
 * did not check. A source behind or equal to dest writes nothing.
 */
export async function mirrorLog(source: LogFetcher | string, destDir: string, opts: MirrorOptions): Promise<MirrorResult> {
  const inner = fetcherFor(source);
  let fetched = 0;
  const src: LogFetcher = {
    source: inner.source,
    get: (p) => {
      fetched++;
      return inner.get(p);
    },
  };
  const verifier = parseVerifierKey(opts.logKey);
  const origin = opts.origin ?? verifier.name;
  const chunkBundles = opts.chunkBundles ?? 64;
  if (!Number.isInteger(chunkBundles) || chunkBundles < 1) throw new TlogError('BAD_INPUT', `chunkBundles ${chunkBundles} is not a positive integer`);

  const srcNote = await src.get('checkpoint');
  if (!srcNote) throw new TlogError('NOT_FOUND', `${src.source} has no checkpoint`);
  const srcCp = openCheckpoint(srcNote, [verifier], origin);

  const dest = resolve(destDir);
  const destFetcher = folderFetcher(dest);
  const store = new LogStore(dest, { ...(opts.fsync !== undefined ? { fsync: opts.fsync } : {}), ...(opts.fsOps ? { ops: opts.fsOps } : {}) });
  const destNote = await destFetcher.get('checkpoint');
  let destCp: OpenedCheckpoint | null = null;
  let writer = new TileWriter();
  if (destNote) {
    try {
      destCp = openCheckpoint(destNote, [verifier], origin);
    } catch (e) {
      throw new TlogError('CONFLICT', `${dest}: its checkpoint is not this log's: ${describeTlogError(e)}`);
    }
    writer = await TileWriter.load(new TileReader(destFetcher, destCp.size));
    if (!hashEquals(writer.root(), destCp.root)) throw new TlogError('CONFLICT', `${dest}: its tiles give root ${hex(writer.root())}, not its checkpoint's ${hex(destCp.root)}`);
  } else if (existsSync(join(dest, 'tile'))) {
    throw new TlogError('CONFLICT', `${dest} holds tiles but no checkpoint: refusing to mirror over them`);
  }
  const previousSize = destCp?.size ?? 0;
  const unchanged = (): MirrorResult => ({ source: src.source, previousSize, size: previousSize, fetched, written: 0, checkpoint: destCp!.note });

  // The source is not ahead: it must still agree with what dest holds.
  if (destCp && srcCp.size <= destCp.size) {
    if (srcCp.size === destCp.size) {
      if (!hashEquals(srcCp.root, destCp.root)) throw new TlogError('INCONSISTENT', `source and dest both have size ${srcCp.size} but different roots (a fork)`);
    } else if (srcCp.size > 0) {
      const proof = await consistencyProofFromTiles(new TileReader(destFetcher, destCp.size), srcCp.size);
      try {
        verifyConsistency(srcCp.size, destCp.size, proof, srcCp.root, destCp.root);
      } catch (e) {
        throw new TlogError('INCONSISTENT', `source checkpoint (size ${srcCp.size}) is not a prefix of dest's (size ${destCp.size}): ${describeTlogError(e)}`);
      }
    }
    return unchanged();
  }

  const srcReader = new TileReader(src, srcCp.size);
  if (destCp && destCp.size > 0) {
    const proof = await consistencyProofFromTiles(srcReader, destCp.size);
    try {
      verifyConsistency(destCp.size, srcCp.size, proof, destCp.root, srcCp.root);
    } catch (e) {
      throw new TlogError('INCONSISTENT', `source checkpoint (size ${srcCp.size}) does not extend dest's (size ${destCp.size}): ${describeTlogError(e)}`);
    }
  }

  await store.init();
  let written = 0;
  const lastBundle = Math.ceil(srcCp.size / TILE_WIDTH) - 1;
  for (let b = Math.floor(previousSize / TILE_WIDTH); b <= lastBundle; b += chunkBundles) {
    const end = Math.min(b + chunkBundles - 1, lastBundle);
    const bundles = await Promise.all(Array.from({ length: end - b + 1 }, (_, i) => srcReader.entries(b + i)));
    const entries = bundles.flat().slice(writer.size - b * TILE_WIDTH);
    const from = writer.size;
    const { files, obsolete } = writer.append(entries);
    const final = end === lastBundle;
    if (final) {
      files.push(...writer.flushPartials());
      if (!hashEquals(writer.root(), srcCp.root)) throw new TlogError('INCONSISTENT', `the source's entries give root ${hex(writer.root())}, not its checkpoint's ${hex(srcCp.root)}`);
    } else {
      const proof = await consistencyProofFromTiles(srcReader, writer.size);
      try {
        verifyConsistency(writer.size, srcCp.size, proof, writer.root(), srcCp.root);
      } catch (e) {
        throw new TlogError('INCONSISTENT', `the source's entries [${from}, ${writer.size}) are not a prefix of its checkpoint: ${describeTlogError(e)}`);
      }
    }
    await store.writeAll(files);
    await store.removePartialDirs(obsolete);
    written += files.length;
  }
  await store.write('checkpoint', srcNote);
  written++;
  return { source: src.source, previousSize, size: srcCp.size, fetched, written, checkpoint: srcCp.note };
}
