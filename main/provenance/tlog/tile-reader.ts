import { HASH_SIZE, leafHash, nodeHash } from '../merkle/hash.ts';
import type { NodeId } from '../merkle/proof-plan.ts';
import { decodeBundle } from './entry-bundle.ts';
import type { LogFetcher } from './fetcher.ts';
import { TILE_HEIGHT, TILE_WIDTH, entriesPath, tilePath, tileWidthAt } from './tile-path.ts';
import { TlogError } from './tlog-error.ts';

/** The hash of the perfect subtree over `hashes` (a power-of-two count). */
function perfectRoot(hashes: readonly Uint8Array[]): Uint8Array {
  let row = hashes.slice();
  while (row.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i < row.length; i += 2) next.push(nodeHash(row[i]!, row[i + 1]!));
    row = next;
  }
  return row[0]!;
}

/**
 * Reads the Merkle tree of one tree size from a tiled log. Tiles are read at the width
 * that size implies; a missing partial tile falls back to the full tile (the spec lets
 * logs delete partial tiles once the full one exists). Tiles are cached per reader. The
 * hashes are NOT authenticated here: whatever is built from them must be checked against
 * a signed checkpoint.
 */
export class TileReader {
  readonly fetcher: LogFetcher;
  readonly size: number;
  readonly #tiles = new Map<string, Promise<Uint8Array[]>>();

  constructor(fetcher: LogFetcher, size: number) {
    if (!Number.isSafeInteger(size) || size < 0) throw new TlogError('BAD_INPUT', `tree size ${size} is not a non-negative safe integer`);
    this.fetcher = fetcher;
    this.size = size;
  }

  /** The hashes of tile (level, index) at this tree size. */
  tileHashes(level: number, index: number): Promise<Uint8Array[]> {
    const key = `${level}/${index}`;
    let p = this.#tiles.get(key);
    if (!p) {
      p = this.#readTile(level, index);
      this.#tiles.set(key, p);
      // A failed read is not cached: the next caller may try again.
      p.catch(() => this.#tiles.delete(key));
    }
    return p;
  }

  async #readTile(level: number, index: number): Promise<Uint8Array[]> {
    const width = tileWidthAt(level, index, this.size);
    if (width === 0) throw new TlogError('BAD_INPUT', `tile ${level}/${index} is beyond tree size ${this.size}`);
    const got = await this.#readOrFull(tilePath(level, index, width), tilePath(level, index), width);
    const expected = (got.full ? TILE_WIDTH : width) * HASH_SIZE;
    if (got.data.length !== expected) throw new TlogError('BAD_TILE', `${got.path}: ${got.data.length} bytes, expected ${expected}`);
    const data = got.data;
    const out: Uint8Array[] = [];
    for (let i = 0; i < width; i++) out.push(data.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE));
    return out;
  }

  /** Reads `path`, or when a partial file is gone, the full one (the spec lets logs delete partials). */
  async #readOrFull(path: string, fullPath: string, width: number): Promise<{ data: Uint8Array; path: string; full: boolean }> {
    const data = await this.fetcher.get(path);
    if (data) return { data, path, full: width === TILE_WIDTH };
    if (width < TILE_WIDTH) {
      const full = await this.fetcher.get(fullPath);
      if (full) return { data: full, path: fullPath, full: true };
    }
    throw new TlogError('NOT_FOUND', `${path} is missing from ${this.fetcher.source}`);
  }

  /** The hash of a perfect subtree of the tree, computed from the tile that holds it. */
  async node(id: NodeId): Promise<Uint8Array> {
    const tileLevel = Math.floor(id.level / TILE_HEIGHT);
    const span = 2 ** (id.level % TILE_HEIGHT); // tile hashes under the node
    const first = id.index * span;
    if ((id.index + 1) * 2 ** id.level > this.size) throw new TlogError('BAD_INPUT', `node ${id.level}/${id.index} is not in a tree of size ${this.size}`);
    const hashes = await this.tileHashes(tileLevel, Math.floor(first / TILE_WIDTH));
    const pos = first % TILE_WIDTH;
    return perfectRoot(hashes.slice(pos, pos + span));
  }

  /** Entry bundle `index` at this tree size, decoded; its entries must hash to the level-0 tile. */
  async entries(index: number): Promise<Uint8Array[]> {
    const width = tileWidthAt(0, index, this.size);
    if (width === 0) throw new TlogError('BAD_INPUT', `entry bundle ${index} is beyond tree size ${this.size}`);
    const path = entriesPath(index, width);
    const got = await this.#readOrFull(path, entriesPath(index), width);
    const entries = decodeBundle(got.data, got.full ? TILE_WIDTH : width, got.path).slice(0, width);
    const hashes = await this.tileHashes(0, index);
    entries.forEach((e, i) => {
      const h = leafHash(e);
      if (Buffer.compare(Buffer.from(h), Buffer.from(hashes[i]!)) !== 0) throw new TlogError('BAD_TILE', `${path}: entry ${index * TILE_WIDTH + i} does not hash to its level-0 tile`);
    });
    return entries;
  }

  async readNodes(ids: readonly NodeId[]): Promise<Map<string, Uint8Array>> {
    const out = new Map<string, Uint8Array>();
    const hashes = await Promise.all(ids.map((id) => this.node(id)));
    ids.forEach((id, i) => out.set(`${id.level}/${id.index}`, hashes[i]!));
    return out;
  }
}
