import { bytesEqual } from './der.ts';
import type { CertInfo } from './cert-info.ts';
import { isEmptyName } from './distinguished-name.ts';
import { EKU_NAMES, OID, PROCESSED_EXTENSIONS, ekuLabel, extensionName } from './extensions.ts';
import type { KeyUsageBit } from './extensions.ts';
import { describeGeneralName, isValidHostName, isValidMailbox } from './general-names.ts';
import { nameToString } from './distinguished-name.ts';

export type Role = 'leaf' | 'intermediate' | 'trust anchor';

export interface ProfileContext {
  /** Reference time, whole seconds since the epoch (fractions are floored: RFC 5280 times have none). */
  at: number;
  /** The key purpose the leaf must carry (OID), or null for none in particular. */
  eku: string | null;
  /** keyUsage bits the leaf must assert when it has a keyUsage extension. */
  leafKeyUsage: KeyUsageBit[];
}

export function iso(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
}

/** Rules every certificate in a path must meet, whatever its position. */
function commonRules(info: CertInfo, ctx: ProfileContext): string[] {
  const { cert, ext } = info;
  const errs: string[] = [];
  if (cert.version !== 3) errs.push(`certificate is version ${cert.version}; only version 3 is accepted`);
  const s = cert.serial;
  if ((s[0]! & 0x80) !== 0) errs.push('serial number is negative');
  else if (s.every((b) => b === 0)) errs.push('serial number is zero');
  else if (s.length - (s[0] === 0 ? 1 : 0) > 20) errs.push('serial number is longer than 20 octets');
  if (!bytesEqual(cert.innerSignatureAlgorithm, cert.signatureAlgorithm.bytes)) {
    errs.push('signatureAlgorithm differs from the algorithm inside tbsCertificate');
  }
  if (info.signatureAlgorithmError) errs.push(info.signatureAlgorithmError);
  if (info.keyError) errs.push(info.keyError);
  if (isEmptyName(cert.issuer)) errs.push('issuer name is empty');
  if (ctx.at < cert.notBefore) errs.push(`not yet valid: notBefore ${iso(cert.notBefore)} is after the reference time ${iso(ctx.at)}`);
  if (ctx.at > cert.notAfter) errs.push(`expired: notAfter ${iso(cert.notAfter)} is before the reference time ${iso(ctx.at)}`);
  for (const oid of ext.duplicates) errs.push(`extension ${extensionName(oid)} appears more than once`);
  errs.push(...ext.errors);
  for (const e of cert.extensions) {
    if (e.critical && !PROCESSED_EXTENSIONS.has(e.oid)) {
      if (e.oid === OID.authorityKeyIdentifier || e.oid === OID.subjectKeyIdentifier) {
        errs.push(`${extensionName(e.oid)} must not be critical`);
      } else {
        errs.push(`unsupported critical extension ${extensionName(e.oid)}`);
      }
    }
  }
  if (cert.extensions.some((e) => e.oid === OID.policyConstraints && !e.critical)) {
    errs.push('policyConstraints must be critical (RFC 5280 4.2.1.11)');
  }
  const san = ext.subjectAltName;
  for (const n of san?.names ?? []) {
    if (n.type === 'dNSName' && !isValidHostName(n.value, { wildcard: true })) {
      errs.push(`subjectAltName ${describeGeneralName(n, nameToString)} is not a valid host name`);
    } else if (n.type === 'rfc822Name' && !isValidMailbox(n.value)) {
      errs.push(`subjectAltName ${describeGeneralName(n, nameToString)} is not a valid mailbox`);
    } else if (n.type === 'iPAddress' && n.bytes.length !== 4 && n.bytes.length !== 16) {
      errs.push(`subjectAltName iPAddress has ${n.bytes.length} octets (an address has 4 or 16)`);
    }
  }
  if (isEmptyName(cert.subject)) {
    if (!san) errs.push('subject is empty and there is no subjectAltName');
    else if (!san.critical) errs.push('subject is empty but subjectAltName is not critical');
  }
  const aki = ext.authorityKeyIdentifier;
  if (aki && !aki.value.keyIdentifier) errs.push('authorityKeyIdentifier has no keyIdentifier');
  else if (!aki && !info.selfIssued && !ext.errors.some((e) => e.includes('authorityKeyIdentifier'))) {
    errs.push('authorityKeyIdentifier is missing (required unless self-issued)');
  }
  const bc = ext.basicConstraints?.value;
  if (bc && bc.pathLen !== undefined && !bc.ca) errs.push('basicConstraints has pathLenConstraint without cA');
  if (ext.keyUsage?.bits.has('keyCertSign') && !bc?.ca) errs.push('keyUsage asserts keyCertSign but basicConstraints cA is not set');
  return errs;
}

