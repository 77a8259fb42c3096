import 'reflect-metadata';
import { Name as X509Name } from '@peculiar/x509';
import { TAG, childrenOf, expectUniversal, oidString, sequenceChildren, toHex } from './der.ts';
import type { Tlv } from './der.ts';
import { X509Error } from './x509-error.ts';

/** A distinguished name kept as its exact DER bytes, with the parts name constraints need. */
export interface DistinguishedName {
  /** DER of the whole Name (chaining compares these bytes). */
  der: Uint8Array;
  /** DER of each RelativeDistinguishedName (SET), in order. */
  rdns: Uint8Array[];
  /** Every attribute, in order: type OID and the value TLV. */
  attributes: { oid: string; value: Tlv }[];
}

export const OID_EMAIL_ADDRESS = '1.2.840.113549.1.9.1';

export function parseName(tlv: Tlv | undefined, what: string): DistinguishedName {
  const rdnTlvs = sequenceChildren(tlv, what);
  const attributes: DistinguishedName['attributes'] = [];
  for (const rdn of rdnTlvs) {
    const atvs = childrenOf(expectUniversal(rdn, TAG.SET, what), what);
    if (atvs.length === 0) throw new X509Error('MALFORMED', `${what}: empty RelativeDistinguishedName`);
    for (const atv of atvs) {
      const [type, value, ...extra] = sequenceChildren(atv, what);
      if (!value || extra.length) throw new X509Error('MALFORMED', `${what}: AttributeTypeAndValue must have a type and one value`);
      attributes.push({ oid: oidString(type, what), value });
    }
  }
  return { der: tlv!.bytes, rdns: rdnTlvs.map((r) => r.bytes), attributes };
}

export function isEmptyName(n: DistinguishedName): boolean {
  return n.rdns.length === 0;
}

/** RFC 4514-style text for messages; never throws (falls back to hex). */
export function nameToString(n: DistinguishedName): string {
  if (isEmptyName(n)) return '';
  try {
    // The library wants an ArrayBuffer-backed view; copy the slice.
    return new X509Name(Uint8Array.from(n.der)).toString();
  } catch {
    return `#${toHex(n.der)}`;
  }
}

/** Email addresses carried as emailAddress attributes (name constraints apply to them, RFC 5280 4.2.1.10). */
export function emailAttributes(n: DistinguishedName): string[] {
  return n.attributes
    .filter((a) => a.oid === OID_EMAIL_ADDRESS)
    .map((a) => new TextDecoder('latin1').decode(a.value.value));
}
