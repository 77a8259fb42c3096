import { createHash, generateKeyPairSync } from 'node:crypto';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import canonicalize from 'canonicalize';
import { toPem } from '../../../fixtures/verify/plugins/cert-builder.ts';
import { makeTestPki } from '../../../fixtures/verify/plugins/make-test-pki.ts';
import type { VerifyReport } from '../../../shared/domain/provenance.ts';
import { loadOrCreateWorkbenchKey } from '../../appeals/workbench-key.ts';
import { createPack } from '../../provenance/pack/create-pack.ts';
import { writePackArchive } from '../../provenance/pack/pack-archive.ts';
import { seedDemoData } from '../../store/demo-seed.ts';
import { openStore } from '../../store/open-store.ts';
import type { Store } from '../../store/store.ts';
import { createTempSqlite, type TempSqlite } from '../../store/testing/temp-sqlite.ts';
import { ensureDemoEvidencePack } from '../demo-evidence-pack.ts';
import type { CollectContext, Collected } from '../pack-file.ts';
import { testCollectContext } from '../testing/collect-context.ts';
import { provenancePacksCollector } from './provenance-packs.ts';

const AT = new Date('2026-11-28T12:00:00.000Z');
const CREATED = new Date('2026-11-27T08:00:00.000Z');

const text = (c: Collected, path: string) => {
  const f = c.files.find((x) => x.path === path);
  if (!f || !Buffer.isBuffer(f.data)) throw new Error(`no in-memory file ${path}`);
  return f.data.toString('utf8');
};

