import { X509Error } from './x509-error.ts';

/**
 * A strict DER reader. Certificates are compared and chained by the exact bytes they carry,
 * so we read them without re-encoding (the ASN.1 libraries re-serialise names, which can
 * change the bytes of non-canonical encodings).
 */
export interface Tlv {
  /** Tag class: 0 universal, 1 application, 2 context-specific, 3 private. */
  cls: number;
  constructed: boolean;
  /** Tag number (low-tag form only: X.509 needs no tag above 30). */
  num: number;
  /** The whole TLV (header and value). */
  bytes: Uint8Array;
  /** The value octets. */
  value: Uint8Array;
}

export const UNIVERSAL = 0;
export const CONTEXT = 2;

export const TAG = {
  BOOLEAN: 1,
  INTEGER: 2,
  BIT_STRING: 3,
  OCTET_STRING: 4,
  NULL: 5,
  OID: 6,
  UTF8_STRING: 12,
  SEQUENCE: 16,
  SET: 17,
  PRINTABLE_STRING: 19,
  IA5_STRING: 22,
  UTC_TIME: 23,
  GENERALIZED_TIME: 24,
} as const;

function fail(what: string, detail: string): never {
  throw new X509Error('MALFORMED', `${what}: ${detail}`);
}

/** Reads one TLV at `offset`; returns it and the offset after it. */
export function readTlvAt(buf: Uint8Array, offset: number, what: string): { tlv: Tlv; next: number } {
  if (offset >= buf.length) fail(what, 'truncated (no tag)');
  const first = buf[offset]!;
  const num = first & 0x1f;
  if (num === 0x1f) fail(what, 'high-tag-number form is not used in X.509');
  let p = offset + 1;
  if (p >= buf.length) fail(what, 'truncated (no length)');
  const l0 = buf[p++]!;
  let len: number;
  if (l0 < 0x80) {
    len = l0;
  } else {
    const n = l0 & 0x7f;
    if (n === 0) fail(what, 'indefinite length is not DER');
    if (n > 4) fail(what, 'length too large');
    if (p + n > buf.length) fail(what, 'truncated length');
    if (buf[p] === 0) fail(what, 'length not minimally encoded');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[p + i]!;
    p += n;
    if (len < 0x80) fail(what, 'length not minimally encoded');
  }
  const end = p + len;
  if (end > buf.length) fail(what, `truncated value (needs ${len} bytes, has ${buf.length - p})`);
  return {
    tlv: {
      cls: first >> 6,
      constructed: (first & 0x20) !== 0,
      num,
      bytes: buf.subarray(offset, end),
      value: buf.subarray(p, end),
    },
    next: end,
  };
}

/** Reads exactly one TLV spanning all of `buf` (no trailing bytes). */
export function readSingle(buf: Uint8Array, what: string): Tlv {
  const { tlv, next } = readTlvAt(buf, 0, what);
  if (next !== buf.length) fail(what, `${buf.length - next} trailing bytes`);
  return tlv;
}

/** The TLVs inside a constructed value, in order. */
export function childrenOf(tlv: Tlv, what: string): Tlv[] {
  if (!tlv.constructed) fail(what, 'expected a constructed value');
  const out: Tlv[] = [];
  let p = 0;
  while (p < tlv.value.length) {
    const { tlv: c, next } = readTlvAt(tlv.value, p, what);
    out.push(c);
    p = next;
  }
  return out;
}

export function isUniversal(tlv: Tlv, num: number): boolean {
  return tlv.cls === UNIVERSAL && tlv.num === num;
}

export function isContext(tlv: Tlv, num: number): boolean {
  return tlv.cls === CONTEXT && tlv.num === num;
}

export function expectUniversal(tlv: Tlv | undefined, num: number, what: string): Tlv {
  if (!tlv) fail(what, 'missing');
  if (!isUniversal(tlv, num)) fail(what, `expected universal tag ${num}, found class ${tlv.cls} tag ${tlv.num}`);
  if ((num === TAG.SEQUENCE || num === TAG.SET) !== tlv.constructed) fail(what, 'wrong primitive/constructed form');
  return tlv;
}

export function sequenceChildren(tlv: Tlv | undefined, what: string): Tlv[] {
  return childrenOf(expectUniversal(tlv, TAG.SEQUENCE, what), what);
}

/** An INTEGER's content octets, checked for minimal two's-complement encoding. */
export function integerBytes(tlv: Tlv | undefined, what: string): Uint8Array {
  const t = expectUniversal(tlv, TAG.INTEGER, what);
  const v = t.value;
  if (v.length === 0) fail(what, 'empty INTEGER');
  if (v.length > 1 && ((v[0] === 0 && (v[1]! & 0x80) === 0) || (v[0] === 0xff && (v[1]! & 0x80) !== 0))) {
    fail(what, 'INTEGER not minimally encoded');
  }
  return v;
}

