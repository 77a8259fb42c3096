import canonicalize from 'canonicalize';
import { describe, expect, it } from 'vitest';
import { CanonicalJsonError, canonicalJson, writeCanonical } from './canonical-json.ts';

describe('canonical JSON (RFC 8785)', () => {
  const samples: unknown[] = [
    { b: 1, a: [3, 2, 1], c: { z: null, y: true, x: 'é\n"q"' } },
    { '\u20ac': 1, $: 2, '\u00e9': 3, A: 4, a: 5, '10': 6, '9': 7 },
    [1e21, 1e-7, -0.5, 0, 123456789012345, 'x'],
    { nested: [{ k: [] }, {}] },
  ];

  it.each(samples.map((s, i) => [i, s]))('sample %i matches the canonicalize package', (_i, value) => {
    expect(canonicalJson(value as never)).toBe(canonicalize(value));
  });

  it('writes typed arrays as arrays of numbers, in chunks', () => {
    const ids = Float64Array.from({ length: 20_000 }, (_, i) => i * 3 + 1);
    const chunks: string[] = [];
    writeCanonical({ ids, n: ids.length }, (c) => chunks.push(c));
    expect(chunks.length).toBeGreaterThan(3);
    expect(chunks.join('')).toBe(canonicalize({ ids: Array.from(ids), n: 20_000 }));
  });

  it('leaves out undefined members like JSON.stringify', () => {
    expect(canonicalJson({ a: 1, b: undefined })).toBe('{"a":1}');
  });

  it('refuses numbers JSON cannot hold, naming the path', () => {
    expect(() => canonicalJson({ a: [1, Number.NaN] })).toThrow(new CanonicalJsonError('$.a[1]: NaN has no JSON form'));
    expect(() => canonicalJson({ ids: Float64Array.of(1, Infinity) })).toThrow(new CanonicalJsonError('$.ids[0]: Infinity has no JSON form'));
  });
});
