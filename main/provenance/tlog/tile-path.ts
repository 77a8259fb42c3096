import { TlogError } from './tlog-error.ts';

/** Hashes per full tile, and entries per full entry bundle (c2sp.org/tlog-tiles). */
export const TILE_WIDTH = 256;
/** Merkle levels per tile level: a tile is a subtree of height 8. */
export const TILE_HEIGHT = 8;
/** Highest tile level the spec allows. */
export const MAX_TILE_LEVEL = 63;
export const CHECKPOINT_PATH = 'checkpoint';

/** A path a tiled log serves. `width` is 256 for full tiles and bundles, 1–255 for partial ones. */
export type LogPath =
  | { kind: 'checkpoint' }
  | { kind: 'tile'; level: number; index: number; width: number }
  | { kind: 'entries'; index: number; width: number };

function checkIndex(index: number, what: string): void {
  if (!Number.isSafeInteger(index) || index < 0) throw new TlogError('BAD_INPUT', `${what} ${index} is not a non-negative safe integer`);
}

function checkWidth(width: number): void {
  if (!Number.isInteger(width) || width < 1 || width > TILE_WIDTH) throw new TlogError('BAD_INPUT', `tile width ${width} is not between 1 and ${TILE_WIDTH}`);
}

/** A tile index as zero-padded 3-digit path elements, all but the last prefixed with x: 1234067 → x001/x234/067. */
export function encodeTileIndex(index: number): string {
  checkIndex(index, 'tile index');
  let n = index;
  const parts = [String(n % 1000).padStart(3, '0')];
  n = Math.floor(n / 1000);
  while (n > 0) {
    parts.unshift(`x${String(n % 1000).padStart(3, '0')}`);
    n = Math.floor(n / 1000);
  }
  return parts.join('/');
}

function suffix(width: number): string {
  checkWidth(width);
  return width === TILE_WIDTH ? '' : `.p/${width}`;
}

/** `tile/<L>/<N>[.p/<W>]` */
export function tilePath(level: number, index: number, width: number = TILE_WIDTH): string {
  if (!Number.isInteger(level) || level < 0 || level > MAX_TILE_LEVEL) throw new TlogError('BAD_INPUT', `tile level ${level} is not between 0 and ${MAX_TILE_LEVEL}`);
  return `tile/${level}/${encodeTileIndex(index)}${suffix(width)}`;
}

/** `tile/entries/<N>[.p/<W>]` */
export function entriesPath(index: number, width: number = TILE_WIDTH): string {
  return `tile/entries/${encodeTileIndex(index)}${suffix(width)}`;
}

/** The folder holding a tile's partial versions, `tile/<L>/<N>.p` (or the entry bundle's). */
export function partialDir(level: number | 'entries', index: number): string {
  return `tile/${level}/${encodeTileIndex(index)}.p`;
}

const TILE_RE = /^tile\/(entries|0|[1-9][0-9]?)\/((?:x[0-9]{3}\/)*[0-9]{3})(?:\.p\/([1-9][0-9]{0,2}))?$/;

/**
 * Parses a log path in its one canonical spelling; anything else (traversal, `%`-escapes,
 * leading zeros, a width of 256, an unpadded index) is null. Servers and folder readers
 * only touch paths this accepts.
 */
export function parseLogPath(path: string): LogPath | null {
  if (path === CHECKPOINT_PATH) return { kind: 'checkpoint' };
  const m = TILE_RE.exec(path);
  if (!m) return null;
  const digits = m[2]!.replace(/x/g, '').replace(/\//g, '');
  const index = Number(digits);
  if (!Number.isSafeInteger(index)) return null;
  const width = m[3] === undefined ? TILE_WIDTH : Number(m[3]);
  if (m[3] !== undefined && width >= TILE_WIDTH) return null; // a partial tile is 1–255 wide
  if (encodeTileIndex(index) !== m[2]) return null; // e.g. x000/001 is not canonical
  if (m[1] === 'entries') return { kind: 'entries', index, width };
  const level = Number(m[1]);
  if (level > MAX_TILE_LEVEL) return null;
  return { kind: 'tile', level, index, width };
}

/**
 * Width of tile `index` at tile `level` in a tree of `size`: 256 when full, 1–255 when
 * partial, 0 when the tree does not reach it.
 */
export function tileWidthAt(level: number, index: number, size: number): number {
  const count = Math.floor(size / TILE_WIDTH ** level); // hashes at this tile level
  const before = index * TILE_WIDTH;
  if (count <= before) return 0;
  return Math.min(TILE_WIDTH, count - before);
}
