import {
  TAG,
  bitString,
  booleanValue,
  childrenOf,
  integerBytes,
  isUniversal,
  octetString,
  oidString,
  readSingle,
  sequenceChildren,
  smallInteger,
} from './der.ts';
import type { Certificate, Extension } from './certificate.ts';
import { parseGeneralName, parseGeneralNames } from './general-names.ts';
import type { GeneralName } from './general-names.ts';
import { parseNameConstraints } from './name-constraints.ts';
import type { NameConstraints } from './name-constraints.ts';
import { X509Error } from './x509-error.ts';

export const OID = {
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  nameConstraints: '2.5.29.30',
  certificatePolicies: '2.5.29.32',
  policyMappings: '2.5.29.33',
  authorityKeyIdentifier: '2.5.29.35',
  policyConstraints: '2.5.29.36',
  extKeyUsage: '2.5.29.37',
  inhibitAnyPolicy: '2.5.29.54',
  cRLDistributionPoints: '2.5.29.31',
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
  anyExtendedKeyUsage: '2.5.29.37.0',
} as const;

const NAMES: Record<string, string> = Object.fromEntries(Object.entries(OID).map(([k, v]) => [v, k]));

export function extensionName(oid: string): string {
  return NAMES[oid] ? `${NAMES[oid]}` : oid;
}

export const KEY_USAGE_BITS = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
] as const;
export type KeyUsageBit = (typeof KEY_USAGE_BITS)[number];

export const EKU_NAMES: Record<string, string> = {
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  codeSigning: '1.3.6.1.5.5.7.3.3',
  emailProtection: '1.3.6.1.5.5.7.3.4',
  timeStamping: '1.3.6.1.5.5.7.3.8',
  OCSPSigning: '1.3.6.1.5.5.7.3.9',
  anyExtendedKeyUsage: OID.anyExtendedKeyUsage,
};

export function ekuLabel(oid: string): string {
  const name = Object.keys(EKU_NAMES).find((k) => EKU_NAMES[k] === oid);
  return name ? `${name} (${oid})` : oid;
}

export interface BasicConstraints {
  ca: boolean;
  pathLen?: number;
}

export interface AuthorityKeyIdentifier {
  keyIdentifier?: Uint8Array;
  hasIssuer: boolean;
  hasSerial: boolean;
}

/** The extensions the validator processes, decoded; `errors` names each that is malformed. */
export interface DecodedExtensions {
  basicConstraints?: { critical: boolean; value: BasicConstraints };
  keyUsage?: { critical: boolean; bits: Set<KeyUsageBit> };
  extKeyUsage?: { critical: boolean; oids: string[] };
  subjectAltName?: { critical: boolean; names: GeneralName[] };
  nameConstraints?: { critical: boolean; value: NameConstraints };
  authorityKeyIdentifier?: { critical: boolean; value: AuthorityKeyIdentifier };
  subjectKeyIdentifier?: { critical: boolean; value: Uint8Array };
  /** OIDs present more than once. */
  duplicates: string[];
  errors: string[];
}

function decodeBasicConstraints(v: Uint8Array, what: string): BasicConstraints {
  const parts = sequenceChildren(readSingle(v, what), what);
  let k = 0;
  let ca = false;
  if (parts[k] && isUniversal(parts[k]!, TAG.BOOLEAN)) ca = booleanValue(parts[k++], what);
  let pathLen: number | undefined;
  if (parts[k]) pathLen = smallInteger(parts[k++], `${what} pathLenConstraint`);
  if (k !== parts.length) throw new X509Error('MALFORMED', `${what}: unexpected fields`);
  return pathLen === undefined ? { ca } : { ca, pathLen };
}

function decodeKeyUsage(v: Uint8Array, what: string): Set<KeyUsageBit> {
  const bs = bitString(readSingle(v, what), what);
  const bits = new Set<KeyUsageBit>();
  KEY_USAGE_BITS.forEach((name, i) => {
    const byte = bs.bytes[i >> 3];
    if (byte !== undefined && (byte >> (7 - (i & 7))) & 1) bits.add(name);
  });
  if (bits.size === 0) throw new X509Error('MALFORMED', `${what}: no bit is set`);
  return bits;
}