function caRules(info: CertInfo, ctx: ProfileContext, role: Role): string[] {
  const { cert, ext } = info;
  const errs: string[] = [];
  const bc = ext.basicConstraints;
  if (!bc) errs.push('basicConstraints is missing (required in a CA certificate)');
  else {
    if (!bc.value.ca) errs.push('basicConstraints cA is not set: not a CA certificate');
    if (!bc.critical) errs.push('basicConstraints must be critical in a CA certificate');
  }
  if (ext.keyUsage && !ext.keyUsage.bits.has('keyCertSign')) errs.push('keyUsage lacks keyCertSign');
  if (!ext.subjectKeyIdentifier) errs.push('subjectKeyIdentifier is missing (required in a CA certificate)');
  if (isEmptyName(cert.subject)) errs.push('subject is empty (a CA needs a distinguished name)');
  if (ext.nameConstraints && !ext.nameConstraints.critical) errs.push('nameConstraints must be critical (RFC 5280 4.2.1.10)');
  const eku = ext.extKeyUsage;
  if (role === 'trust anchor' && info.selfIssued) {
    // A root's extensions follow the CA/Browser profile for roots: no EKU, and an AKI
    // (when present) that is nothing but its own key identifier.
    if (eku) errs.push('a root must not carry extendedKeyUsage');
    const aki = ext.authorityKeyIdentifier?.value;
    if (aki?.hasIssuer || aki?.hasSerial) errs.push('authorityKeyIdentifier of a root must not carry authorityCertIssuer or authorityCertSerialNumber');
    const ski = ext.subjectKeyIdentifier?.value;
    if (aki?.keyIdentifier && ski && !bytesEqual(aki.keyIdentifier, ski)) {
      errs.push('authorityKeyIdentifier of a self-issued root differs from its subjectKeyIdentifier');
    }
  } else if (eku && ctx.eku && !eku.oids.includes(ctx.eku) && !eku.oids.includes(OID.anyExtendedKeyUsage)) {
    errs.push(`extendedKeyUsage does not allow ${ekuLabel(ctx.eku)}`);
  }
  return errs;
}

function leafRules(info: CertInfo, ctx: ProfileContext): string[] {
  const { ext } = info;
  const errs: string[] = [];
  if (ext.basicConstraints?.value.ca) errs.push('a CA certificate (basicConstraints cA) cannot be the signing leaf');
  if (info.cert.extensions.some((e) => e.oid === OID.nameConstraints)) errs.push('nameConstraints is only allowed in CA certificates');
  const ku = ext.keyUsage;
  for (const bit of ['digitalSignature' as const, ...ctx.leafKeyUsage.filter((b) => b !== 'digitalSignature')]) {
    if (ku && !ku.bits.has(bit)) errs.push(`keyUsage lacks ${bit}`);
  }
  const eku = ext.extKeyUsage;
  if (!eku) {
    if (!ext.errors.some((e) => e.includes('extKeyUsage'))) errs.push('extendedKeyUsage is missing');
  } else {
    if (eku.critical) errs.push('extendedKeyUsage must not be critical');
    if (eku.oids.includes(OID.anyExtendedKeyUsage)) errs.push('extendedKeyUsage contains anyExtendedKeyUsage');
    if (ctx.eku && !eku.oids.includes(ctx.eku)) errs.push(`extendedKeyUsage does not include ${ekuLabel(ctx.eku)}`);
  }
  return errs;
}

/** Every rule `info` breaks in `role`, as messages without the certificate's name. */
export function profileErrors(info: CertInfo, role: Role, ctx: ProfileContext): string[] {
  const errs = commonRules(info, ctx);
  errs.push(...(role === 'leaf' ? leafRules(info, ctx) : caRules(info, ctx, role)));
  return errs;
}

/** Resolves an EKU option: a name from EKU_NAMES or a dotted OID. */
export function resolveEku(v: string): string | null {
  if (EKU_NAMES[v]) return EKU_NAMES[v];
  return /^\d+(\.\d+)+$/.test(v) ? v : null;
}
