import { CONTEXT, childrenOf, decodeOid, readSingle, sequenceChildren, toHex } from './der.ts';
import type { Tlv } from './der.ts';
import { parseName } from './distinguished-name.ts';
import type { DistinguishedName } from './distinguished-name.ts';
import { X509Error } from './x509-error.ts';

/** A GeneralName (RFC 5280 4.2.1.6) with the raw forms name constraints compare. */
export type GeneralName =
  | { type: 'otherName'; typeId: string; der: Uint8Array }
  | { type: 'rfc822Name'; value: string }
  | { type: 'dNSName'; value: string }
  | { type: 'x400Address'; der: Uint8Array }
  | { type: 'directoryName'; name: DistinguishedName }
  | { type: 'ediPartyName'; der: Uint8Array }
  | { type: 'uniformResourceIdentifier'; value: string }
  | { type: 'iPAddress'; bytes: Uint8Array }
  | { type: 'registeredID'; oid: string };

export type GeneralNameType = GeneralName['type'];

function ia5(tlv: Tlv, what: string): string {
  if (tlv.constructed) throw new X509Error('MALFORMED', `${what}: IA5String must be primitive`);
  for (const b of tlv.value) {
    if (b > 0x7f) throw new X509Error('MALFORMED', `${what}: IA5String holds a non-ASCII byte`);
  }
  return new TextDecoder('latin1').decode(tlv.value);
}

export function parseGeneralName(tlv: Tlv, what: string): GeneralName {
  if (tlv.cls !== CONTEXT) throw new X509Error('MALFORMED', `${what}: GeneralName must be context-tagged`);
  switch (tlv.num) {
    case 0: {
      const [typeId, value, ...extra] = childrenOf(tlv, what);
      if (!typeId || !value || extra.length || value.cls !== CONTEXT || value.num !== 0 || !value.constructed) {
        throw new X509Error('MALFORMED', `${what}: malformed otherName`);
      }
      if (typeId.cls !== 0 || typeId.num !== 6) throw new X509Error('MALFORMED', `${what}: otherName type-id is not an OID`);
      return { type: 'otherName', typeId: decodeOid(typeId.value, what), der: tlv.bytes };
    }
    case 1:
      return { type: 'rfc822Name', value: ia5(tlv, what) };
    case 2:
      return { type: 'dNSName', value: ia5(tlv, what) };
    case 3:
      return { type: 'x400Address', der: tlv.bytes };
    case 4: {
      // directoryName is EXPLICIT: the Name sits inside the [4] wrapper.
      const inner = childrenOf(tlv, what);
      if (inner.length !== 1) throw new X509Error('MALFORMED', `${what}: directoryName must hold one Name`);
      return { type: 'directoryName', name: parseName(inner[0], what) };
    }
    case 5:
      return { type: 'ediPartyName', der: tlv.bytes };
    case 6:
      return { type: 'uniformResourceIdentifier', value: ia5(tlv, what) };
    case 7:
      if (tlv.constructed) throw new X509Error('MALFORMED', `${what}: iPAddress must be primitive`);
      return { type: 'iPAddress', bytes: tlv.value };
    case 8:
      if (tlv.constructed) throw new X509Error('MALFORMED', `${what}: registeredID must be primitive`);
      return { type: 'registeredID', oid: decodeOid(tlv.value, what) };
    default:
      throw new X509Error('MALFORMED', `${what}: unknown GeneralName tag [${tlv.num}]`);
  }
}

/** GeneralNames ::= SEQUENCE SIZE (1..MAX) OF GeneralName, from an extension value. */
export function parseGeneralNames(der: Uint8Array, what: string): GeneralName[] {
  const items = sequenceChildren(readSingle(der, what), what);
  if (items.length === 0) throw new X509Error('MALFORMED', `${what}: empty GeneralNames`);
  return items.map((t) => parseGeneralName(t, what));
}

const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i;

/**
 * RFC 1034 preferred name syntax as amended by RFC 1123 (RFC 5280 4.2.1.6). A top-level
 * label of digits only is refused, so an IPv4 address in a dNSName is not a host name.
 * `wildcard` allows one leading "*." label (certificate names, never constraints).
 */
export function isValidHostName(name: string, opts: { wildcard: boolean }): boolean {
  let rest = name;
  if (opts.wildcard && rest.startsWith('*.')) rest = rest.slice(2);
  if (rest.length === 0 || rest.length > 253) return false;
  const labels = rest.split('.');
  if (!labels.every((l) => LABEL.test(l))) return false;
  return !/^\d+$/.test(labels[labels.length - 1]!);
}

/** A mailbox "local@host": one "@", printable local part, valid host. */
export function isValidMailbox(addr: string): boolean {
  const at = addr.indexOf('@');
  if (at <= 0 || at !== addr.lastIndexOf('@')) return false;
  const local = addr.slice(0, at);
  if (!/^[\x21-\x7e]+$/.test(local)) return false;
  return isValidHostName(addr.slice(at + 1), { wildcard: false });
}

/** Describes a name for messages, e.g. `dNSName "example.com"`. */
export function describeGeneralName(n: GeneralName, nameText: (d: DistinguishedName) => string): string {
  switch (n.type) {
    case 'rfc822Name':
    case 'dNSName':
    case 'uniformResourceIdentifier':
      return `${n.type} ${JSON.stringify(n.value)}`;
    case 'iPAddress':
      return `iPAddress ${formatIp(n.bytes)}`;
    case 'directoryName':
      return `directoryName "${nameText(n.name)}"`;
    case 'otherName':
      return `otherName ${n.typeId}`;
    case 'registeredID':
      return `registeredID ${n.oid}`;
    default:
      return n.type;
  }
}

/** Dotted IPv4, colon IPv6 (uncompressed hex), a CIDR for 8/32-octet constraint forms, else hex. */
export function formatIp(b: Uint8Array): string {
  const addr = (x: Uint8Array): string =>
    x.length === 4
      ? [...x].join('.')
      : Array.from({ length: 8 }, (_, i) => ((x[2 * i]! << 8) | x[2 * i + 1]!).toString(16)).join(':');
  if (b.length === 4 || b.length === 16) return addr(b);
  if (b.length === 8 || b.length === 32) {
    const half = b.length / 2;
    const prefix = maskPrefixLength(b.subarray(half));
    return `${addr(b.subarray(0, half))}/${prefix === null ? `mask ${toHex(b.subarray(half))}` : prefix}`;
  }
  return `(${b.length} octets ${toHex(b)})`;
}

/** The prefix length of a contiguous netmask, or null when the mask has holes. */
export function maskPrefixLength(mask: Uint8Array): number | null {
  let bits = 0;
  let ended = false;
  for (const byte of mask) {
    for (let i = 7; i >= 0; i--) {
      const set = (byte >> i) & 1;
      if (set && ended) return null;
      if (set) bits++;
      else ended = true;
    }
  }
  return bits;
}
