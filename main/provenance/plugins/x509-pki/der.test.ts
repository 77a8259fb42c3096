import { describe, expect, it } from 'vitest';
import { childrenOf, decodeOid, integerBytes, readSingle, timeSeconds } from './der.ts';
import type { Tlv } from './der.ts';

const hex = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h.replace(/\s/g, ''), 'hex'));
const err = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  return 'no error';
};

describe('strict DER reading', () => {
  it('reads nested TLVs without copying', () => {
    const t = readSingle(hex('3006 0201 05 0401 ff'), 'x');
    const [a, b] = childrenOf(t, 'x');
    expect([a!.num, [...a!.value], b!.num, [...b!.value]]).toEqual([2, [5], 4, [0xff]]);
  });

  it('refuses BER forms and stray bytes', () => {
    expect(err(() => readSingle(hex('3080 0000'), 'x'))).toBe('x: indefinite length is not DER');
    expect(err(() => readSingle(hex('3081 03 020105'), 'x'))).toBe('x: length not minimally encoded');
    expect(err(() => readSingle(hex('3003 020105 00'), 'x'))).toBe('x: 1 trailing bytes');
    expect(err(() => readSingle(hex('3005 0201'), 'x'))).toBe('x: truncated value (needs 5 bytes, has 2)');
    expect(err(() => readSingle(hex('1f01 00'), 'x'))).toBe('x: high-tag-number form is not used in X.509');
  });

  it('refuses non-minimal INTEGERs', () => {
    expect(err(() => integerBytes(readSingle(hex('0202 0005'), 'n'), 'n'))).toBe('n: INTEGER not minimally encoded');
    expect([...integerBytes(readSingle(hex('0202 0080'), 'n'), 'n')]).toEqual([0, 0x80]);
  });

  it('decodes OIDs, including large arcs', () => {
    expect(decodeOid(hex('2a864886f70d010101'), 'o')).toBe('1.2.840.113549.1.1.1');
    expect(decodeOid(hex('550403'), 'o')).toBe('2.5.4.3');
    expect(err(() => decodeOid(hex('2a80 01'), 'o'))).toBe('o: OBJECT IDENTIFIER arc not minimally encoded');
  });
});

describe('certificate times (RFC 5280 4.1.2.5)', () => {
  const t = (tag: number, s: string): Tlv => readSingle(Uint8Array.from([tag, s.length, ...Buffer.from(s)]), 't');
  it('reads UTCTime with the 1950/2050 pivot and GeneralizedTime', () => {
    expect(timeSeconds(t(0x17, '240301000000Z'), 't')).toBe(Date.UTC(2024, 2, 1) / 1000);
    expect(timeSeconds(t(0x17, '700101000001Z'), 't')).toBe(1);
    expect(timeSeconds(t(0x18, '29690503000001Z'), 't')).toBe(Date.UTC(2969, 4, 3, 0, 0, 1) / 1000);
  });
  it('refuses fractions, offsets and impossible dates', () => {
    expect(err(() => timeSeconds(t(0x18, '20240301000000.5Z'), 't'))).toBe('t: GeneralizedTime must be YYYYMMDDHHMMSSZ, found "20240301000000.5Z"');
    expect(err(() => timeSeconds(t(0x17, '2403010000+0100'), 't'))).toBe('t: UTCTime must be YYMMDDHHMMSSZ, found "2403010000+0100"');
    expect(err(() => timeSeconds(t(0x17, '240230000000Z'), 't'))).toBe('t: not a calendar time: "240230000000Z"');
  });
});
