import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestPki } from '../../../../fixtures/verify/plugins/make-test-pki.ts';
import type { TestCa, TestPki } from '../../../../fixtures/verify/plugins/make-test-pki.ts';
import {
  EKU,
  authorityKeyIdentifier,
  basicConstraints,
  buildCertificate,
  buildCrl,
  deterministicKey,
  extKeyUsage,
  keyId,
  keyUsage,
  subjectKeyIdentifier,
} from '../../../../fixtures/verify/plugins/cert-builder.ts';
import type { CrlSpec, TestKey } from '../../../../fixtures/verify/plugins/cert-builder.ts';
import { ATTR, name } from '../../../../fixtures/verify/plugins/der-writer.ts';
import type { Der } from '../../../../fixtures/verify/plugins/der-writer.ts';
import { MAX_SEARCH_STEPS, MAX_SIGNATURE_CHECKS, validatePath } from './path-validator.ts';

const T = 'O=Compliance Workbench Test';
const ROOT = `${T}, CN=WB Test Root CA`;
const ISSUING = `${T}, CN=WB Test Issuing CA`;
const day = (iso: string): Date => new Date(`${iso}T00:00:00Z`);

let pki: TestPki;
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'wb-x509-path-'));
  pki = makeTestPki(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(leaf: keyof TestPki['leaves'], extra: Partial<Parameters<typeof validatePath>[3]> = {}) {
  const l = pki.leaves[leaf];
  return validatePath(l.der, l.chain, [pki.root.der], { at: pki.at, crls: [pki.crl], ...extra });
}

/** A CA certificate signed by `issuer` (defaults: valid 2025–2035, pathLen unset). */
function makeCa(cn: string, issuer: { name: Der; key: TestKey } | null, key: TestKey, opts: { serial?: number; extensions?: Der[] } = {}): TestCa {
  const n = name([[ATTR.CN, cn]]);
  const signer = issuer ?? { name: n, key };
  const der = buildCertificate({
    subject: n,
    issuer: signer.name,
    serial: opts.serial ?? 0x77,
    notBefore: day('2025-01-01'),
    notAfter: day('2035-01-01'),
    subjectKey: key,
    issuerKey: signer.key,
    extensions: opts.extensions ?? [
      basicConstraints(true),
      keyUsage(['keyCertSign', 'cRLSign']),
      subjectKeyIdentifier(keyId(key)),
      ...(issuer ? [authorityKeyIdentifier(keyId(issuer.key))] : []),
    ],
  });
  return { name: n, key, der };
}

function makeLeaf(cn: string, issuer: { name: Der; key: TestKey }, opts: { notBefore?: Date; notAfter?: Date; serial?: number } = {}): Uint8Array {
  const key = deterministicKey('p256', `test-leaf:${cn}`);
  return buildCertificate({
    subject: name([[ATTR.CN, cn]]),
    issuer: issuer.name,
    serial: opts.serial ?? 0x99,
    notBefore: opts.notBefore ?? day('2026-01-01'),
    notAfter: opts.notAfter ?? day('2027-01-01'),
    subjectKey: key,
    issuerKey: issuer.key,
    extensions: [keyUsage(['digitalSignature']), extKeyUsage([EKU.codeSigning]), subjectKeyIdentifier(keyId(key)), authorityKeyIdentifier(keyId(issuer.key))],
  });
}

describe('validatePath: valid chains', () => {
  it('accepts each leaf key type and reports the chain, leaf first', () => {
    for (const leaf of ['p256', 'p384', 'ed25519', 'rsa'] as const) {
      const r = run(leaf);
      expect(r.errors).toEqual([]);
      expect(r.ok).toBe(true);
      expect(r.chain!.map((c) => [c.role, c.issuer])).toEqual([
        ['leaf', ISSUING],
        ['intermediate', ROOT],
        ['trust anchor', ROOT],
      ]);
    }
  });

  it('gives serials, SHA-256 fingerprints and validity for the report', () => {
    const r = run('p256');
    const [leaf, , anchor] = r.chain!;
    expect(leaf!.subject).toBe(`${T}, CN=WB Signer P-256`);
    expect(leaf!.serial).toBe(pki.leaves.p256.serial.toString(16));
    expect(leaf!.notBefore).toBe('2026-01-01T00:00:00Z');
    expect(anchor!.serial).toBe('1001');
    expect(anchor!.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(anchor!.notAfter).toBe('2036-01-01T00:00:00Z');
  });

  it('is deterministic: the same inputs give the same result', () => {
    expect(JSON.stringify({ ...run('p256'), leaf: undefined })).toBe(JSON.stringify({ ...run('p256'), leaf: undefined }));
  });

  it('needs no CRL: CRLs are applied only when given', () => {
    expect(run('revoked', { crls: [] }).ok).toBe(true);
  });
});

describe('validatePath: validity at the reference time', () => {
  it('rejects an expired leaf', () => {
    expect(run('expired').errors).toEqual([
      `leaf "${T}, CN=WB Signer Expired": expired: notAfter 2025-12-31T23:59:59Z is before the reference time 2026-06-01T00:00:00Z`,
    ]);
  });

  it('rejects a leaf that is not yet valid', () => {
    expect(run('notYetValid').errors).toEqual([
      `leaf "${T}, CN=WB Signer Not Yet Valid": not yet valid: notBefore 2026-07-01T00:00:00Z is after the reference time 2026-06-01T00:00:00Z`,
    ]);
  });

  it('treats notBefore and notAfter as inclusive, to the second', () => {
    const l = pki.leaves.p256;
    const at = (iso: string) => validatePath(l.der, l.chain, [pki.root.der], { at: new Date(iso) });
    expect(at('2026-01-01T00:00:00Z').ok).toBe(true);
    expect(at('2027-01-01T00:00:00Z').ok).toBe(true);
    expect(at('2027-01-01T00:00:00.999Z').ok).toBe(true); // fractions are floored
    expect(at('2027-01-01T00:00:01Z').errors).toEqual([
      `leaf "${T}, CN=WB Signer P-256": expired: notAfter 2027-01-01T00:00:00Z is before the reference time 2027-01-01T00:00:01Z`,
    ]);
    expect(at('2025-12-31T23:59:59.999Z').ok).toBe(false);
  });

  it('checks the intermediate and the anchor too', () => {
    const l = pki.leaves.p256;
    const r = validatePath(l.der, l.chain, [pki.root.der], { at: day('2035-06-01') });
    expect(r.errors[0]).toBe(`leaf "${T}, CN=WB Signer P-256": expired: notAfter 2027-01-01T00:00:00Z is before the reference time 2035-06-01T00:00:00Z`);
    const key = deterministicKey('p256', 'late-leaf');
    const lateLeaf = buildCertificate({
      subject: name([[ATTR.CN, 'late']]), issuer: pki.issuing.name, serial: 5, notBefore: day('2035-01-01'), notAfter: day('2036-01-01'),
      subjectKey: key, issuerKey: pki.issuing.key,
      extensions: [keyUsage(['digitalSignature']), extKeyUsage([EKU.codeSigning]), authorityKeyIdentifier(keyId(pki.issuing.key))],
    });
    expect(validatePath(lateLeaf, [pki.issuing.der], [pki.root.der], { at: day('2035-06-01') }).errors).toEqual([
      `intermediate "${ISSUING}": expired: notAfter 2035-01-01T00:00:00Z is before the reference time 2035-06-01T00:00:00Z`,
    ]);
  });
});

describe('validatePath: key usage and purpose', () => {
  it('requires codeSigning by default', () => {
    expect(run('wrongEku').errors).toEqual([
      `leaf "${T}, CN=WB Signer Server Auth": extendedKeyUsage does not include codeSigning (1.3.6.1.5.5.7.3.3)`,
    ]);
  });

  it('takes another purpose from options.eku (name or OID)', () => {
    expect(run('wrongEku', { eku: 'serverAuth' }).ok).toBe(true);
    expect(run('wrongEku', { eku: '1.3.6.1.5.5.7.3.1' }).ok).toBe(true);
    expect(run('p256', { eku: 'serverAuth' }).errors).toEqual([
      `leaf "${T}, CN=WB Signer P-256": extendedKeyUsage does not include serverAuth (1.3.6.1.5.5.7.3.1)`,
    ]);
  });

  it('refuses an unknown purpose name', () => {
    expect(run('p256', { eku: 'codesigning' }).errors).toEqual([
      'eku: "codesigning" is neither a known key purpose (serverAuth, clientAuth, codeSigning, emailProtection, timeStamping, OCSPSigning, anyExtendedKeyUsage) nor an OID',
    ]);
  });

  it('refuses an intermediate that is not a CA, and one without keyCertSign', () => {
    const key = deterministicKey('p256', 'not-a-ca');
    const notCa = makeCa('Not A CA', pki.root, key, {
      extensions: [basicConstraints(false), subjectKeyIdentifier(keyId(key)), authorityKeyIdentifier(keyId(pki.root.key))],
    });
    const r = validatePath(makeLeaf('under not-a-ca', notCa), [notCa.der], [pki.root.der], { at: pki.at });
    expect(r.errors).toEqual(['intermediate "CN=Not A CA": basicConstraints cA is not set: not a CA certificate']);
    const key2 = deterministicKey('p256', 'no-certsign');
    const noSign = makeCa('No CertSign', pki.root, key2, {
      extensions: [basicConstraints(true), keyUsage(['cRLSign']), subjectKeyIdentifier(keyId(key2)), authorityKeyIdentifier(keyId(pki.root.key))],
    });
    expect(validatePath(makeLeaf('under no-certsign', noSign), [noSign.der], [pki.root.der], { at: pki.at }).errors).toEqual([
      'intermediate "CN=No CertSign": keyUsage lacks keyCertSign',
    ]);
  });

  it('refuses a leaf whose keyUsage lacks digitalSignature or that is a CA', () => {
    const key = deterministicKey('p256', 'enc-only');
    const encOnly = buildCertificate({
      subject: name([[ATTR.CN, 'enc only']]), issuer: pki.issuing.name, serial: 6, notBefore: day('2026-01-01'), notAfter: day('2027-01-01'),
      subjectKey: key, issuerKey: pki.issuing.key,
      extensions: [keyUsage(['keyEncipherment']), extKeyUsage([EKU.codeSigning]), authorityKeyIdentifier(keyId(pki.issuing.key))],
    });
    expect(validatePath(encOnly, [pki.issuing.der], [pki.root.der], { at: pki.at }).errors).toEqual(['leaf "CN=enc only": keyUsage lacks digitalSignature']);
    expect(validatePath(pki.issuing.der, [], [pki.root.der], { at: pki.at }).errors).toEqual([
      `leaf "${ISSUING}": a CA certificate (basicConstraints cA) cannot be the signing leaf`,
      `leaf "${ISSUING}": keyUsage lacks digitalSignature`,
      `leaf "${ISSUING}": extendedKeyUsage is missing`,
    ]);
  });

  it('rejects an unknown critical extension', () => {
    expect(run('unknownCritical').errors).toEqual([
      `leaf "${T}, CN=WB Signer Unknown Extension": unsupported critical extension 1.3.6.1.4.1.55738.666.1`,
    ]);
  });
});

describe('validatePath: path length and depth', () => {
  it('enforces pathLenConstraint', () => {
    expect(run('pathLen').errors).toEqual([
      `intermediate "${ISSUING}": pathLenConstraint 0 is exceeded: 1 intermediate CA certificate(s) follow it`,
    ]);
  });

  it('enforces maxDepth (intermediates, not counting self-issued ones)', () => {
    expect(run('p256', { maxDepth: 0 }).errors).toEqual([
      `intermediate "${ISSUING}": using it would make the path longer than allowed (at most 0 intermediates, 16 certificates)`,
    ]);
    expect(run('p256', { maxDepth: 1 }).ok).toBe(true);
    expect(run('p256', { maxDepth: -1 }).errors).toEqual(['maxDepth: must be a non-negative integer, got -1']);
  });
});

describe('validatePath: name constraints', () => {
  const C = `${T}, CN=WB Test Constrained CA`;
  it('accepts names inside the permitted subtrees', () => {
    expect(run('ncPermitted').ok).toBe(true);
  });
  it('rejects a dNSName outside the permitted subtrees', () => {
    expect(run('ncDnsOutside').errors).toEqual([
      `leaf "${T}, CN=WB Signer Outside": dNSName "build.evil.test" is not within the permitted subtrees of "${C}"`,
    ]);
  });
  it('rejects a dNSName inside an excluded subtree', () => {
    expect(run('ncDnsExcluded').errors).toEqual([
      `leaf "${T}, CN=WB Signer Blocked": dNSName "ci.blocked.example.com" is within the excluded subtree dNSName "blocked.example.com" of "${C}"`,
    ]);
  });
  it('rejects an rfc822Name outside the permitted subtrees', () => {
    expect(run('ncEmailOutside').errors).toEqual([
      `leaf "${T}, CN=WB Signer Mail": rfc822Name "dev@evil.test" is not within the permitted subtrees of "${C}"`,
    ]);
  });
  it('rejects an iPAddress inside an excluded subtree', () => {
    expect(run('ncIpExcluded').errors).toEqual([
      `leaf "${T}, CN=WB Signer Ip": iPAddress 10.1.2.3 is within the excluded subtree iPAddress 10.0.0.0/8 of "${C}"`,
    ]);
  });
  it('applies directoryName constraints to the subject', () => {
    expect(run('ncDnExcluded').errors).toEqual([
      `leaf "O=Blocked Org, CN=WB Signer Blocked Org": directoryName "O=Blocked Org, CN=WB Signer Blocked Org" is within the excluded subtree directoryName "O=Blocked Org" of "${C}"`,
    ]);
  });
});

describe('validatePath: revocation', () => {
  const REVOKED = `${T}, CN=WB Signer Revoked`;
  const crl = (over: Partial<CrlSpec>): Uint8Array =>
    buildCrl({ issuer: pki.issuing.name, issuerKey: pki.issuing.key, thisUpdate: day('2026-05-01'), nextUpdate: day('2026-07-01'), revoked: [], crlNumber: 1, ...over });
  const withCrl = (c: Uint8Array, leaf: 'p256' | 'revoked' = 'p256') => run(leaf, { crls: [c] });

  it('rejects a certificate listed on its issuer\'s CRL', () => {
    expect(run('revoked').errors).toEqual([
      `leaf "${REVOKED}": revoked: serial 0x${pki.leaves.revoked.serial.toString(16)} is listed on the CRL issued by "${ISSUING}" (revocationDate 2026-04-15T00:00:00Z)`,
    ]);
  });

  it('accepts a certificate not on the CRL', () => {
    expect(run('p256').ok).toBe(true);
  });

  it('fails closed on a CRL that is stale or not yet valid', () => {
    expect(withCrl(crl({ nextUpdate: day('2026-05-31') })).errors).toEqual([
      `leaf "${T}, CN=WB Signer P-256": CRL issued by "${ISSUING}": stale: nextUpdate 2026-05-31T00:00:00Z is before the reference time 2026-06-01T00:00:00Z`,
    ]);
    expect(withCrl(crl({ thisUpdate: day('2026-06-02') })).errors).toEqual([
      `leaf "${T}, CN=WB Signer P-256": CRL issued by "${ISSUING}": not yet valid: thisUpdate 2026-06-02T00:00:00Z is after the reference time 2026-06-01T00:00:00Z`,
    ]);
  });

  it('fails closed on a CRL not signed by the issuer\'s key, or without cRLNumber', () => {
    expect(withCrl(crl({ issuerKey: pki.root.key })).errors).toEqual([
      `leaf "${T}, CN=WB Signer P-256": CRL issued by "${ISSUING}": signature does not verify with the issuer's key`,
    ]);
    expect(withCrl(crl({ crlNumber: undefined })).errors).toEqual([
      `leaf "${T}, CN=WB Signer P-256": CRL issued by "${ISSUING}": cRLNumber is missing (RFC 5280 5.2.3)`,
    ]);
  });

  it('ignores CRLs of other issuers (matched by name bytes)', () => {
    const other = buildCrl({ issuer: name([[ATTR.CN, 'Someone Else']]), issuerKey: pki.root.key, thisUpdate: day('2020-01-01'), revoked: [{ serial: pki.leaves.revoked.serial, date: day('2020-01-01') }] });
    expect(withCrl(other, 'revoked').ok).toBe(true);
  });

  it('refuses a CRL from an issuer without cRLSign', () => {
    const key = deterministicKey('p256', 'no-crlsign');
    const ca = makeCa('No CRLSign', pki.root, key, {
      extensions: [basicConstraints(true), keyUsage(['keyCertSign']), subjectKeyIdentifier(keyId(key)), authorityKeyIdentifier(keyId(pki.root.key))],
    });
    const c = buildCrl({ issuer: ca.name, issuerKey: key, thisUpdate: day('2026-05-01'), nextUpdate: day('2026-07-01'), revoked: [], crlNumber: 1 });
    expect(validatePath(makeLeaf('l', ca), [ca.der], [pki.root.der], { at: pki.at, crls: [c] }).errors).toEqual([
      'leaf "CN=l": CRL issued by "CN=No CRLSign": the issuer\'s keyUsage lacks cRLSign',
    ]);
  });

  it('fails closed on a CRL it cannot read', () => {
    expect(run('p256', { crls: [Uint8Array.of(0x30, 0x03, 0x02, 0x01)], crlLabels: ['crls/bad.crl'] }).errors).toEqual([
      'crls/bad.crl cannot be read: CRL: truncated value (needs 3 bytes, has 2)',
    ]);
  });
});

describe('validatePath: trust anchors and path building', () => {
  it('rejects a chain to a root that is not trusted', () => {
    const otherRoot = makeCa('Other Root', null, deterministicKey('p256', 'other-root'));
    const l = pki.leaves.p256;
    expect(validatePath(l.der, l.chain, [otherRoot.der], { at: pki.at }).errors).toEqual([
      `intermediate "${ISSUING}": no trust anchor or intermediate has the subject "${ROOT}" that issued it`,
    ]);
  });

  it('matches anchors by key as well as name: a look-alike root does not verify', () => {
    const fakeKey = deterministicKey('p256', 'fake-root');
    const fake = buildCertificate({
      subject: pki.root.name, issuer: pki.root.name, serial: 0x1001, notBefore: day('2025-01-01'), notAfter: day('2036-01-01'),
      subjectKey: fakeKey, issuerKey: fakeKey, extensions: [basicConstraints(true), keyUsage(['keyCertSign', 'cRLSign']), subjectKeyIdentifier(keyId(fakeKey))],
    });
    const l = pki.leaves.p256;
    expect(validatePath(l.der, l.chain, [fake], { at: pki.at }).errors).toEqual([
      `intermediate "${ISSUING}": signature does not verify with the key of trust anchor "${ROOT}"`,
    ]);
  });

  it('backtracks past a bad candidate issuer to a good one', () => {
    const l = pki.leaves.p256;
    const expiredTwin = buildCertificate({
      subject: pki.issuing.name, issuer: pki.root.name, serial: 0x2fff, notBefore: day('2020-01-01'), notAfter: day('2021-01-01'),
      subjectKey: pki.issuing.key, issuerKey: pki.root.key,
      extensions: [basicConstraints(true, 0), keyUsage(['keyCertSign', 'cRLSign']), subjectKeyIdentifier(keyId(pki.issuing.key)), authorityKeyIdentifier(keyId(pki.root.key))],
    });
    const r = validatePath(l.der, [expiredTwin, ...l.chain], [pki.root.der], { at: pki.at });
    expect(r.ok).toBe(true);
    expect(r.chain![1]!.serial).toBe('2001');
  });

  it('terminates on a cycle of cross-signed CAs that never reaches an anchor', () => {
    const ka = deterministicKey('p256', 'cycle-a');
    const kb = deterministicKey('p256', 'cycle-b');
    const na = name([[ATTR.CN, 'Cycle A']]);
    const nb = name([[ATTR.CN, 'Cycle B']]);
    const a = makeCa('Cycle A', { name: nb, key: kb }, ka);
    const b = makeCa('Cycle B', { name: na, key: ka }, kb);
    const r = validatePath(makeLeaf('cyclic', a), [a.der, b.der], [pki.root.der], { at: pki.at });
    expect(r.ok).toBe(false);
    expect(r.errors).toEqual([
      'intermediate "CN=Cycle B": no trust anchor has the subject "CN=Cycle A" that issued it, and every intermediate with that subject is already in the path',
    ]);
  });

  it('stops after a bounded number of signature checks with many same-name candidates', () => {
    const subject = { name: name([[ATTR.CN, 'Crowd']]) };
    const crowd = Array.from({ length: 40 }, (_, i) => makeCa('Crowd', { name: subject.name, key: deterministicKey('p256', `crowd-${(i + 1) % 40}`) }, deterministicKey('p256', `crowd-${i}`), { serial: i + 1 }));
    const started = performance.now();
    const r = validatePath(makeLeaf('crowded', crowd[0]!), crowd.map((c) => c.der), [pki.root.der], { at: pki.at });
    expect(r.ok).toBe(false);
    expect(r.errors).toContain(`path search stopped after ${MAX_SIGNATURE_CHECKS} signature checks (work limit)`);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('stops after a bounded number of candidates with many copies of each CA', () => {
    // Six levels of CAs, four certificates each (same subject and key, different serials):
    // every copy verifies, so a naive search would walk 4^6 paths to an untrusted top.
    const levels: TestCa[][] = [];
    for (let lvl = 0; lvl < 6; lvl++) {
      const key = deterministicKey('p256', `copies-${lvl}`);
      const issuer = lvl === 0 ? null : { name: levels[lvl - 1]![0]!.name, key: levels[lvl - 1]![0]!.key };
      levels.push(Array.from({ length: 4 }, (_, i) => makeCa(`Level ${lvl}`, issuer, key, { serial: 100 * lvl + i + 1 })));
    }
    const bottom = levels[5]![0]!;
    const r = validatePath(makeLeaf('deep', bottom), levels.flat().map((c) => c.der), [pki.root.der], { at: pki.at, maxDepth: 16 });
    expect(r.ok).toBe(false);
    expect(r.errors).toContain(`path search stopped after considering ${MAX_SEARCH_STEPS} candidate issuers (work limit)`);
  });

  it('ignores unreadable intermediates with a warning', () => {
    const l = pki.leaves.p256;
    const r = validatePath(l.der, [Uint8Array.of(2, 1, 5), ...l.chain], [pki.root.der], { at: pki.at });
    expect(r.ok).toBe(true);
    expect(r.warnings).toEqual(['intermediate #1 ignored: certificate: expected universal tag 16, found class 0 tag 2']);
  });

  it('reports a malformed leaf and a missing anchor', () => {
    expect(validatePath(Uint8Array.of(0x30, 0x80), [], [pki.root.der], { at: pki.at }).errors).toEqual(['leaf: certificate: indefinite length is not DER']);
    const l = pki.leaves.p256;
    expect(validatePath(l.der, l.chain, [], { at: pki.at }).errors).toEqual(['no usable trust anchor is configured']);
    expect(validatePath(l.der, l.chain, [pki.root.der], { at: new Date('nope') }).errors).toEqual(['at: not a valid Date']);
  });
});
