import { importPublicKey, parseSignatureAlgorithm } from './algorithms.ts';
import type { PublicKeyInfo, SignatureAlgorithm } from './algorithms.ts';
import { isSelfIssued, parseCertificate } from './certificate.ts';
import type { Certificate } from './certificate.ts';
import { toHex } from './der.ts';
import { decodeExtensions } from './extensions.ts';
import type { DecodedExtensions } from './extensions.ts';

/** A parsed certificate with everything validation needs, computed once. */
export interface CertInfo {
  cert: Certificate;
  ext: DecodedExtensions;
  selfIssued: boolean;
  /** The subject's key, or why it is refused. */
  key: PublicKeyInfo | null;
  keyError?: string;
  /** The algorithm the issuer signed this certificate with, or why it is refused. */
  signatureAlgorithm: SignatureAlgorithm | null;
  signatureAlgorithmError?: string;
  /** Subject and key: two certificates with the same identity are the same CA (loop detection). */
  identity: string;
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Parses DER into a CertInfo; a structurally malformed certificate throws. */
export function analyzeCertificate(der: Uint8Array): CertInfo {
  const cert = parseCertificate(der);
  const info: CertInfo = {
    cert,
    ext: decodeExtensions(cert),
    selfIssued: isSelfIssued(cert),
    key: null,
    signatureAlgorithm: null,
    identity: `${toHex(cert.subject.der)}:${toHex(cert.spki)}`,
  };
  try {
    info.key = importPublicKey(cert.spki, 'subject public key');
  } catch (e) {
    info.keyError = messageOf(e);
  }
  try {
    info.signatureAlgorithm = parseSignatureAlgorithm(cert.signatureAlgorithm, 'signature algorithm');
  } catch (e) {
    info.signatureAlgorithmError = messageOf(e);
  }
  return info;
}
