import { describe, expect, it } from 'vitest';
import {
  EKU,
  authorityKeyIdentifier,
  basicConstraints,
  buildCertificate,
  deterministicKey,
  extKeyUsage,
  extension,
  gn,
  keyId,
  keyUsage,
  nameConstraints,
  subjectAltName,
  subjectKeyIdentifier,
} from '../../../../fixtures/verify/plugins/cert-builder.ts';
import type { CertSpec } from '../../../../fixtures/verify/plugins/cert-builder.ts';
import { ATTR, bits, name, nul, oid, seq } from '../../../../fixtures/verify/plugins/der-writer.ts';
import type { Der } from '../../../../fixtures/verify/plugins/der-writer.ts';
import { analyzeCertificate } from './cert-info.ts';
import { profileErrors } from './cert-profile.ts';
import type { Role } from './cert-profile.ts';

const issuerKey = deterministicKey('p256', 'profile-issuer');
const key = deterministicKey('p256', 'profile-subject');
const CTX = { at: Date.UTC(2026, 5, 1) / 1000, eku: EKU.codeSigning, leafKeyUsage: [] };
const leafExts = (): Der[] => [keyUsage(['digitalSignature']), extKeyUsage([EKU.codeSigning]), authorityKeyIdentifier(keyId(issuerKey))];
const caExts = (): Der[] => [basicConstraints(true), keyUsage(['keyCertSign']), subjectKeyIdentifier(keyId(key)), authorityKeyIdentifier(keyId(issuerKey))];

function errors(role: Role, over: Partial<CertSpec>): string[] {
  const der = buildCertificate({
    subject: name([[ATTR.CN, 'subject']]),
    issuer: name([[ATTR.CN, 'issuer']]),
    serial: 7,
    notBefore: new Date('2026-01-01T00:00:00Z'),
    notAfter: new Date('2027-01-01T00:00:00Z'),
    subjectKey: key,
    issuerKey,
    extensions: role === 'leaf' ? leafExts() : caExts(),
    ...over,
  });
  return profileErrors(analyzeCertificate(der), role, CTX);
}

describe('rules for every certificate', () => {
  it('accepts a conforming leaf and CA', () => {
    expect(errors('leaf', {})).toEqual([]);
    expect(errors('intermediate', {})).toEqual([]);
  });

  it('checks the serial number (RFC 5280 4.1.2.2)', () => {
    expect(errors('leaf', { serial: 0 })).toEqual(['serial number is zero']);
    expect(errors('leaf', { serial: Uint8Array.from(Array(21).fill(0x11)) })).toEqual(['serial number is longer than 20 octets']);
    expect(errors('leaf', { serial: Uint8Array.from([0x7f, ...Array(19).fill(0x11)]) })).toEqual([]);
  });

  it('refuses duplicate extensions and unknown critical ones', () => {
    expect(errors('leaf', { extensions: [...leafExts(), extKeyUsage([EKU.codeSigning])] })).toEqual(['extension extKeyUsage appears more than once']);
    expect(errors('leaf', { extensions: [...leafExts(), extension('1.2.3.4', true, nul())] })).toEqual(['unsupported critical extension 1.2.3.4']);
    expect(errors('leaf', { extensions: [...leafExts(), extension('1.2.3.4', false, nul())] })).toEqual([]);
  });

  it('checks subjectAltName syntax and the empty-subject rule', () => {
    expect(errors('leaf', { extensions: [...leafExts(), subjectAltName([gn.dns('foo_bar.example.com')])] })).toEqual([
      'subjectAltName dNSName "foo_bar.example.com" is not a valid host name',
    ]);
    expect(errors('leaf', { extensions: [...leafExts(), subjectAltName([gn.ip([1, 2, 3])])] })).toEqual(['subjectAltName iPAddress has 3 octets (an address has 4 or 16)']);
    expect(errors('leaf', { subject: seq(), extensions: [...leafExts(), subjectAltName([gn.dns('a.example')])] })).toEqual([
      'subject is empty but subjectAltName is not critical',
    ]);
    expect(errors('leaf', { subject: seq(), extensions: [...leafExts(), subjectAltName([gn.dns('a.example')], true)] })).toEqual([]);
  });

  it('needs an authorityKeyIdentifier unless self-issued', () => {
    expect(errors('leaf', { extensions: [keyUsage(['digitalSignature']), extKeyUsage([EKU.codeSigning])] })).toEqual([
      'authorityKeyIdentifier is missing (required unless self-issued)',
    ]);
  });

  it('refuses a signature algorithm that differs inside and outside tbsCertificate', () => {
    const good = buildCertificate({
      subject: name([[ATTR.CN, 'subject']]), issuer: name([[ATTR.CN, 'issuer']]), serial: 7, notBefore: new Date('2026-01-01T00:00:00Z'),
      notAfter: new Date('2027-01-01T00:00:00Z'), subjectKey: key, issuerKey, extensions: leafExts(),
    });
    // Swap the outer AlgorithmIdentifier (ecdsa-with-SHA256) for ecdsa-with-SHA384.
    const outer = Buffer.from(seq(oid('1.2.840.10045.4.3.2'))).toString('hex');
    const hex = Buffer.from(good).toString('hex');
    const at = hex.lastIndexOf(outer);
    const swapped = Uint8Array.from(Buffer.from(hex.slice(0, at) + Buffer.from(seq(oid('1.2.840.10045.4.3.3'))).toString('hex') + hex.slice(at + outer.length), 'hex'));
    expect(profileErrors(analyzeCertificate(swapped), 'leaf', CTX)).toEqual(['signatureAlgorithm differs from the algorithm inside tbsCertificate']);
  });
});

