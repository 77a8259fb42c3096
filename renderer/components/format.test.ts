import { describe, expect, it } from 'vitest';
import { distinctSorted, formatUtc, middleEllipsis, shortHash } from './format.ts';

describe('format', () => {
  it('formatUtc shows UTC to the second and leaves anything else as it is', () => {
    expect(formatUtc('2026-11-20T09:07:00.000Z')).toBe('2026-11-20 09:07:00 UTC');
    expect(formatUtc('2026-11-20T09:07:00Z')).toBe('2026-11-20 09:07:00 UTC');
    expect(formatUtc('not a time')).toBe('not a time');
  });

  it('shortHash keeps 12 hex digits', () => {
    expect(shortHash('a'.repeat(64))).toBe('aaaaaaaaaaaa…');
    expect(shortHash(null)).toBe('—');
  });

  it('middleEllipsis keeps the start and more of the end', () => {
    const p = '/home/someone/.config/Compliance Workbench/workbench.sqlite';
    const s = middleEllipsis(p, 30);
    expect(s).toBe('/home/some…ch/workbench.sqlite');
    expect(s).toHaveLength(30);
    expect(middleEllipsis('short', 30)).toBe('short');
    expect(() => middleEllipsis(p, 4)).toThrow('max must be at least 5, got 4');
  });

  it('distinctSorted drops duplicates and empties', () => {
    expect(distinctSorted(['globex', 'acme', '', 'acme'])).toEqual(['acme', 'globex']);
  });
});
