import { createHash } from 'node:crypto';
import {
  CONTEXT,
  TAG,
  bitString,
  booleanValue,
  childrenOf,
  integerBytes,
  isContext,
  isUniversal,
  octetString,
  oidString,
  readSingle,
  sequenceChildren,
  smallInteger,
  timeSeconds,
  toHex,
} from './der.ts';
import type { Tlv } from './der.ts';
import { isEmptyName, nameToString, parseName } from './distinguished-name.ts';
import type { DistinguishedName } from './distinguished-name.ts';
import { X509Error } from './x509-error.ts';

export interface Extension {
  oid: string;
  critical: boolean;
  /** The extnValue OCTET STRING contents (the DER of the extension's own structure). */
  value: Uint8Array;
}

/** A certificate read byte-exactly: names, keys and signed bytes are slices of `der`. */
export interface Certificate {
  der: Uint8Array;
  /** Lower-case hex SHA-256 of `der`. */
  fingerprint: string;
  /** 1, 2 or 3. */
  version: number;
  /** The serial number INTEGER content octets. */
  serial: Uint8Array;
  tbs: Uint8Array;
  /** DER of tbsCertificate.signature and of the outer signatureAlgorithm (must be equal). */
  innerSignatureAlgorithm: Uint8Array;
  signatureAlgorithm: Tlv;
  signature: Uint8Array;
  issuer: DistinguishedName;
  subject: DistinguishedName;
  /** Validity bounds, seconds since the epoch (inclusive). */
  notBefore: number;
  notAfter: number;
  /** DER of subjectPublicKeyInfo. */
  spki: Uint8Array;
  extensions: Extension[];
  /** Subject as text, or a stand-in naming the serial when the subject is empty. */
  label: string;
}

/** Parses a DER certificate; anything that is not a well-formed X.509 structure throws MALFORMED. */
export function parseCertificate(der: Uint8Array): Certificate {
  const what = 'certificate';
  const [tbsTlv, sigAlg, sigValue, ...extra] = sequenceChildren(readSingle(der, what), what);
  if (!tbsTlv || !sigAlg || !sigValue || extra.length) throw new X509Error('MALFORMED', `${what}: must hold tbsCertificate, signatureAlgorithm, signatureValue`);
  sequenceChildren(sigAlg, `${what} signatureAlgorithm`);
  const sig = bitString(sigValue, `${what} signatureValue`);
  if (sig.unusedBits !== 0) throw new X509Error('MALFORMED', `${what}: signatureValue has unused bits`);

  const fields = sequenceChildren(tbsTlv, 'tbsCertificate');
  let i = 0;
  let version = 1;
  if (fields[0] && isContext(fields[0], 0)) {
    const inner = childrenOf(fields[0], 'version');
    if (inner.length !== 1) throw new X509Error('MALFORMED', 'tbsCertificate version: must hold one INTEGER');
    version = smallInteger(inner[0], 'tbsCertificate version') + 1;
    if (version > 3) throw new X509Error('MALFORMED', `tbsCertificate version: unknown version ${version}`);
    i++;
  }
  const serial = integerBytes(fields[i++], 'serialNumber');
  const innerAlg = fields[i++];
  sequenceChildren(innerAlg, 'tbsCertificate signature');
  const issuer = parseName(fields[i++], 'issuer');
  const validity = sequenceChildren(fields[i++], 'validity');
  if (validity.length !== 2) throw new X509Error('MALFORMED', 'validity: must hold notBefore and notAfter');
  const notBefore = timeSeconds(validity[0], 'validity notBefore');
  const notAfter = timeSeconds(validity[1], 'validity notAfter');
  const subject = parseName(fields[i++], 'subject');
  const spkiTlv = fields[i++];
  sequenceChildren(spkiTlv, 'subjectPublicKeyInfo');
  const extensions: Extension[] = [];
  let lastTag = 0;
  for (; i < fields.length; i++) {
    const f = fields[i]!;
    if (f.cls !== CONTEXT || f.num < 1 || f.num > 3 || f.num <= lastTag) throw new X509Error('MALFORMED', 'tbsCertificate: unexpected trailing field');
    lastTag = f.num;
    if (version < 2) throw new X509Error('MALFORMED', 'tbsCertificate: unique identifiers or extensions in a v1 certificate');
    if (f.num === 3) {
      if (version !== 3) throw new X509Error('MALFORMED', 'tbsCertificate: extensions in a v2 certificate');
      const inner = childrenOf(f, 'extensions');
      if (inner.length !== 1) throw new X509Error('MALFORMED', 'extensions: must hold one SEQUENCE');
      const list = sequenceChildren(inner[0], 'extensions');
      if (list.length === 0) throw new X509Error('MALFORMED', 'extensions: empty SEQUENCE');
      for (const e of list) extensions.push(parseExtension(e));
    }
  }
  const label = isEmptyName(subject) ? `(empty subject, serial 0x${toHex(serial)})` : nameToString(subject);
  return {
    der,
    fingerprint: createHash('sha256').update(der).digest('hex'),
    version,
    serial,
    tbs: tbsTlv.bytes,
    innerSignatureAlgorithm: innerAlg!.bytes,
    signatureAlgorithm: sigAlg,
    signature: sig.bytes,
    issuer,
    subject,
    notBefore,
    notAfter,
    spki: spkiTlv!.bytes,
    extensions,
    label,
  };
}

export function parseExtension(e: Tlv): Extension {
  const parts = sequenceChildren(e, 'extension');
  const oid = oidString(parts[0], 'extension extnID');
  let critical = false;
  let k = 1;
  if (parts[k] && isUniversal(parts[k]!, TAG.BOOLEAN)) critical = booleanValue(parts[k++], `extension ${oid} critical`);
  const value = octetString(parts[k++], `extension ${oid} extnValue`);
  if (k !== parts.length) throw new X509Error('MALFORMED', `extension ${oid}: unexpected fields`);
  return { oid, critical, value };
}

export function isSelfIssued(c: Certificate): boolean {
  return Buffer.compare(c.issuer.der, c.subject.der) === 0;
}
