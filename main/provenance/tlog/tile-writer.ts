import { CompactRange } from '../merkle/compact-range.ts';
import { leafHash } from '../merkle/hash.ts';
import { rangeNodes } from '../merkle/proof-plan.ts';
import { MAX_ENTRY_BYTES, encodeBundle } from './entry-bundle.ts';
import { TILE_HEIGHT, TILE_WIDTH, entriesPath, partialDir, tilePath } from './tile-path.ts';
import type { TileReader } from './tile-reader.ts';
import { TlogError } from './tlog-error.ts';

/** A file a log or mirror writes: a path from the tlog-tiles grammar and its bytes. */
export interface LogFile {
  path: string;
  data: Uint8Array;
}

/**
 * The right edge of a tiled tree in memory: the compact range for the root, the hashes of
 * the rightmost (partial) tile at each tile level, and the entries of the partial bundle.
 * Appending yields the files that change; the same appends always yield the same files.
 */
export class TileWriter {
  #range = new CompactRange();
  #partial: Uint8Array[][] = [];
  #bundle: Uint8Array[] = [];
  readonly #dirty = new Set<number>();
  #bundleDirty = false;

  /** The right edge of the tree a reader sees (its partial tiles, partial bundle and compact range). */
  static async load(reader: TileReader): Promise<TileWriter> {
    const w = new TileWriter();
    const size = reader.size;
    for (let level = 0; TILE_WIDTH ** level <= size; level++) {
      const count = Math.floor(size / TILE_WIDTH ** level);
      if (count % TILE_WIDTH > 0) w.#partial[level] = (await reader.tileHashes(level, Math.floor(count / TILE_WIDTH))).slice();
    }
    if (size % TILE_WIDTH > 0) w.#bundle = await reader.entries(Math.floor(size / TILE_WIDTH));
    if (size > 0) w.#range = CompactRange.fromNodes(size, await Promise.all(rangeNodes(0, size).map((id) => reader.node(id))));
    return w;
  }

  get size(): number {
    return this.#range.size;
  }

  root(): Uint8Array {
    return this.#range.root();
  }

  clone(): TileWriter {
    const c = new TileWriter();
    c.#range = this.#range.clone();
    c.#partial = this.#partial.map((p) => p.slice());
    c.#bundle = this.#bundle.slice();
    for (const l of this.#dirty) c.#dirty.add(l);
    c.#bundleDirty = this.#bundleDirty;
    return c;
  }

  /**
   * Appends entries. Returns the full tiles and bundles they complete, and the partial
   * folders those make obsolete; partial tiles come from `flushPartials`, so a long
   * append in chunks writes each partial tile once.
   */
  append(entries: readonly Uint8Array[]): { files: LogFile[]; obsolete: string[] } {
    entries.forEach((e, i) => {
      if (!(e instanceof Uint8Array)) throw new TlogError('BAD_INPUT', `entry ${i} is not bytes`);
      if (e.length > MAX_ENTRY_BYTES) throw new TlogError('BAD_INPUT', `entry ${i} is ${e.length} bytes, over the ${MAX_ENTRY_BYTES}-byte limit`);
    });
    const files: LogFile[] = [];
    const obsolete: string[] = [];
    const visit = (level: number, index: number, hash: Uint8Array): void => {
      if (level % TILE_HEIGHT !== 0) return;
      const tileLevel = level / TILE_HEIGHT;
      const row = (this.#partial[tileLevel] ??= []);
      row.push(hash);
      this.#dirty.add(tileLevel);
      if (row.length === TILE_WIDTH) {
        const tileIndex = Math.floor(index / TILE_WIDTH);
        files.push({ path: tilePath(tileLevel, tileIndex), data: Buffer.concat(row) });
        obsolete.push(partialDir(tileLevel, tileIndex));
        this.#partial[tileLevel] = [];
      }
    };
    for (const e of entries) {
      const copy = Uint8Array.from(e); // the caller may reuse its buffer
      const index = this.#range.size;
      this.#bundle.push(copy);
      this.#bundleDirty = true;
      if (this.#bundle.length === TILE_WIDTH) {
        const bundleIndex = Math.floor(index / TILE_WIDTH);
        files.push({ path: entriesPath(bundleIndex), data: encodeBundle(this.#bundle) });
        obsolete.push(partialDir('entries', bundleIndex));
        this.#bundle = [];
      }
      this.#range.append(leafHash(copy), visit);
    }
    return { files, obsolete };
  }

  /** The partial tiles and bundle changed since the last flush. */
  flushPartials(): LogFile[] {
    const files: LogFile[] = [];
    const size = this.#range.size;
    if (this.#bundleDirty && this.#bundle.length > 0) {
      files.push({ path: entriesPath(Math.floor(size / TILE_WIDTH), this.#bundle.length), data: encodeBundle(this.#bundle) });
    }
    for (const level of [...this.#dirty].sort((a, b) => a - b)) {
      const row = this.#partial[level]!;
      if (row.length === 0) continue;
      const count = Math.floor(size / TILE_WIDTH ** level);
      files.push({ path: tilePath(level, Math.floor(count / TILE_WIDTH), row.length), data: Buffer.concat(row) });
    }
    this.#dirty.clear();
    this.#bundleDirty = false;
    return files;
  }
}
