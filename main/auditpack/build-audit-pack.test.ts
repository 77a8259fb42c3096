import { createHash, createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import canonicalize from 'canonicalize';
import { extract as tarExtract, pack as tarPack } from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditPackIndex } from '../../shared/domain/audit-pack.ts';
import { Manifest } from '../../shared/domain/provenance.ts';
import { preAuthEncoding } from '../provenance/pack/dsse-envelope.ts';
import { verifyPack } from '../provenance/verify-service.ts';
import { seedDemoData } from '../store/demo-seed.ts';
import { openStore } from '../store/open-store.ts';
import type { Store } from '../store/store.ts';
import { createTempSqlite, type TempSqlite } from '../store/testing/temp-sqlite.ts';
import type { AuditPackProgress, BuildAuditPackOptions } from './build-options.ts';
import { buildAuditPack, resolvePeriod } from './build-audit-pack.ts';
import { ensureDemoEvidencePack } from './demo-evidence-pack.ts';
import { defaultCollectors, defaultDerivers } from './default-audit-pack.ts';
import type { Collector, Deriver, DeriveInput } from './pack-file.ts';

const AT = new Date('2026-11-28T12:00:00.000Z');

/** Every entry of a .tgz, in archive order, with its bytes and header fields. */
async function readTgz(file: string): Promise<Array<{ name: string; data: Buffer; mode: number | undefined; mtime: Date | undefined; uid: number | undefined }>> {
  const out: Array<{ name: string; data: Buffer; mode: number | undefined; mtime: Date | undefined; uid: number | undefined }> = [];
  const extract = tarExtract();
  extract.on('entry', (header, stream, next) => {
    const chunks: Buffer[] = [];
    (stream as unknown as Readable).on('data', (c: Buffer) => chunks.push(c));
    (stream as unknown as Readable).on('end', () => {
      out.push({ name: header.name, data: Buffer.concat(chunks), mode: header.mode, mtime: header.mtime, uid: header.uid });
      next();
    });
  });
  await pipeline(createReadStream(file), createGunzip(), extract);
  return out;
}

/** The same archive with one entry's bytes replaced (what an attacker editing a pack would do). */
async function rewriteTgz(from: string, to: string, name: string, edit: (b: Buffer) => Buffer): Promise<void> {
  const entries = await readTgz(from);
  const p = tarPack();
  for (const e of entries) p.entry({ name: e.name, mtime: e.mtime, mode: 0o644 }, e.name === name ? edit(e.data) : e.data);
  p.finalize();
  await pipeline(p, createGzip(), createWriteStream(to));
}

const flipLastByte = (b: Buffer) => {
  const c = Buffer.from(b);
  c[c.length - 1] = c[c.length - 1]! ^ 0x01;
  return c;
};

