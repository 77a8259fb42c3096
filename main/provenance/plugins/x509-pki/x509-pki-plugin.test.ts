import { constants, createHash, sign } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toPem } from '../../../../fixtures/verify/plugins/cert-builder.ts';
import { makeTestPki } from '../../../../fixtures/verify/plugins/make-test-pki.ts';
import type { LeafName, TestPki } from '../../../../fixtures/verify/plugins/make-test-pki.ts';
import type { PluginInput } from '../plugin.ts';
import { runPlugin } from '../registry.ts';
import { createX509PkiPlugin } from './x509-pki-plugin.ts';

const T = 'O=Compliance Workbench Test';
const payload = new TextEncoder().encode('{"format":"compliance-workbench/evidence-pack","merkle":{"root":"00"}}');
const plugin = createX509PkiPlugin();

let pki: TestPki;
let cache: string;
let empty: string;

beforeAll(() => {
  cache = mkdtempSync(join(tmpdir(), 'wb-x509-plugin-'));
  empty = mkdtempSync(join(tmpdir(), 'wb-x509-empty-'));
  pki = makeTestPki(cache);
});
afterAll(() => {
  rmSync(cache, { recursive: true, force: true });
  rmSync(empty, { recursive: true, force: true });
});

function signWith(leaf: LeafName, how: 'natural' | 'pss' = 'natural'): Uint8Array {
  const k = pki.leaves[leaf].key;
  if (k.kind === 'rsa') {
    return how === 'pss'
      ? sign('sha256', payload, { key: k.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 })
      : sign('sha256', payload, k.privateKey);
  }
  if (k.kind === 'ed25519') return sign(null, payload, k.privateKey);
  return sign(k.kind === 'p384' ? 'sha384' : 'sha256', payload, k.privateKey);
}

function input(leaf: LeafName, over: Partial<PluginInput> = {}): PluginInput {
  const l = pki.leaves[leaf];
  return {
    manifest: {},
    payload,
    root: '00',
    signature: signWith(leaf),
    certs: [l.der, ...l.chain],
    offlineCacheDir: cache,
    at: pki.at,
    ...over,
  };
}

