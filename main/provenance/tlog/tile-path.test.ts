import { describe, expect, it } from 'vitest';
import { encodeTileIndex, entriesPath, parseLogPath, tilePath, tileWidthAt } from './tile-path.ts';
import { tlogError } from './test-support.ts';

describe('tile paths', () => {
  it('encodes indices as 3-digit elements, all but the last with an x', () => {
    expect(encodeTileIndex(1234067)).toBe('x001/x234/067');
    expect(encodeTileIndex(0)).toBe('000');
    expect(encodeTileIndex(1000)).toBe('x001/000');
    expect(tilePath(0, 5)).toBe('tile/0/005');
    expect(tilePath(2, 1234067, 17)).toBe('tile/2/x001/x234/067.p/17');
    expect(entriesPath(3, 255)).toBe('tile/entries/003.p/255');
    expect(() => tilePath(64, 0)).toThrow(tlogError('BAD_INPUT', 'tile level 64 is not between 0 and 63'));
    expect(() => tilePath(0, 0, 0)).toThrow(tlogError('BAD_INPUT', 'tile width 0 is not between 1 and 256'));
  });

  it('parses only the canonical spelling of a log path', () => {
    expect(parseLogPath('checkpoint')).toEqual({ kind: 'checkpoint' });
    expect(parseLogPath('tile/2/x001/x234/067.p/17')).toEqual({ kind: 'tile', level: 2, index: 1234067, width: 17 });
    expect(parseLogPath('tile/entries/000')).toEqual({ kind: 'entries', index: 0, width: 256 });
    for (const bad of ['tile/0/../checkpoint', 'tile/0/x000/001', 'tile/0/1', 'tile/00/000', 'tile/64/000', 'tile/0/000.p/0', 'tile/0/000.p/256', 'tile/0/000.p/07', 'tile/0/%2e%2e', '/checkpoint', 'tile/0/000/', 'tile/0/000.tmp', 'tile\\0\\000']) {
      expect(parseLogPath(bad), bad).toBeNull();
    }
  });

  it('gives tile widths for a tree size (the tlog-tiles example of 70,000)', () => {
    expect(tileWidthAt(0, 272, 70_000)).toBe(256);
    expect(tileWidthAt(0, 273, 70_000)).toBe(112);
    expect(tileWidthAt(0, 274, 70_000)).toBe(0);
    expect(tileWidthAt(1, 0, 70_000)).toBe(256);
    expect(tileWidthAt(1, 1, 70_000)).toBe(17);
    expect(tileWidthAt(2, 0, 70_000)).toBe(1);
    expect(tileWidthAt(1, 0, 256)).toBe(1);
  });
});
