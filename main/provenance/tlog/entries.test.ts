import { describe, expect, it } from 'vitest';
import { decodeBundle, encodeBundle } from './entry-bundle.ts';
import { PACK_ENTRY_TYPE, decodePackEntry, encodePackEntry } from './log-entry.ts';
import { tlogError } from './test-support.ts';

describe('entry bundles', () => {
  it('length-prefixes each entry with a big-endian uint16', () => {
    const b = encodeBundle([Buffer.from('one'), new Uint8Array(0), Buffer.from('three')]);
    expect(Buffer.from(b).toString('hex')).toBe('00036f6e65' + '0000' + '00057468726565');
    expect(decodeBundle(b, 3, 'x').map((e) => Buffer.from(e).toString())).toEqual(['one', '', 'three']);
  });

  it('refuses bundles that do not hold what they should', () => {
    const b = encodeBundle([Buffer.from('one')]);
    expect(() => decodeBundle(b, 2, 'tile/entries/000.p/2')).toThrow(tlogError('BAD_TILE', 'tile/entries/000.p/2: holds 1 entries, expected 2'));
    expect(() => decodeBundle(b.subarray(0, 4), 1, 'b')).toThrow(tlogError('BAD_TILE', 'b: entry 0 runs past the end of the bundle'));
    expect(() => decodeBundle(Uint8Array.of(0), 1, 'b')).toThrow(tlogError('BAD_TILE', 'b: truncated length prefix at byte 0'));
    expect(() => encodeBundle([new Uint8Array(65536)])).toThrow(tlogError('BAD_INPUT', 'entry 0 is 65536 bytes, over the 65535-byte limit'));
  });
});

describe('pack log entries', () => {
  const e = { manifestRoot: 'a'.repeat(64), signatureDigest: 'b'.repeat(64) };

  it('encode as RFC 8785 canonical JSON with a type tag', () => {
    const bytes = encodePackEntry(e);
    expect(Buffer.from(bytes).toString()).toBe(`{"manifestRoot":"${'a'.repeat(64)}","signatureDigest":"${'b'.repeat(64)}","type":"${PACK_ENTRY_TYPE}"}`);
    expect(decodePackEntry(bytes)).toEqual(e);
  });

  it('refuse malformed digests and non-canonical spellings', () => {
    expect(() => encodePackEntry({ ...e, manifestRoot: 'A'.repeat(64) })).toThrow(tlogError('BAD_INPUT', 'manifestRoot must be 64 lower-case hex digits'));
    expect(() => encodePackEntry({ ...e, signatureDigest: 'sha256:' + 'b'.repeat(64) })).toThrow(tlogError('BAD_INPUT', 'signatureDigest must be 64 lower-case hex digits'));
    const spaced = Buffer.from(JSON.stringify({ type: PACK_ENTRY_TYPE, manifestRoot: e.manifestRoot, signatureDigest: e.signatureDigest }, null, 1));
    expect(() => decodePackEntry(spaced)).toThrow(tlogError('BAD_INPUT', 'pack log entry is not in canonical form'));
    expect(() => decodePackEntry(Buffer.from('{"type":"other"}'))).toThrow(tlogError('BAD_INPUT', `pack log entry is not a ${PACK_ENTRY_TYPE} record`));
    expect(() => decodePackEntry(Buffer.from('not json'))).toThrow(tlogError('BAD_INPUT', 'pack log entry is not UTF-8 JSON'));
  });
});
