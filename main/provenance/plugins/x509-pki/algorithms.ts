import { constants, createPublicKey, verify as cryptoVerify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { CONTEXT, TAG, isUniversal, oidString, readSingle, sequenceChildren, smallInteger } from './der.ts';
import type { Tlv } from './der.ts';
import { X509Error } from './x509-error.ts';

export type HashName = 'sha256' | 'sha384' | 'sha512';

/** A signature algorithm this validator accepts (SHA-1, MD5 and DSA are refused). */
export type SignatureAlgorithm =
  | { kind: 'rsa-pkcs1'; hash: HashName }
  | { kind: 'rsa-pss'; hash: HashName; saltLength: number }
  | { kind: 'ecdsa'; hash: HashName }
  | { kind: 'ed25519' }
  | { kind: 'ed448' };

const HASH_OIDS: Record<string, HashName> = {
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

const RSA_PKCS1: Record<string, HashName> = {
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
};

const ECDSA: Record<string, HashName> = {
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
};

const OID_RSASSA_PSS = '1.2.840.113549.1.1.10';
const OID_MGF1 = '1.2.840.113549.1.1.8';
const OID_ED25519 = '1.3.101.112';
const OID_ED448 = '1.3.101.113';
const OID_RSA = '1.2.840.113549.1.1.1';
const OID_EC_PUBLIC_KEY = '1.2.840.10045.2.1';

const CURVES: Record<string, 'P-256' | 'P-384' | 'P-521'> = {
  '1.2.840.10045.3.1.7': 'P-256',
  '1.3.132.0.34': 'P-384',
  '1.3.132.0.35': 'P-521',
};

const WEAK: Record<string, string> = {
  '1.2.840.113549.1.1.5': 'sha1WithRSAEncryption',
  '1.2.840.113549.1.1.4': 'md5WithRSAEncryption',
  '1.2.840.10045.4.1': 'ecdsa-with-SHA1',
  '1.2.840.10040.4.3': 'dsa-with-sha1',
  '2.16.840.1.101.3.4.3.2': 'dsa-with-sha256',
};

function algorithmParts(tlv: Tlv | undefined, what: string): { oid: string; params: Tlv | undefined } {
  const [oid, params, ...extra] = sequenceChildren(tlv, what);
  if (extra.length) throw new X509Error('MALFORMED', `${what}: AlgorithmIdentifier has extra fields`);
  return { oid: oidString(oid, what), params };
}

function hashOf(tlv: Tlv, what: string): HashName {
  const { oid, params } = algorithmParts(tlv, what);
  if (params && !isUniversal(params, TAG.NULL)) throw new X509Error('MALFORMED', `${what}: hash parameters must be NULL or absent`);
  const h = HASH_OIDS[oid];
  if (!h) throw new X509Error('SIGNATURE', `${what}: hash ${oid} is not allowed (SHA-256, SHA-384, SHA-512)`);
  return h;
}

function pssParams(params: Tlv | undefined, what: string): { hash: HashName; saltLength: number } {
  // Every field has a SHA-1-based default, which we refuse: all must be explicit.
  if (!params) throw new X509Error('SIGNATURE', `${what}: RSASSA-PSS without parameters means SHA-1`);
  let hash: HashName | undefined;
  let mgfHash: HashName | undefined;
  let saltLength = 20;
  for (const f of sequenceChildren(params, what)) {
    if (f.cls !== CONTEXT) throw new X509Error('MALFORMED', `${what}: bad RSASSA-PSS parameters`);
    const inner = readSingle(f.value, what);
    if (f.num === 0) hash = hashOf(inner, what);
    else if (f.num === 1) {
      const mgf = algorithmParts(inner, what);
      if (mgf.oid !== OID_MGF1 || !mgf.params) throw new X509Error('SIGNATURE', `${what}: RSASSA-PSS mask generation must be MGF1`);
      mgfHash = hashOf(mgf.params, what);
    } else if (f.num === 2) saltLength = smallInteger(inner, what);
    else if (f.num === 3) {
      if (smallInteger(inner, what) !== 1) throw new X509Error('SIGNATURE', `${what}: RSASSA-PSS trailerField must be 1`);
    } else throw new X509Error('MALFORMED', `${what}: bad RSASSA-PSS parameters`);
  }
  if (!hash || !mgfHash) throw new X509Error('SIGNATURE', `${what}: RSASSA-PSS must name its hash and MGF1 hash (the defaults are SHA-1)`);
  if (hash !== mgfHash) throw new X509Error('SIGNATURE', `${what}: RSASSA-PSS hash ${hash} differs from MGF1 hash ${mgfHash}`);
  return { hash, saltLength };
}

/** Reads a signature AlgorithmIdentifier; unsupported or weak algorithms throw. */
export function parseSignatureAlgorithm(tlv: Tlv | undefined, what: string): SignatureAlgorithm {
  const { oid, params } = algorithmParts(tlv, what);
  const nullOrAbsent = !params || isUniversal(params, TAG.NULL);
  if (RSA_PKCS1[oid]) {
    if (!nullOrAbsent) throw new X509Error('MALFORMED', `${what}: RSA PKCS#1 parameters must be NULL`);
    return { kind: 'rsa-pkcs1', hash: RSA_PKCS1[oid] };
  }
  if (ECDSA[oid]) {
    if (params) throw new X509Error('MALFORMED', `${what}: ECDSA parameters must be absent`);
    return { kind: 'ecdsa', hash: ECDSA[oid] };
  }
  if (oid === OID_RSASSA_PSS) return { kind: 'rsa-pss', ...pssParams(params, what) };
  if (oid === OID_ED25519 || oid === OID_ED448) {
    if (params) throw new X509Error('MALFORMED', `${what}: EdDSA parameters must be absent`);
    return { kind: oid === OID_ED25519 ? 'ed25519' : 'ed448' };
  }
  if (WEAK[oid]) throw new X509Error('SIGNATURE', `${what}: ${WEAK[oid]} is not allowed`);
  throw new X509Error('SIGNATURE', `${what}: unsupported signature algorithm ${oid}`);
}

export type PublicKeyKind = 'rsa' | 'rsa-pss' | 'ec' | 'ed25519' | 'ed448';

export interface PublicKeyInfo {
  kind: PublicKeyKind;
  key: KeyObject;
  /** RSA modulus bits. */
  bits?: number;
  curve?: 'P-256' | 'P-384' | 'P-521';
}

/**
 * Imports a SubjectPublicKeyInfo under the key policy: RSA of at least 2048 bits in whole
 * bytes, EC on named P-256/P-384/P-521 (no explicit parameters), Ed25519, Ed448.
 */
export function importPublicKey(spki: Uint8Array, what: string): PublicKeyInfo {
  const [alg] = sequenceChildren(readSingle(spki, what), what);
  const { oid, params } = algorithmParts(alg, what);
  let kind: PublicKeyKind;
  let curve: PublicKeyInfo['curve'];
  if (oid === OID_RSA) kind = 'rsa';
  else if (oid === OID_RSASSA_PSS) kind = 'rsa-pss';
  else if (oid === OID_ED25519) kind = 'ed25519';
  else if (oid === OID_ED448) kind = 'ed448';
  else if (oid === OID_EC_PUBLIC_KEY) {
    kind = 'ec';
    if (!params || !isUniversal(params, TAG.OID)) throw new X509Error('SIGNATURE', `${what}: EC key with explicit or missing curve parameters is not allowed`);
    const c = oidString(params, what);
    curve = CURVES[c];
    if (!curve) throw new X509Error('SIGNATURE', `${what}: EC curve ${c} is not allowed (P-256, P-384, P-521)`);
  } else if (oid === '1.2.840.10040.4.1') {
    throw new X509Error('SIGNATURE', `${what}: DSA keys are not allowed`);
  } else {
    throw new X509Error('SIGNATURE', `${what}: public key algorithm ${oid} is not allowed`);
  }
  let key: KeyObject;
  try {
    key = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
  } catch (e) {
    throw new X509Error('SIGNATURE', `${what}: public key cannot be imported (${e instanceof Error ? e.message : String(e)})`);
  }
  if (kind === 'rsa' || kind === 'rsa-pss') {
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    if (bits < 2048) throw new X509Error('SIGNATURE', `${what}: RSA key of ${bits} bits is below the minimum of 2048`);
    if (bits % 8 !== 0) throw new X509Error('SIGNATURE', `${what}: RSA key of ${bits} bits is not a whole number of bytes`);
    return { kind, key, bits };
  }
  return curve ? { kind, key, curve } : { kind, key };
}

const KEY_FOR: Record<SignatureAlgorithm['kind'], PublicKeyKind[]> = {
  'rsa-pkcs1': ['rsa'],
  'rsa-pss': ['rsa', 'rsa-pss'],
  ecdsa: ['ec'],
  ed25519: ['ed25519'],
  ed448: ['ed448'],
};

/** Verifies `sig` over `data`; false for a wrong signature or a key that does not fit the algorithm. */
export function verifySignature(alg: SignatureAlgorithm, pub: PublicKeyInfo, data: Uint8Array, sig: Uint8Array): boolean {
  if (!KEY_FOR[alg.kind].includes(pub.kind)) return false;
  try {
    switch (alg.kind) {
      case 'rsa-pkcs1':
        return cryptoVerify(alg.hash, data, { key: pub.key, padding: constants.RSA_PKCS1_PADDING }, sig);
      case 'rsa-pss':
        return cryptoVerify(alg.hash, data, { key: pub.key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: alg.saltLength }, sig);
      case 'ecdsa':
        return cryptoVerify(alg.hash, data, { key: pub.key, dsaEncoding: 'der' }, sig);
      case 'ed25519':
      case 'ed448':
        return cryptoVerify(null, data, pub.key, sig);
    }
  } catch {
    return false;
  }
}

const HASH_TEXT: Record<HashName, string> = { sha256: 'SHA-256', sha384: 'SHA-384', sha512: 'SHA-512' };

export function describeAlgorithm(alg: SignatureAlgorithm): string {
  switch (alg.kind) {
    case 'rsa-pkcs1':
      return `RSA PKCS#1 v1.5 with ${HASH_TEXT[alg.hash]}`;
    case 'rsa-pss':
      return `RSA-PSS with ${HASH_TEXT[alg.hash]}${alg.saltLength >= 0 ? ` (salt ${alg.saltLength})` : ''}`;
    case 'ecdsa':
      return `ECDSA with ${HASH_TEXT[alg.hash]}`;
    case 'ed25519':
      return 'Ed25519';
    case 'ed448':
      return 'Ed448';
  }
}