/** A small non-negative INTEGER as a number. */
export function smallInteger(tlv: Tlv | undefined, what: string): number {
  const v = integerBytes(tlv, what);
  if ((v[0]! & 0x80) !== 0) fail(what, 'negative INTEGER');
  if (v.length > 6) fail(what, 'INTEGER too large');
  let n = 0;
  for (const b of v) n = n * 256 + b;
  return n;
}

export function booleanValue(tlv: Tlv | undefined, what: string): boolean {
  const t = expectUniversal(tlv, TAG.BOOLEAN, what);
  if (t.value.length !== 1) fail(what, 'BOOLEAN must be one octet');
  if (t.value[0] === 0xff) return true;
  if (t.value[0] === 0x00) return false;
  return fail(what, 'BOOLEAN must be 0x00 or 0xFF in DER');
}

/** An OBJECT IDENTIFIER in dotted form. */
export function oidString(tlv: Tlv | undefined, what: string): string {
  const t = expectUniversal(tlv, TAG.OID, what);
  return decodeOid(t.value, what);
}

export function decodeOid(v: Uint8Array, what: string): string {
  if (v.length === 0) fail(what, 'empty OBJECT IDENTIFIER');
  const arcs: bigint[] = [];
  let acc = 0n;
  let started = false;
  for (let i = 0; i < v.length; i++) {
    const b = v[i]!;
    if (!started && b === 0x80) fail(what, 'OBJECT IDENTIFIER arc not minimally encoded');
    started = true;
    acc = (acc << 7n) | BigInt(b & 0x7f);
    if ((b & 0x80) === 0) {
      arcs.push(acc);
      acc = 0n;
      started = false;
    } else if (i === v.length - 1) {
      fail(what, 'truncated OBJECT IDENTIFIER');
    }
  }
  const first = arcs[0]!;
  const head = first < 40n ? [0n, first] : first < 80n ? [1n, first - 40n] : [2n, first - 80n];
  return [...head, ...arcs.slice(1)].map(String).join('.');
}

export interface BitString {
  unusedBits: number;
  bytes: Uint8Array;
}

export function bitString(tlv: Tlv | undefined, what: string): BitString {
  const t = expectUniversal(tlv, TAG.BIT_STRING, what);
  if (t.constructed) fail(what, 'constructed BIT STRING is not DER');
  if (t.value.length === 0) fail(what, 'empty BIT STRING');
  const unusedBits = t.value[0]!;
  if (unusedBits > 7 || (t.value.length === 1 && unusedBits !== 0)) fail(what, 'bad unused-bits count');
  return { unusedBits, bytes: t.value.subarray(1) };
}

export function octetString(tlv: Tlv | undefined, what: string): Uint8Array {
  const t = expectUniversal(tlv, TAG.OCTET_STRING, what);
  if (t.constructed) fail(what, 'constructed OCTET STRING is not DER');
  return t.value;
}

/** UTCTime / GeneralizedTime as seconds since the epoch (RFC 5280 4.1.2.5: Zulu, whole seconds). */
export function timeSeconds(tlv: Tlv | undefined, what: string): number {
  if (!tlv || tlv.cls !== UNIVERSAL || tlv.constructed) fail(what, 'missing or not a time');
  const s = new TextDecoder('latin1').decode(tlv.value);
  let year: number;
  let rest: string;
  if (tlv.num === TAG.UTC_TIME) {
    if (!/^\d{12}Z$/.test(s)) fail(what, `UTCTime must be YYMMDDHHMMSSZ, found ${JSON.stringify(s)}`);
    const yy = Number(s.slice(0, 2));
    year = yy >= 50 ? 1900 + yy : 2000 + yy;
    rest = s.slice(2);
  } else if (tlv.num === TAG.GENERALIZED_TIME) {
    if (!/^\d{14}Z$/.test(s)) fail(what, `GeneralizedTime must be YYYYMMDDHHMMSSZ, found ${JSON.stringify(s)}`);
    year = Number(s.slice(0, 4));
    rest = s.slice(4);
  } else {
    return fail(what, `expected UTCTime or GeneralizedTime, found tag ${tlv.num}`);
  }
  const [mo, d, h, mi, se] = [0, 2, 4, 6, 8].map((i) => Number(rest.slice(i, i + 2))) as [number, number, number, number, number];
  const ms = Date.UTC(year, mo - 1, d, h, mi, se);
  const back = new Date(ms);
  if (
    mo < 1 || mo > 12 || h > 23 || mi > 59 || se > 59 ||
    back.getUTCFullYear() !== year || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d
  ) {
    fail(what, `not a calendar time: ${JSON.stringify(s)}`);
  }
  return Math.floor(ms / 1000);
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function toHex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}
