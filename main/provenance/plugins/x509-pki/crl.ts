import { parseSignatureAlgorithm, verifySignature } from './algorithms.ts';
import type { SignatureAlgorithm } from './algorithms.ts';
import { parseExtension } from './certificate.ts';
import type { Extension } from './certificate.ts';
import type { CertInfo } from './cert-info.ts';
import { iso } from './cert-profile.ts';
import { TAG, bitString, bytesEqual, childrenOf, integerBytes, isContext, isUniversal, readSingle, sequenceChildren, smallInteger, timeSeconds, toHex } from './der.ts';
import { nameToString, parseName } from './distinguished-name.ts';
import type { DistinguishedName } from './distinguished-name.ts';
import { X509Error } from './x509-error.ts';

const OID_CRL_NUMBER = '2.5.29.20';
const OID_AUTHORITY_KEY_IDENTIFIER = '2.5.29.35';
const OID_REASON_CODE = '2.5.29.21';
const OID_INVALIDITY_DATE = '2.5.29.24';

/** A CRL read byte-exactly (RFC 5280 5.1). */
export interface Crl {
  der: Uint8Array;
  version: number;
  tbs: Uint8Array;
  issuer: DistinguishedName;
  thisUpdate: number;
  nextUpdate?: number;
  entries: { serial: Uint8Array; revocationDate: number; extensions: Extension[] }[];
  extensions: Extension[];
  innerSignatureAlgorithm: Uint8Array;
  signatureAlgorithm: Uint8Array;
  algorithm: SignatureAlgorithm | null;
  algorithmError?: string;
  signature: Uint8Array;
}

export function parseCrl(der: Uint8Array): Crl {
  const what = 'CRL';
  const [tbsTlv, sigAlg, sigValue, ...extra] = sequenceChildren(readSingle(der, what), what);
  if (!tbsTlv || !sigAlg || !sigValue || extra.length) throw new X509Error('MALFORMED', 'CRL: must hold tbsCertList, signatureAlgorithm, signatureValue');
  const sig = bitString(sigValue, 'CRL signatureValue');
  const f = sequenceChildren(tbsTlv, 'tbsCertList');
  let i = 0;
  let version = 1;
  if (f[i] && isUniversal(f[i]!, TAG.INTEGER)) version = smallInteger(f[i++], 'CRL version') + 1;
  const innerAlg = f[i++];
  sequenceChildren(innerAlg, 'CRL signature');
  const issuer = parseName(f[i++], 'CRL issuer');
  const thisUpdate = timeSeconds(f[i++], 'CRL thisUpdate');
  let nextUpdate: number | undefined;
  if (f[i] && (isUniversal(f[i]!, TAG.UTC_TIME) || isUniversal(f[i]!, TAG.GENERALIZED_TIME))) nextUpdate = timeSeconds(f[i++], 'CRL nextUpdate');
  const entries: Crl['entries'] = [];
  if (f[i] && isUniversal(f[i]!, TAG.SEQUENCE)) {
    for (const e of sequenceChildren(f[i++], 'revokedCertificates')) {
      const [serial, date, exts, ...more] = sequenceChildren(e, 'CRL entry');
      if (more.length) throw new X509Error('MALFORMED', 'CRL entry: unexpected fields');
      entries.push({
        serial: integerBytes(serial, 'CRL entry serial'),
        revocationDate: timeSeconds(date, 'CRL entry revocationDate'),
        extensions: exts ? sequenceChildren(exts, 'CRL entry extensions').map(parseExtension) : [],
      });
    }
  }
  const extensions: Extension[] = [];
  if (f[i] && isContext(f[i]!, 0)) {
    const inner = childrenOf(f[i++]!, 'crlExtensions');
    if (inner.length !== 1) throw new X509Error('MALFORMED', 'crlExtensions: must hold one SEQUENCE');
    extensions.push(...sequenceChildren(inner[0], 'crlExtensions').map(parseExtension));
  }
  if (i !== f.length) throw new X509Error('MALFORMED', 'tbsCertList: unexpected trailing field');
  let algorithm: SignatureAlgorithm | null = null;
  let algorithmError: string | undefined;
  try {
    algorithm = parseSignatureAlgorithm(sigAlg, 'CRL signature algorithm');
  } catch (e) {
    algorithmError = e instanceof Error ? e.message : String(e);
  }
  const crl: Crl = {
    der,
    version,
    tbs: tbsTlv.bytes,
    issuer,
    thisUpdate,
    entries,
    extensions,
    innerSignatureAlgorithm: innerAlg!.bytes,
    signatureAlgorithm: sigAlg.bytes,
    algorithm,
    signature: sig.bytes,
  };
  if (nextUpdate !== undefined) crl.nextUpdate = nextUpdate;
  if (algorithmError !== undefined) crl.algorithmError = algorithmError;
  return crl;
}