describe('x509-pki plugin', () => {
  it('applies only to packs with a detached signature and a chain', () => {
    expect(plugin.name).toBe('x509-pki');
    expect(plugin.applies(input('p256'))).toBe(true);
    expect(plugin.applies({ ...input('p256'), certs: [] })).toBe(false);
    expect(plugin.applies({ ...input('p256'), signature: undefined })).toBe(false);
  });

  it('verifies each signature scheme over the payload, naming the one used', async () => {
    const cases: [LeafName, 'natural' | 'pss', string][] = [
      ['p256', 'natural', 'ECDSA with SHA-256'],
      ['p384', 'natural', 'ECDSA with SHA-384'],
      ['ed25519', 'natural', 'Ed25519'],
      ['rsa', 'natural', 'RSA PKCS#1 v1.5 with SHA-256'],
      ['rsa', 'pss', 'RSA-PSS with SHA-256'],
    ];
    for (const [leaf, how, algorithm] of cases) {
      const r = await plugin.verify(input(leaf, { signature: signWith(leaf, how) }));
      expect(r.errors).toEqual([]);
      expect(r.ok).toBe(true);
      expect(r.details!.signatureAlgorithm).toBe(algorithm);
    }
  });

  it('puts the chain and the CRLs consulted in details', async () => {
    const r = await plugin.verify(input('p256'));
    expect(r.details!.crls).toEqual(['crls/issuing-ca.crl']);
    const chain = r.details!.chain as { role: string; subject: string; sha256: string }[];
    expect(chain.map((c) => [c.role, c.subject])).toEqual([
      ['leaf', `${T}, CN=WB Signer P-256`],
      ['intermediate', `${T}, CN=WB Test Issuing CA`],
      ['trust anchor', `${T}, CN=WB Test Root CA`],
    ]);
    expect(chain[2]!.sha256).toBe(createHash('sha256').update(pki.root.der).digest('hex'));
  });

  it('refuses a signature over other bytes, or a scheme pinned by options that was not used', async () => {
    const other = new TextEncoder().encode('{"tampered":true}');
    expect((await plugin.verify(input('p256', { payload: other }))).errors).toEqual([
      `the payload signature does not verify with the key of leaf "${T}, CN=WB Signer P-256"`,
    ]);
    expect((await plugin.verify(input('rsa', { signature: signWith('rsa', 'pss'), options: { signatureAlgorithm: 'rsa-pkcs1-sha256' } }))).errors).toEqual([
      `the payload signature does not verify with the key of leaf "${T}, CN=WB Signer RSA"`,
    ]);
    expect((await plugin.verify(input('p256', { options: { signatureAlgorithm: 'ed25519' } }))).errors).toEqual([
      "signatureAlgorithm ed25519 does not suit the leaf's ec key",
    ]);
  });

  it('applies CRLs from the offline cache', async () => {
    const r = await plugin.verify(input('revoked'));
    expect(r.ok).toBe(false);
    expect(r.errors).toEqual([
      `leaf "${T}, CN=WB Signer Revoked": revoked: serial 0x${pki.leaves.revoked.serial.toString(16)} is listed on the CRL issued by "${T}, CN=WB Test Issuing CA" (revocationDate 2026-04-15T00:00:00Z)`,
    ]);
  });

  it('takes anchors from options.trustAnchors as PEM or DER', async () => {
    expect((await plugin.verify(input('p256', { offlineCacheDir: empty, options: { trustAnchors: toPem(pki.root.der) } }))).ok).toBe(true);
    expect((await plugin.verify(input('p256', { offlineCacheDir: undefined, options: { trustAnchors: [pki.root.der] } }))).ok).toBe(true);
    expect((await plugin.verify(input('p256', { options: { trustAnchors: [42] } }))).errors).toEqual(['options.trustAnchors[0]: expected PEM text or DER bytes']);
  });

  it('is not verified without trust anchors, a signature, or a chain', async () => {
    expect((await plugin.verify(input('p256', { offlineCacheDir: empty }))).errors).toEqual([
      'no trust anchors: give options.trustAnchors or put PEM certificates in <offlineCacheDir>/anchors/',
    ]);
    expect((await plugin.verify(input('p256', { signature: undefined }))).errors).toEqual(['the pack carries no detached signature (attestations/signature.sig)']);
    expect((await plugin.verify(input('p256', { certs: [] }))).errors).toEqual(['the pack carries no certificate chain (attestations/chain.pem)']);
  });

  it('passes options.eku and options.maxDepth to path validation', async () => {
    expect((await plugin.verify(input('wrongEku'))).ok).toBe(false);
    expect((await plugin.verify(input('wrongEku', { options: { eku: 'serverAuth' } }))).ok).toBe(true);
    expect((await plugin.verify(input('p256', { options: { maxDepth: 0 } }))).ok).toBe(false);
    expect((await plugin.verify(input('p256', { options: { maxDepth: '1' } }))).errors).toEqual(['options.maxDepth: expected a non-negative integer']);
  });

  it('fails closed on a corrupt cache file and never throws', async () => {
    const bad = mkdtempSync(join(tmpdir(), 'wb-x509-bad-'));
    try {
      makeTestPki(bad);
      writeFileSync(join(bad, 'crls', 'zz-broken.pem'), 'not a crl');
      const report = await runPlugin(plugin, input('p256', { offlineCacheDir: bad }));
      expect(report).toEqual({ name: 'x509-pki', ok: false, errors: ['crls/zz-broken.pem: no PEM block labelled X509 CRL'], warnings: [], details: {} });
    } finally {
      rmSync(bad, { recursive: true, force: true });
    }
  });

  it('warns when the manifest names another signer key', async () => {
    const r = await plugin.verify(input('p256', { manifest: { signer: { keyFingerprint: 'ab'.repeat(32) } } }));
    expect(r.ok).toBe(true);
    expect(r.warnings![0]).toMatch(/^manifest signer\.keyFingerprint abab.* differs from the leaf key's SHA-256 [0-9a-f]{64}$/);
  });

  it('gives byte-identical results for the same inputs', async () => {
    expect(JSON.stringify(await plugin.verify(input('p256')))).toBe(JSON.stringify(await plugin.verify(input('p256'))));
  });
});