describe('buildAuditPack', () => {
  let tmp: TempSqlite;
  let store: Store;
  let keyPem: string;
  let publicKeyPem: string;
  let bigFile: string;

  /** A section's worth of test evidence: one file in memory, one streamed from disk, facts and a chart. */
  const testCollector: Collector = {
    section: 'chaos',
    async collect(ctx) {
      ctx.progress?.('writing test evidence');
      return {
        files: [
          { path: 'chaos/test-note.txt', section: 'chaos', title: 'A note', mediaType: 'text/plain', data: Buffer.from(`org ${ctx.org} at ${ctx.at.toISOString()}\n`), records: 1, asOf: ctx.at.toISOString() },
          { path: 'chaos/big/blob.bin', section: 'chaos', title: 'A streamed file', mediaType: 'application/octet-stream', data: { file: bigFile, size: 300_000 } },
        ],
        facts: { 'chaos.testRuns': 1 },
        charts: [{ id: 'chaos.test', title: 'Test', unit: 'runs', points: [{ label: 'w1', value: 1 }] }],
      };
    },
  };

  beforeAll(async () => {
    tmp = createTempSqlite('wb-auditpack-build-');
    store = await openStore({ dataDir: tmp.dataDir, now: () => AT });
    await seedDemoData(store);
    await ensureDemoEvidencePack(tmp.dataDir, AT);
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    bigFile = join(tmp.dataDir, 'blob.bin');
    // Deterministic, incompressible-ish bytes.
    const blocks: Buffer[] = [];
    for (let i = 0; blocks.length * 32 < 300_000; i++) blocks.push(createHash('sha256').update(String(i)).digest());
    writeFileSync(bigFile, Buffer.concat(blocks).subarray(0, 300_000));
  });
  afterAll(async () => {
    await store.close();
    tmp.remove();
  });

  const options = (out: string, over: Partial<BuildAuditPackOptions> = {}): BuildAuditPackOptions => ({
    org: 'acme',
    at: AT,
    out: join(tmp.dataDir, 'out', out),
    store,
    dataDir: tmp.dataDir,
    projectRoot: process.cwd(),
    workbenchVersion: '0.1.0-test',
    signingKeyPem: keyPem,
    collectors: [...defaultCollectors(), testCollector],
    derivers: defaultDerivers(),
    ...over,
  });

  it('builds the same bytes twice from the same store and at, and different bytes for another at', async () => {
    const one = await buildAuditPack(options('one.tgz'));
    const two = await buildAuditPack(options('two.tgz'));
    expect(readFileSync(one.out).equals(readFileSync(two.out))).toBe(true);
    expect(two.sha256).toBe(one.sha256);
    expect(one.sha256).toBe(createHash('sha256').update(readFileSync(one.out)).digest('hex'));
    expect(one.bytes).toBe(readFileSync(one.out).length);
    const later = await buildAuditPack(options('later.tgz', { at: new Date('2026-11-29T12:00:00.000Z') }));
    expect(later.sha256).not.toBe(one.sha256);
    expect(later.index.period).toEqual({ from: '2025-11-29T12:00:00.000Z', to: '2026-11-29T12:00:00.000Z' });
  });

  it('writes manifest.json, attestations/, then every file in bytewise order, all dated at, mode 0644, owner 0', async () => {
    const built = await buildAuditPack(options('layout.tgz'));
    const entries = await readTgz(built.out);
    const names = entries.map((e) => e.name);
    const files = names.slice(3);
    expect(names.slice(0, 3)).toEqual(['manifest.json', 'attestations/in-toto.dsse.json', 'attestations/sigstore-bundle.json']);
    expect(files).toEqual([...files].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))));
    expect(files).toContain('index.json');
    expect(files).toEqual(expect.arrayContaining(['audit/audit-events.jsonl', 'compliance/control-map.csv', 'compliance/control-map.json', 'report.pdf', 'chaos/big/blob.bin', 'sbom/workbench.cdx.json']));
    expect(files.some((f) => f.startsWith('provenance/packs/demo-evidence/'))).toBe(true);
    expect(new Set(entries.map((e) => [e.mode, e.mtime?.toISOString(), e.uid].join()))).toEqual(new Set([`${0o644},${AT.toISOString()},0`]));
    expect(readFileSync(built.out)[9]).toBe(0xff);

    // index.json: canonical, valid, every file but itself, the manifest and attestations, with the right hashes.
    const byName = new Map(entries.map((e) => [e.name, e.data]));
    const indexBytes = byName.get('index.json')!;
    const index = AuditPackIndex.parse(JSON.parse(indexBytes.toString('utf8')));
    expect(indexBytes.toString('utf8')).toBe(canonicalize(index));
    expect(index).toEqual(built.index);
    expect(index.entries.map((e) => e.path)).toEqual(files.filter((f) => f !== 'index.json'));
    for (const e of index.entries) expect([e.path, e.size, e.sha256]).toEqual([e.path, byName.get(e.path)!.length, createHash('sha256').update(byName.get(e.path)!).digest('hex')]);
    expect(index.entries.find((e) => e.path === 'chaos/test-note.txt')).toEqual({
      path: 'chaos/test-note.txt', section: 'chaos', title: 'A note', mediaType: 'text/plain', size: 37, sha256: createHash('sha256').update(`org acme at ${AT.toISOString()}\n`).digest('hex'), records: 1, asOf: AT.toISOString(),
    });
    expect(index.facts['chaos.testRuns']).toBe(1);
    expect(index.workbench).toEqual({ version: '0.1.0-test', store: 'sqlite' });

    // The manifest lists the same files (index.json too), and its root is the one returned.
    const manifest = Manifest.parse(JSON.parse(byName.get('manifest.json')!.toString('utf8')));
    expect(manifest.files.map((f) => f.path)).toEqual(files);
    expect(manifest.createdAt).toBe(AT.toISOString());
    expect(manifest.merkle.root).toBe(built.merkleRoot);
    expect(manifest.signer).toEqual({ kind: 'key', subject: `sha256:${manifest.signer.keyFingerprint}`, keyFingerprint: createHash('sha256').update(createPublicKey(publicKeyPem).export({ type: 'spki', format: 'der' })).digest('hex') });

    // The DSSE statement: signed over the PAE, every pack file a subject, the predicate naming the pack.
    const env = JSON.parse(byName.get('attestations/in-toto.dsse.json')!.toString('utf8')) as { payloadType: string; payload: string; signatures: Array<{ keyid: string; sig: string }> };
    const payload = Buffer.from(env.payload, 'base64');
    expect(env.payloadType).toBe('application/vnd.in-toto+json');
    expect(env.signatures.map((s) => s.keyid)).toEqual([manifest.signer.keyFingerprint]);
    expect(verify(null, preAuthEncoding(env.payloadType, payload), createPublicKey(publicKeyPem), Buffer.from(env.signatures[0]!.sig, 'base64'))).toBe(true);
    const statement = JSON.parse(payload.toString('utf8'));
    expect(statement.subject).toEqual(manifest.files.map((f) => ({ name: f.path, digest: { sha256: f.sha256 } })));
    expect(statement.predicate).toEqual({
      org: 'acme',
      period: { from: '2025-11-28T12:00:00.000Z', to: AT.toISOString() },
      at: AT.toISOString(),
      merkleRoot: built.merkleRoot,
      indexSha256: createHash('sha256').update(indexBytes).digest('hex'),
      workbench: { version: '0.1.0-test', store: 'sqlite' },
    });

    // The control map returned is the one in the pack.
    expect(built.controlMap).toEqual(JSON.parse(byName.get('compliance/control-map.json')!.toString('utf8')));
    expect(built.controlMap.length).toBeGreaterThan(0);
  });

  it('verifies with the signing public key, and fails naming the one file whose byte changed', async () => {
    const built = await buildAuditPack(options('verify.tgz'));
    const ok = await verifyPack(built.out, { at: AT, pluginOptions: { publicKey: publicKeyPem } });
    expect(ok.errors).toEqual([]);
    expect(ok.verified).toBe(true);
    expect(ok.plugins.map((p) => [p.name, p.ok])).toEqual([
      ['cosign', true],
      ['in-toto-dsse', true],
    ]);

    // Flip one byte of every file in turn: each time exactly that file is named, nothing else.
    // (An empty file has no byte to change; the index and manifest still pin its size and hash.)
    const names = (await readTgz(built.out)).filter((e) => e.data.length > 0).map((e) => e.name);
    const evidence = names.filter((n) => n !== 'manifest.json' && !n.startsWith('attestations/'));
    expect(evidence.length).toBeGreaterThan(20);
    for (const name of evidence) {
      const bad = join(tmp.dataDir, 'out', 'tampered.tgz');
      await rewriteTgz(built.out, bad, name, flipLastByte);
      const report = await verifyPack(bad, { at: AT, pluginOptions: { publicKey: publicKeyPem } });
      expect([name, report.verified, report.errors]).toEqual([name, false, [`${name}: modified`]]);
    }
  }, 60_000);

  it('fails when the manifest or an attestation changes', async () => {
    const built = await buildAuditPack(options('attest.tgz'));
    const bad = join(tmp.dataDir, 'out', 'tampered-attest.tgz');
    await rewriteTgz(built.out, bad, 'manifest.json', (b) => Buffer.from(b.toString('utf8').replace('"createdAt":"2026', '"createdAt":"2027')));
    const m = await verifyPack(bad, { at: AT, pluginOptions: { publicKey: publicKeyPem } });
    expect([m.verified, m.errors]).toEqual([false, ['cosign: not verified']]);

    await rewriteTgz(built.out, bad, 'attestations/in-toto.dsse.json', (b) => {
      const env = JSON.parse(b.toString('utf8'));
      const statement = JSON.parse(Buffer.from(env.payload, 'base64').toString('utf8'));
      statement.subject[0].digest.sha256 = '0'.repeat(64);
      env.payload = Buffer.from(canonicalize(statement)!).toString('base64');
      return Buffer.from(JSON.stringify(env));
    });
    const d = await verifyPack(bad, { at: AT, pluginOptions: { publicKey: publicKeyPem } });
    expect(d.verified).toBe(false);
    expect(d.plugins.find((p) => p.name === 'in-toto-dsse')!.errors).toEqual(["attestations/in-toto.dsse.json: the signature does not verify with the pack signer's key"]);
  });

  it('runs collectors then derivers in order, each deriver seeing every file so far, hashed', async () => {
    const seen: DeriveInput[] = [];
    const first: Deriver = async (input) => {
      seen.push(input);
      return [{ path: 'compliance/first.txt', section: 'compliance', title: 'First', mediaType: 'text/plain', data: Buffer.from('first\n') }];
    };
    const second: Deriver = async (input) => {
      seen.push(input);
      return [{ path: 'report/second.txt', section: 'report', title: 'Second', mediaType: 'text/plain', data: Buffer.from('second\n') }];
    };
    const progress: AuditPackProgress[] = [];
    const built = await buildAuditPack(options('order.tgz', { collectors: [testCollector], derivers: [first, second], onProgress: (p) => progress.push(p) }));
    expect(seen.map((s) => s.entries.map((e) => e.path))).toEqual([
      ['chaos/big/blob.bin', 'chaos/test-note.txt'],
      ['chaos/big/blob.bin', 'chaos/test-note.txt', 'compliance/first.txt'],
    ]);
    expect(seen[1]!.entries[2]).toEqual({ path: 'compliance/first.txt', section: 'compliance', title: 'First', mediaType: 'text/plain', size: 6, sha256: createHash('sha256').update('first\n').digest('hex') });
    expect(seen[0]!.entries[0]!.sha256).toBe(createHash('sha256').update(readFileSync(bigFile)).digest('hex'));
    expect(seen[0]).toMatchObject({ org: 'acme', at: AT.toISOString(), workbenchVersion: '0.1.0-test', facts: { 'chaos.testRuns': 1 }, charts: [{ id: 'chaos.test' }] });
    expect(built.controlMap).toEqual([]);
    // Phases come in order, and the collect phase carries the collector's own progress labels.
    const phases = progress.map((p) => p.phase).filter((p) => p !== 'hash').filter((p, i, a) => a[i - 1] !== p);
    expect(phases).toEqual(['collect', 'derive', 'sign', 'archive', 'done']);
    expect(progress).toContainEqual({ phase: 'collect', done: 0, total: 1, label: 'chaos: writing test evidence' });
    expect(progress.at(-2)).toMatchObject({ phase: 'archive', done: progress.at(-2)!.total, label: 'archived' });
  });

  it('defaults the period to [at − 365 days, at) and keeps what is given', () => {
    const iso = (p: { from: Date; to: Date; at: Date }) => [p.from.toISOString(), p.to.toISOString(), p.at.toISOString()];
    expect(iso(resolvePeriod({ at: AT }))).toEqual(['2025-11-28T12:00:00.000Z', AT.toISOString(), AT.toISOString()]);
    expect(iso(resolvePeriod({ at: AT, to: new Date('2026-06-01T00:00:00.000Z') }))).toEqual(['2025-11-28T12:00:00.000Z', '2026-06-01T00:00:00.000Z', AT.toISOString()]);
    expect(iso(resolvePeriod({ at: AT, from: new Date('2026-01-01T00:00:00.000Z') }))).toEqual(['2026-01-01T00:00:00.000Z', AT.toISOString(), AT.toISOString()]);
    expect(() => resolvePeriod({ at: new Date('nope') })).toThrow('at: not a valid time');
  });

  describe('refuses bad input with a typed error naming where', () => {
    const single = (files: Array<{ path: string; data?: Buffer | { file: string; size: number } }>, facts: Record<string, number> = {}, section: 'budgets' | 'sbom' = 'budgets'): Collector => ({
      section,
      collect: async () => ({ files: files.map((f) => ({ path: f.path, section, title: 't', mediaType: 'text/plain', data: f.data ?? Buffer.from('x') })), facts }),
    });
    const fails = (over: Partial<BuildAuditPackOptions>) => buildAuditPack(options('bad.tgz', over));

    it('a repeated, reserved or unsafe path', async () => {
      await expect(fails({ collectors: [single([{ path: 'a/x.txt' }]), single([{ path: 'a/x.txt' }], {}, 'sbom')], derivers: [] })).rejects.toMatchObject({
        code: 'BAD_INPUT',
        message: 'collector sbom: "a/x.txt": already added by collector budgets',
      });
      await expect(fails({ collectors: [single([{ path: 'index.json' }])], derivers: [] })).rejects.toMatchObject({ code: 'BAD_INPUT', message: 'collector budgets: "index.json": reserved (index.json is written by the packager)' });
      await expect(fails({ collectors: [single([{ path: 'attestations/x.sig' }])], derivers: [] })).rejects.toMatchObject({ message: 'collector budgets: "attestations/x.sig": reserved (attestations/ holds the signatures)' });
      await expect(fails({ collectors: [single([{ path: 'manifest.json' }])], derivers: [] })).rejects.toMatchObject({ message: 'collector budgets: "manifest.json": reserved (manifest.json is written by the packager)' });
      await expect(fails({ collectors: [single([{ path: '../x' }])], derivers: [] })).rejects.toMatchObject({ code: 'BAD_INPUT', message: expect.stringMatching(/^collector budgets: "\.\.\/x": not a pack path \(/) });
      await expect(fails({ collectors: [single([{ path: 'a' }, { path: 'a/b' }])], derivers: [] })).rejects.toMatchObject({ message: 'collector budgets: "a/b": a is already a file (from collector budgets)' });
      const deriver: Deriver = async () => [{ path: 'a/x.txt', section: 'report', title: 't', mediaType: 'text/plain', data: Buffer.from('y') }];
      await expect(fails({ collectors: [single([{ path: 'a/x.txt' }])], derivers: [deriver] })).rejects.toMatchObject({ message: 'deriver deriver: "a/x.txt": already added by collector budgets' });
      expect(existsSync(join(tmp.dataDir, 'out', 'bad.tgz'))).toBe(false);
    });

    it('a fact two collectors report, a streamed file that changed size, an empty period', async () => {
      await expect(fails({ collectors: [single([], { 'x.n': 1 }), single([], { 'x.n': 2 }, 'sbom')], derivers: [] })).rejects.toMatchObject({
        code: 'BAD_INPUT',
        message: 'collector sbom: fact "x.n" is already reported by collector budgets',
      });
      await expect(fails({ collectors: [single([{ path: 'b.bin', data: { file: bigFile, size: 299_999 } }])], derivers: [] })).rejects.toMatchObject({
        code: 'CONFLICT',
        message: `collector budgets: "b.bin": ${bigFile} is 300000 bytes, not the 299999 its collector listed (changed during the build?)`,
      });
      await expect(fails({ collectors: [single([{ path: 'b.bin', data: { file: join(tmp.dataDir, 'nope'), size: 1 } }])], derivers: [] })).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(fails({ from: AT, to: AT })).rejects.toMatchObject({
        code: 'BAD_INPUT',
        message: 'from: the period [2026-11-28T12:00:00.000Z, 2026-11-28T12:00:00.000Z) is empty: from must be before to',
      });
      await expect(fails({ signingKeyPem: 'not a key' })).rejects.toMatchObject({ code: 'BAD_INPUT', message: expect.stringMatching(/^the signing key is not a readable PEM private key/) });
    });

    it('a control map that is not a list of rows: BAD_OUTPUT and no file', async () => {
      const broken: Deriver = async () => [{ path: 'compliance/control-map.json', section: 'compliance', title: 'Control map', mediaType: 'application/json', data: Buffer.from('[{"controlId":"nope"}]') }];
      await expect(fails({ collectors: [], derivers: [broken] })).rejects.toMatchObject({ code: 'BAD_OUTPUT', message: expect.stringMatching(/^compliance\/control-map\.json: not a list of control map rows \(0\.controlId: /) });
      const notJson: Deriver = async () => [{ path: 'compliance/control-map.json', section: 'compliance', title: 'Control map', mediaType: 'application/json', data: Buffer.from('{') }];
      await expect(fails({ collectors: [], derivers: [notJson] })).rejects.toMatchObject({ code: 'BAD_OUTPUT', message: expect.stringMatching(/^compliance\/control-map\.json: not JSON \(/) });
      expect(existsSync(join(tmp.dataDir, 'out', 'bad.tgz'))).toBe(false);
    });

    it('a cancelled build: CANCELLED and no file', async () => {
      const controller = new AbortController();
      const cancelling: Collector = {
        section: 'budgets',
        collect: async () => {
          controller.abort();
          return { files: [], facts: {} };
        },
      };
      await expect(fails({ collectors: [cancelling, testCollector], signal: controller.signal })).rejects.toMatchObject({
        code: 'CANCELLED',
        message: 'the audit pack build was cancelled after collector budgets',
      });
      expect(existsSync(join(tmp.dataDir, 'out', 'bad.tgz'))).toBe(false);

      // Cancelled while archiving: the partial archive is removed too.
      const late = new AbortController();
      const onProgress = (p: AuditPackProgress) => {
        if (p.phase === 'archive' && p.label === 'chaos/big/blob.bin') late.abort();
      };
      await expect(fails({ collectors: [testCollector], derivers: [], signal: late.signal, onProgress })).rejects.toMatchObject({
        code: 'CANCELLED',
        message: 'the audit pack build was cancelled while archiving',
      });
      expect(readdirSync(join(tmp.dataDir, 'out')).filter((n) => n.startsWith('bad.tgz'))).toEqual([]);
    });
  });

  it('signs with RSA keys too (deterministic PKCS#1 v1.5), verifiable with the public key', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const one = await buildAuditPack(options('rsa-1.tgz', { signingKeyPem: pem, collectors: [testCollector], derivers: [] }));
    const two = await buildAuditPack(options('rsa-2.tgz', { signingKeyPem: pem, collectors: [testCollector], derivers: [] }));
    expect(one.sha256).toBe(two.sha256);
    const report = await verifyPack(one.out, { at: AT, pluginOptions: { publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString() } });
    expect([report.verified, report.errors]).toEqual([true, []]);
  });
});