describe('provenancePacksCollector', () => {
  let tmp: TempSqlite;
  let store: Store;
  let ctx: CollectContext;

  beforeEach(async () => {
    tmp = createTempSqlite('wb-ap-prov-');
    store = await openStore({ dataDir: tmp.dataDir, now: () => AT });
    await seedDemoData(store);
    ctx = testCollectContext(store, tmp.dataDir, { from: new Date('2025-11-28T12:00:00.000Z'), to: AT });
  });
  afterEach(async () => {
    await store.close();
    tmp.remove();
  });

  it('treats a missing packs folder as zero packs and still writes the summary', async () => {
    const c = await provenancePacksCollector.collect(ctx);
    expect(c.files.map((f) => [f.path, f.records, f.asOf])).toEqual([['provenance/summary.json', 0, undefined]]);
    expect(c.facts).toEqual({
      'provenance.packs': 0,
      'provenance.verified': 0,
      'provenance.notVerified': 0,
      'provenance.skipped': 0,
      'provenance.allVerified': null,
      'provenance.files': 0,
      'provenance.bytes': 0,
    });
    const summary = JSON.parse(text(c, 'provenance/summary.json'));
    expect(summary.packs).toEqual([]);
    expect(summary.trust.keys).toEqual([]);
  });

  it('includes folder and .tgz packs file by file (streamed), with the real verifier\'s report and why it failed', async () => {
    await ensureDemoEvidencePack(tmp.dataDir, CREATED);
    const workbench = loadOrCreateWorkbenchKey(tmp.dataDir);
    const wbFingerprint = createHash('sha256').update(workbench.publicKey.export({ type: 'spki', format: 'der' })).digest('hex');

    // A partner's pack, trusted through keys/trusted/partner.pem, shipped as a .tgz.
    const partner = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    mkdirSync(join(tmp.dataDir, 'keys', 'trusted'), { recursive: true });
    writeFileSync(join(tmp.dataDir, 'keys', 'trusted', 'partner.pem'), partner.publicKey.export({ type: 'spki', format: 'pem' }));
    writeFileSync(join(tmp.dataDir, 'keys', 'trusted', 'notes.pem'), 'not a key\n');
    const partnerDir = join(tmp.dataDir, 'work', 'partner');
    mkdirSync(partnerDir, { recursive: true });
    writeFileSync(join(partnerDir, 'scan.json'), '{"findings":0}\n');
    await createPack(partnerDir, { keyPem: partner.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), createdAt: CREATED });
    await writePackArchive(partnerDir, join(tmp.dataDir, 'packs', 'partner-scan.tgz'));

    // A pack signed by a key nobody trusts, and a trusted pack with one byte appended to a file.
    const stranger = generateKeyPairSync('ed25519');
    const strangerDir = join(tmp.dataDir, 'packs', 'stranger');
    mkdirSync(strangerDir, { recursive: true });
    writeFileSync(join(strangerDir, 'log.txt'), 'hello\n');
    const strangerPack = await createPack(strangerDir, { keyPem: stranger.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), createdAt: CREATED });
    const tamperedDir = join(tmp.dataDir, 'packs', 'tampered');
    mkdirSync(tamperedDir, { recursive: true });
    writeFileSync(join(tamperedDir, 'a.csv'), 'x,y\r\n1,2\r\n');
    await createPack(tamperedDir, { keyPem: readFileSync(workbench.path, 'utf8'), createdAt: CREATED });
    appendFileSync(join(tamperedDir, 'a.csv'), '3,4\r\n');
    // Not packs: a folder without manifest.json, a stray file, a hidden work folder.
    mkdirSync(join(tmp.dataDir, 'packs', 'unsigned'));
    writeFileSync(join(tmp.dataDir, 'packs', 'README.txt'), 'x');
    mkdirSync(join(tmp.dataDir, 'packs', '.demo-evidence.99.tmp'));

    const c = await provenancePacksCollector.collect(ctx);
    const packsDir = join(tmp.dataDir, 'packs');
    expect(c.files.map((f) => [f.path, f.mediaType, Buffer.isBuffer(f.data) ? 'memory' : f.data])).toEqual([
      ['provenance/packs/demo-evidence/attestations/sigstore-bundle.json', 'application/json', { file: join(packsDir, 'demo-evidence/attestations/sigstore-bundle.json'), size: expect.any(Number) }],
      ['provenance/packs/demo-evidence/evidence/access-decisions.csv', 'text/csv', { file: join(packsDir, 'demo-evidence/evidence/access-decisions.csv'), size: expect.any(Number) }],
      ['provenance/packs/demo-evidence/evidence/consents.csv', 'text/csv', { file: join(packsDir, 'demo-evidence/evidence/consents.csv'), size: expect.any(Number) }],
      ['provenance/packs/demo-evidence/evidence/evidence-register.json', 'application/json', { file: join(packsDir, 'demo-evidence/evidence/evidence-register.json'), size: expect.any(Number) }],
      ['provenance/packs/demo-evidence/manifest.json', 'application/json', { file: join(packsDir, 'demo-evidence/manifest.json'), size: expect.any(Number) }],
      ['provenance/packs/demo-evidence/pack-info.json', 'application/json', { file: join(packsDir, 'demo-evidence/pack-info.json'), size: expect.any(Number) }],
      ['provenance/packs/partner-scan.tgz', 'application/gzip', { file: join(packsDir, 'partner-scan.tgz'), size: expect.any(Number) }],
      ['provenance/packs/stranger/attestations/sigstore-bundle.json', 'application/json', { file: join(strangerDir, 'attestations/sigstore-bundle.json'), size: expect.any(Number) }],
      ['provenance/packs/stranger/log.txt', 'text/plain', { file: join(strangerDir, 'log.txt'), size: 6 }],
      ['provenance/packs/stranger/manifest.json', 'application/json', { file: join(strangerDir, 'manifest.json'), size: expect.any(Number) }],
      ['provenance/packs/tampered/a.csv', 'text/csv', { file: join(tamperedDir, 'a.csv'), size: 15 }],
      ['provenance/packs/tampered/attestations/sigstore-bundle.json', 'application/json', { file: join(tamperedDir, 'attestations/sigstore-bundle.json'), size: expect.any(Number) }],
      ['provenance/packs/tampered/manifest.json', 'application/json', { file: join(tamperedDir, 'manifest.json'), size: expect.any(Number) }],
      ['provenance/summary.json', 'application/json', 'memory'],
      ['provenance/verify-reports/demo-evidence.json', 'application/json', 'memory'],
      ['provenance/verify-reports/partner-scan.json', 'application/json', 'memory'],
      ['provenance/verify-reports/stranger.json', 'application/json', 'memory'],
      ['provenance/verify-reports/tampered.json', 'application/json', 'memory'],
    ]);
    for (const f of c.files) {
      if (!Buffer.isBuffer(f.data)) expect(f.data.size).toBe(readFileSync(f.data.file).length);
      expect(f.section).toBe('provenance');
      expect(f.asOf).toBe(f.path.startsWith('provenance/packs/') ? CREATED.toISOString() : AT.toISOString());
    }

    const reports = Object.fromEntries(
      ['demo-evidence', 'partner-scan', 'stranger', 'tampered'].map((n) => [n, JSON.parse(text(c, `provenance/verify-reports/${n}.json`)) as VerifyReport]),
    );
    expect(Object.fromEntries(Object.entries(reports).map(([n, r]) => [n, [r.verified, r.referenceTime, r.errors]]))).toEqual({
      'demo-evidence': [true, AT.toISOString(), []],
      'partner-scan': [true, AT.toISOString(), []],
      stranger: [false, AT.toISOString(), ['cosign: not verified']],
      tampered: [false, AT.toISOString(), ['a.csv: modified']],
    });
    expect(reports.stranger!.plugins[0]!.errors).toEqual(['NO_TRUST: the bundle is signed with a public key but no public key was given']);
    expect(c.files.find((f) => f.path === 'provenance/verify-reports/demo-evidence.json')?.records).toBe(4);
    expect(text(c, 'provenance/verify-reports/tampered.json')).toBe(canonicalize(reports.tampered) + '\n');

    const summary = JSON.parse(text(c, 'provenance/summary.json'));
    expect(summary.trust.keys).toEqual([
      { source: 'keys/workbench-ed25519.pem', fingerprint: wbFingerprint },
      { source: 'keys/trusted/partner.pem', fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/) },
    ]);
    expect(summary.trust.ignored).toEqual([{ source: 'keys/trusted/notes.pem', reason: 'not a PEM public key (BEGIN PUBLIC KEY) or certificate' }]);
    expect(summary.packs.map((p: { name: string; source: string; trustedBy: string | null; verified: boolean; why: string[]; files: number }) => [p.name, p.source, p.trustedBy, p.verified, p.files, p.why])).toEqual([
      ['demo-evidence', 'folder', 'keys/workbench-ed25519.pem', true, 4, ['verified']],
      ['partner-scan', 'tgz', 'keys/trusted/partner.pem', true, 1, ['verified']],
      [
        'stranger',
        'folder',
        null,
        false,
        1,
        [`the signer key sha256:${strangerPack.manifest.signer.keyFingerprint} is not trusted (neither the workbench key nor a key in keys/trusted/)`, 'cosign: not verified'],
      ],
      ['tampered', 'folder', 'keys/workbench-ed25519.pem', false, 1, ['a.csv: modified']],
    ]);
    expect(summary.packs[2].merkleRoot).toBe(strangerPack.manifest.merkle.root);
    expect(summary.packs[2].signer).toEqual(strangerPack.manifest.signer);
    expect(summary.totals).toEqual({ packs: 4, verified: 2, notVerified: 2, skipped: 0 });
    expect(c.facts).toMatchObject({ 'provenance.packs': 4, 'provenance.verified': 2, 'provenance.notVerified': 2, 'provenance.allVerified': false, 'provenance.files': 7 });

    // Same inputs, same bytes.
    const again = await provenancePacksCollector.collect(ctx);
    expect(again.files.map((f) => (Buffer.isBuffer(f.data) ? f.data.toString('base64') : f.data))).toEqual(
      c.files.map((f) => (Buffer.isBuffer(f.data) ? f.data.toString('base64') : f.data)),
    );
  });

  it('records a corrupted .tgz and an unreadable workbench key as not verified, without failing', async () => {
    mkdirSync(join(tmp.dataDir, 'packs'), { recursive: true });
    writeFileSync(join(tmp.dataDir, 'packs', 'broken.tgz'), 'not gzip at all');
    mkdirSync(join(tmp.dataDir, 'keys'), { recursive: true });
    writeFileSync(join(tmp.dataDir, 'keys', 'workbench-ed25519.pem'), 'garbage');
    const c = await provenancePacksCollector.collect(ctx);
    expect(c.files.map((f) => f.path)).toEqual(['provenance/packs/broken.tgz', 'provenance/summary.json', 'provenance/verify-reports/broken.json']);
    const report = JSON.parse(text(c, 'provenance/verify-reports/broken.json')) as VerifyReport;
    expect(report.verified).toBe(false);
    expect(report.errors).toEqual(['archive is truncated or corrupted: incorrect header check', 'manifest.json is missing']);
    const summary = JSON.parse(text(c, 'provenance/summary.json'));
    expect(summary.trust.keys).toEqual([]);
    expect(summary.trust.ignored).toEqual([{ source: 'keys/workbench-ed25519.pem', reason: expect.stringMatching(/^keys\/workbench-ed25519.pem: not a readable private key/) }]);
    expect(summary.packs.map((p: { name: string; verified: boolean; signer: unknown; why: string[] }) => [p.name, p.verified, p.signer, p.why])).toEqual([
      ['broken', false, null, ['archive is truncated or corrupted: incorrect header check', 'manifest.json is missing']],
    ]);
    expect(c.facts['provenance.allVerified']).toBe(false);
  });

  it('verifies an X.509-signed pack against a CA certificate in keys/trusted/', async () => {
    const pki = makeTestPki(mkdtempSync(join(tmp.dataDir, 'pki-')));
    const leaf = pki.leaves.p256;
    const dir = join(tmp.dataDir, 'packs', 'x509-signed');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'evidence.json'), '{"ok":true}\n');
    await createPack(dir, {
      keyPem: leaf.key.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      chainPem: [leaf.der, ...leaf.chain].map((d) => toPem(d)).join(''),
      createdAt: new Date('2026-05-30T00:00:00.000Z'),
    });
    const atPki = { ...ctx, at: pki.at, to: pki.at };

    const untrusted = await provenancePacksCollector.collect(atPki);
    expect(JSON.parse(text(untrusted, 'provenance/summary.json')).packs.map((p: { verified: boolean; trustedBy: unknown }) => [p.verified, p.trustedBy])).toEqual([[false, null]]);

    mkdirSync(join(tmp.dataDir, 'keys', 'trusted'), { recursive: true });
    writeFileSync(join(tmp.dataDir, 'keys', 'trusted', 'root-ca.pem'), toPem(pki.root.der));
    const c = await provenancePacksCollector.collect(atPki);
    const report = JSON.parse(text(c, 'provenance/verify-reports/x509-signed.json')) as VerifyReport;
    expect([report.verified, report.plugins.map((p) => [p.name, p.ok])]).toEqual([true, [['x509-pki', true]]]);
    const summary = JSON.parse(text(c, 'provenance/summary.json'));
    expect(summary.trust.anchors).toEqual([{ source: 'keys/trusted/root-ca.pem', subject: 'O=Compliance Workbench Test, CN=WB Test Root CA' }]);
    expect(summary.packs.map((p: { signer: { kind: string }; trustedBy: unknown; verified: boolean }) => [p.signer.kind, p.trustedBy, p.verified])).toEqual([
      ['x509', 'CA certificates in keys/trusted/ or the trust cache', true],
    ]);
  });

  it('skips a pack whose file names cannot be audit-pack paths, saying why', async () => {
    const dir = join(tmp.dataDir, 'packs', 'odd');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'has space.txt'), 'x');
    await createPack(dir, { keyPem: readFileSync(loadOrCreateWorkbenchKey(tmp.dataDir).path, 'utf8'), createdAt: CREATED });
    const c = await provenancePacksCollector.collect(ctx);
    expect(c.files.map((f) => f.path)).toEqual(['provenance/summary.json']);
    expect(JSON.parse(text(c, 'provenance/summary.json')).skipped).toEqual([
      { name: 'odd', source: 'folder', reason: 'has space.txt: a file name not usable inside an audit pack (letters, digits and . _ - / @ + only)' },
    ]);
    expect(c.facts['provenance.skipped']).toBe(1);
  });
});