/** Why a CRL cannot be used to decide about certificates issued by `issuer` (empty when usable). */
export function crlProblems(crl: Crl, issuer: CertInfo, at: number): string[] {
  const errs: string[] = [];
  const ku = issuer.ext.keyUsage;
  if (ku && !ku.bits.has('cRLSign')) errs.push('the issuer\'s keyUsage lacks cRLSign');
  if (crl.version !== 2) errs.push(`CRL is version ${crl.version}; version 2 is required`);
  if (!bytesEqual(crl.innerSignatureAlgorithm, crl.signatureAlgorithm)) errs.push('signatureAlgorithm differs from the algorithm inside tbsCertList');
  if (crl.algorithmError) errs.push(crl.algorithmError);
  else if (!issuer.key || !verifySignature(crl.algorithm!, issuer.key, crl.tbs, crl.signature)) errs.push('signature does not verify with the issuer\'s key');
  if (at < crl.thisUpdate) errs.push(`not yet valid: thisUpdate ${iso(crl.thisUpdate)} is after the reference time ${iso(at)}`);
  if (crl.nextUpdate === undefined) errs.push('nextUpdate is missing');
  else if (at > crl.nextUpdate) errs.push(`stale: nextUpdate ${iso(crl.nextUpdate)} is before the reference time ${iso(at)}`);
  const seen = new Set<string>();
  for (const e of crl.extensions) {
    if (seen.has(e.oid)) errs.push(`extension ${e.oid} appears more than once`);
    seen.add(e.oid);
    if (e.oid === OID_CRL_NUMBER) {
      if (e.critical) errs.push('cRLNumber must not be critical (RFC 5280 5.2.3)');
    } else if (e.critical && e.oid !== OID_AUTHORITY_KEY_IDENTIFIER) {
      errs.push(`unsupported critical CRL extension ${e.oid}`);
    }
  }
  if (!seen.has(OID_CRL_NUMBER)) errs.push('cRLNumber is missing (RFC 5280 5.2.3)');
  for (const entry of crl.entries) {
    for (const x of entry.extensions) {
      if (x.critical && x.oid !== OID_REASON_CODE && x.oid !== OID_INVALIDITY_DATE) errs.push(`unsupported critical CRL entry extension ${x.oid}`);
    }
  }
  return errs;
}

/**
 * Revocation status of `subject` (issued by `issuer`) from the CRLs whose issuer name bytes
 * equal the subject's issuer: errors for every such CRL that cannot be used (fail closed) and
 * for a listed serial. No applicable CRL means no errors: CRLs are optional material.
 */
export function revocationErrors(subject: CertInfo, issuer: CertInfo, crls: Crl[], at: number): string[] {
  const errs: string[] = [];
  const issuerText = nameToString(issuer.cert.subject);
  for (const crl of crls) {
    if (!bytesEqual(crl.issuer.der, subject.cert.issuer.der)) continue;
    const problems = crlProblems(crl, issuer, at);
    if (problems.length) {
      errs.push(...problems.map((p) => `CRL issued by "${issuerText}": ${p}`));
      continue;
    }
    const hit = crl.entries.find((e) => bytesEqual(e.serial, subject.cert.serial));
    if (hit) errs.push(`revoked: serial 0x${toHex(subject.cert.serial)} is listed on the CRL issued by "${issuerText}" (revocationDate ${iso(hit.revocationDate)})`);
  }
  return errs;
}
