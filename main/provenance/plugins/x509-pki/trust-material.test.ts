import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toPem } from '../../../../fixtures/verify/plugins/cert-builder.ts';
import { makeTestPki } from '../../../../fixtures/verify/plugins/make-test-pki.ts';
import type { TestPki } from '../../../../fixtures/verify/plugins/make-test-pki.ts';
import { loadAnchors, loadCrls } from './trust-material.ts';

let dir: string;
let pki: TestPki;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'wb-x509-cache-'));
  pki = makeTestPki(join(dir, 'pki'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('offline cache layout', () => {
  it('reads anchors/*.pem in name order, several certificates per file allowed', () => {
    const cache = join(dir, 'c1');
    mkdirSync(join(cache, 'anchors'), { recursive: true });
    writeFileSync(join(cache, 'anchors', 'b.pem'), toPem(pki.root.der));
    writeFileSync(join(cache, 'anchors', 'a.pem'), toPem(pki.issuing.der) + toPem(pki.constrained.der));
    writeFileSync(join(cache, 'anchors', 'notes.txt'), 'ignored');
    const m = loadAnchors(undefined, cache);
    expect(m.sources).toEqual(['anchors/a.pem', 'anchors/a.pem', 'anchors/b.pem']);
    expect(Buffer.from(m.ders[2]!).equals(Buffer.from(pki.root.der))).toBe(true);
  });

  it('reads crls/*.crl as DER or PEM and crls/*.pem as PEM', () => {
    const cache = join(dir, 'c2');
    mkdirSync(join(cache, 'crls'), { recursive: true });
    writeFileSync(join(cache, 'crls', 'a.crl'), pki.crl);
    writeFileSync(join(cache, 'crls', 'b.crl'), toPem(pki.crl, 'X509 CRL'));
    writeFileSync(join(cache, 'crls', 'c.pem'), toPem(pki.crl, 'X509 CRL'));
    const m = loadCrls(cache);
    expect(m.sources).toEqual(['crls/a.crl', 'crls/b.crl', 'crls/c.pem']);
    expect(m.ders.every((d) => Buffer.from(d).equals(Buffer.from(pki.crl)))).toBe(true);
  });

  it('treats missing folders as empty and an anchor file without a certificate as an error', () => {
    expect(loadAnchors(undefined, join(dir, 'nowhere'))).toEqual({ ders: [], sources: [] });
    expect(loadCrls(undefined)).toEqual({ ders: [], sources: [] });
    const cache = join(dir, 'c3');
    mkdirSync(join(cache, 'anchors'), { recursive: true });
    writeFileSync(join(cache, 'anchors', 'root.pem'), toPem(pki.crl, 'X509 CRL'));
    expect(() => loadAnchors(undefined, cache)).toThrow('anchors/root.pem: no PEM block labelled CERTIFICATE');
  });
});