describe('rules for CA certificates', () => {
  it('need a critical basicConstraints with cA, keyCertSign, an SKI and a subject', () => {
    expect(errors('intermediate', { extensions: [basicConstraints(true, undefined, false), keyUsage(['keyCertSign']), subjectKeyIdentifier(keyId(key)), authorityKeyIdentifier(keyId(issuerKey))] })).toEqual([
      'basicConstraints must be critical in a CA certificate',
    ]);
    expect(errors('intermediate', { extensions: [basicConstraints(true), keyUsage(['keyCertSign']), authorityKeyIdentifier(keyId(issuerKey))] })).toEqual([
      'subjectKeyIdentifier is missing (required in a CA certificate)',
    ]);
    expect(errors('intermediate', { extensions: [keyUsage(['keyCertSign']), subjectKeyIdentifier(keyId(key)), authorityKeyIdentifier(keyId(issuerKey))] })).toEqual([
      'keyUsage asserts keyCertSign but basicConstraints cA is not set',
      'basicConstraints is missing (required in a CA certificate)',
    ]);
  });

  it('restrict the leaf purpose through an intermediate EKU; a root carries none', () => {
    expect(errors('intermediate', { extensions: [...caExts(), extKeyUsage([EKU.serverAuth])] })).toEqual(['extendedKeyUsage does not allow codeSigning (1.3.6.1.5.5.7.3.3)']);
    expect(errors('intermediate', { extensions: [...caExts(), extKeyUsage([EKU.anyExtendedKeyUsage])] })).toEqual([]);
    const rootName = name([[ATTR.CN, 'root']]);
    const root = buildCertificate({
      subject: rootName, issuer: rootName, serial: 1, notBefore: new Date('2026-01-01T00:00:00Z'), notAfter: new Date('2027-01-01T00:00:00Z'),
      subjectKey: key, issuerKey: key, extensions: [basicConstraints(true), keyUsage(['keyCertSign']), subjectKeyIdentifier(keyId(key)), extKeyUsage([EKU.codeSigning])],
    });
    expect(profileErrors(analyzeCertificate(root), 'trust anchor', CTX)).toEqual(['a root must not carry extendedKeyUsage']);
  });
});

describe('rules for the signing leaf', () => {
  it('needs a non-critical EKU with the purpose and without anyExtendedKeyUsage', () => {
    const base = [keyUsage(['digitalSignature']), authorityKeyIdentifier(keyId(issuerKey))];
    expect(errors('leaf', { extensions: base })).toEqual(['extendedKeyUsage is missing']);
    expect(errors('leaf', { extensions: [...base, extKeyUsage([EKU.codeSigning], true)] })).toEqual(['extendedKeyUsage must not be critical']);
    expect(errors('leaf', { extensions: [...base, extKeyUsage([EKU.codeSigning, EKU.anyExtendedKeyUsage])] })).toEqual(['extendedKeyUsage contains anyExtendedKeyUsage']);
    expect(errors('leaf', { extensions: [...base, extension('2.5.29.37', false, seq())] })).toEqual(['malformed extKeyUsage extension (extKeyUsage: lists no key purpose)']);
  });

  it('may not assert keyCertSign or carry nameConstraints', () => {
    expect(errors('leaf', { extensions: [keyUsage(['digitalSignature', 'keyCertSign']), extKeyUsage([EKU.codeSigning]), authorityKeyIdentifier(keyId(issuerKey))] })).toEqual([
      'keyUsage asserts keyCertSign but basicConstraints cA is not set',
    ]);
    expect(errors('leaf', { extensions: [...leafExts(), nameConstraints({ permitted: [gn.dns('example.com')] })] })).toEqual([
      'nameConstraints is only allowed in CA certificates',
    ]);
    expect(errors('leaf', { extensions: [extension('2.5.29.15', true, bits(Uint8Array.of(0))), extKeyUsage([EKU.codeSigning]), authorityKeyIdentifier(keyId(issuerKey))] })).toEqual([
      'malformed keyUsage extension (keyUsage: no bit is set)',
    ]);
  });
});