function decodeExtKeyUsage(v: Uint8Array, what: string): string[] {
  const items = sequenceChildren(readSingle(v, what), what);
  if (items.length === 0) throw new X509Error('MALFORMED', `${what}: lists no key purpose`);
  return items.map((t) => oidString(t, what));
}

function decodeAki(v: Uint8Array, what: string): AuthorityKeyIdentifier {
  const out: AuthorityKeyIdentifier = { hasIssuer: false, hasSerial: false };
  let last = -1;
  for (const f of sequenceChildren(readSingle(v, what), what)) {
    if (f.cls !== 2 || f.num <= last || f.num > 2) throw new X509Error('MALFORMED', `${what}: unexpected field`);
    last = f.num;
    if (f.num === 0) {
      if (f.constructed) throw new X509Error('MALFORMED', `${what}: keyIdentifier must be primitive`);
      out.keyIdentifier = f.value;
    } else if (f.num === 1) {
      const names = childrenOf(f, what);
      if (names.length === 0) throw new X509Error('MALFORMED', `${what}: empty authorityCertIssuer`);
      names.forEach((n) => parseGeneralName(n, what));
      out.hasIssuer = true;
    } else {
      integerBytes({ ...f, cls: 0, num: TAG.INTEGER }, what);
      out.hasSerial = true;
    }
  }
  if (out.hasIssuer !== out.hasSerial) throw new X509Error('MALFORMED', `${what}: authorityCertIssuer and authorityCertSerialNumber must appear together`);
  return out;
}

function decodeAia(v: Uint8Array, what: string): void {
  const items = sequenceChildren(readSingle(v, what), what);
  if (items.length === 0) throw new X509Error('MALFORMED', `${what}: empty`);
  for (const item of items) {
    const [method, location, ...extra] = sequenceChildren(item, what);
    oidString(method, what);
    if (!location || extra.length) throw new X509Error('MALFORMED', `${what}: AccessDescription needs a method and one location`);
    parseGeneralName(location, what);
  }
}

/** Decodes every processed extension of `cert`, recording (not throwing) what is malformed. */
export function decodeExtensions(cert: Certificate): DecodedExtensions {
  const out: DecodedExtensions = { duplicates: [], errors: [] };
  const seen = new Set<string>();
  for (const e of cert.extensions) {
    if (seen.has(e.oid)) {
      if (!out.duplicates.includes(e.oid)) out.duplicates.push(e.oid);
      continue;
    }
    seen.add(e.oid);
    try {
      decodeOne(e, out);
    } catch (err) {
      out.errors.push(`malformed ${extensionName(e.oid)} extension (${err instanceof Error ? err.message : String(err)})`);
    }
  }
  return out;
}

function decodeOne(e: Extension, out: DecodedExtensions): void {
  const what = extensionName(e.oid);
  const critical = e.critical;
  switch (e.oid) {
    case OID.basicConstraints:
      out.basicConstraints = { critical, value: decodeBasicConstraints(e.value, what) };
      break;
    case OID.keyUsage:
      out.keyUsage = { critical, bits: decodeKeyUsage(e.value, what) };
      break;
    case OID.extKeyUsage:
      out.extKeyUsage = { critical, oids: decodeExtKeyUsage(e.value, what) };
      break;
    case OID.subjectAltName:
      out.subjectAltName = { critical, names: parseGeneralNames(e.value, what) };
      break;
    case OID.nameConstraints:
      out.nameConstraints = { critical, value: parseNameConstraints(e.value, what) };
      break;
    case OID.authorityKeyIdentifier:
      out.authorityKeyIdentifier = { critical, value: decodeAki(e.value, what) };
      break;
    case OID.subjectKeyIdentifier:
      out.subjectKeyIdentifier = { critical, value: octetString(readSingle(e.value, what), what) };
      break;
    case OID.authorityInfoAccess:
      decodeAia(e.value, what);
      break;
    default:
      break;
  }
}

/** Whether an extension is one whose meaning the validator enforces (so it may be critical). */
export const PROCESSED_EXTENSIONS: ReadonlySet<string> = new Set([
  OID.basicConstraints,
  OID.keyUsage,
  OID.extKeyUsage,
  OID.subjectAltName,
  OID.nameConstraints,
]);
