import { describe, expect, it } from 'vitest';
import { artifactSha256, isDigestArgument, parseDigestArgument } from './artifact-input.ts';

const HEX = 'a0cfc71271d6e278e57cd332ff957c3f7043fdda354c4cbb190a30d56efa01bf';

describe('artifact input', () => {
  it('reads sha256:<hex> as a digest, any case', () => {
    const a = parseDigestArgument(`sha256:${HEX.toUpperCase()}`);
    expect(a.kind).toBe('digest');
    expect(artifactSha256(a).toString('hex')).toBe(HEX);
  });

  it('refuses a digest that is not 64 hex digits, naming it', () => {
    expect(() => parseDigestArgument('sha256:abc')).toThrow('artifact digest "sha256:abc" is not sha256: followed by 64 hex digits');
    expect(() => parseDigestArgument(`sha512:${HEX}`)).toThrowError(expect.objectContaining({ code: 'BAD_INPUT' }));
  });

  it('tells a digest operand from a file name', () => {
    expect(isDigestArgument(`sha256:${HEX}`)).toBe(true);
    expect(isDigestArgument('a.txt')).toBe(false);
  });

  it('hashes bytes with SHA-256', () => {
    expect(artifactSha256({ kind: 'bytes', bytes: Buffer.from('abc') }).toString('hex')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
