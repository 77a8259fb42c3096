import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { extract as tarExtract, pack as tarPack } from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOrCreateWorkbenchKey } from '../../../main/appeals/workbench-key.ts';
import { ensureDemoEvidencePack } from '../../../main/auditpack/demo-evidence-pack.ts';
import { seedDemoData } from '../../../main/store/demo-seed.ts';
import { openStore } from '../../../main/store/open-store.ts';
import { createTempSqlite, type TempSqlite } from '../../../main/store/testing/temp-sqlite.ts';
import { runCli, type CliIo, type Subcommand } from '../cli-kit.ts';
import { verifyCommand as provVerifyCommand } from '../prov-verify/verify-command.ts';
import { buildCommand } from './build-command.ts';
import { verifyCommand } from './verify-command.ts';

const AT = '2026-11-28T12:00:00.000Z';

async function run(name: string, commands: Subcommand[], argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) };
  const code = await runCli({ name, summary: 'test', commands, argv, io });
  return { code, stdout, stderr };
}
const auditPack = (argv: string[]) => run('audit-pack', [buildCommand, verifyCommand], argv);
const provVerify = (argv: string[]) => run('prov-verify', [provVerifyCommand], argv);

/** The archive with one byte of one entry flipped, everything else as it was. */
async function flipByteIn(from: string, to: string, name: string): Promise<void> {
  const p = tarPack();
  const extract = tarExtract();
  extract.on('entry', (header, stream, next) => {
    const chunks: Buffer[] = [];
    (stream as unknown as Readable).on('data', (c: Buffer) => chunks.push(c));
    (stream as unknown as Readable).on('end', () => {
      const data = Buffer.concat(chunks);
      if (header.name === name) data[0] = data[0]! ^ 0x20;
      p.entry({ name: header.name, mtime: header.mtime, mode: 0o644 }, data);
      next();
    });
  });
  await pipeline(createReadStream(from), createGunzip(), extract);
  p.finalize();
  await pipeline(p, createGzip(), createWriteStream(to));
}

describe('audit-pack build', () => {
  let tmp: TempSqlite;
  let pubKeyFile: string;

  beforeAll(async () => {
    tmp = createTempSqlite('wb-auditpack-cli-');
    const store = await openStore({ dataDir: tmp.dataDir, now: () => new Date(AT) });
    await seedDemoData(store);
    await store.close();
    await ensureDemoEvidencePack(tmp.dataDir, new Date(AT));
    pubKeyFile = join(tmp.dataDir, 'workbench-public.pem');
    writeFileSync(pubKeyFile, loadOrCreateWorkbenchKey(tmp.dataDir).publicKeyPem);
  });
  afterAll(() => tmp.remove());

  it('builds a signed pack, reports it as canonical JSON, and rebuilds the same bytes', async () => {
    const out = join(tmp.dataDir, 'audit-pack-acme-2026-11-28.tgz');
    const r = await auditPack(['build', '--org', 'acme', '--at', AT, '--out', out, '--data-dir', tmp.dataDir, '--json']);
    expect([r.code, r.stderr.split('\n')[0]]).toEqual([0, '[collect 0/10] policy']);
    expect(r.stderr).toContain('[derive 2/2] derived\n[sign] signing the manifest\n[sign] signed\n[archive] 0% of ');
    expect(r.stderr.trimEnd().split('\n').at(-1)).toMatch(/^\[archive\] 100% of \d+ bytes$/);
    const summary = JSON.parse(r.stdout);
    const bytes = readFileSync(out);
    expect(r.stdout).toBe(
      JSON.stringify({
        at: AT,
        bytes: bytes.length,
        controls: summary.controls,
        files: summary.files,
        merkleRoot: summary.merkleRoot,
        org: 'acme',
        out,
        period: { from: '2025-11-28T12:00:00.000Z', to: AT },
        sha256: createHash('sha256').update(bytes).digest('hex'),
        signerKeyFingerprint: summary.signerKeyFingerprint,
      }) + '\n',
    );
    expect(summary.controls.total).toBe(summary.controls.present + summary.controls.missing + summary.controls.stale);
    expect(summary.controls.total).toBeGreaterThan(0);

    const again = join(tmp.dataDir, 'again.tgz');
    const human = await auditPack(['build', '--org', 'acme', '--at', AT, '--out', again, '--data-dir', tmp.dataDir]);
    expect(human.code).toBe(0);
    expect(readFileSync(again).equals(bytes)).toBe(true);
    expect(human.stdout).toBe(
      [
        `audit pack   ${again}`,
        `  sha256       ${summary.sha256}`,
        `  bytes        ${summary.bytes}`,
        `  merkle root  ${summary.merkleRoot}`,
        `  signer       sha256:${summary.signerKeyFingerprint}`,
        '  org          acme',
        `  period       2025-11-28T12:00:00.000Z .. ${AT} (as of ${AT})`,
        `  files        ${summary.files}`,
        `  controls     ${summary.controls.total}: ${summary.controls.present} present, ${summary.controls.missing} missing, ${summary.controls.stale} stale`,
        '',
      ].join('\n'),
    );
  }, 60_000);

  it('prov-verify says verified with the workbench public key, and names the file whose byte changed', async () => {
    const out = join(tmp.dataDir, 'to-verify.tgz');
    expect((await auditPack(['build', '--org', 'acme', '--at', AT, '--out', out, '--data-dir', tmp.dataDir])).code).toBe(0);
    const ok = await provVerify(['verify', out, '--key', pubKeyFile, '--at', AT]);
    expect(ok.code).toBe(0);
    expect(ok.stdout.split('\n')[0]).toBe(`VERIFIED  ${out}`);
    expect(ok.stdout).toContain('  plugin cosign   verified\n');
    expect(ok.stdout).toContain('  plugin in-toto-dsse verified\n');

    const bad = join(tmp.dataDir, 'tampered.tgz');
    await flipByteIn(out, bad, 'audit/audit-events.jsonl');
    const tampered = await provVerify(['verify', bad, '--key', pubKeyFile, '--at', AT]);
    expect(tampered.code).toBe(1);
    expect(tampered.stdout.split('\n')[0]).toBe(`NOT VERIFIED  ${bad}`);
    expect(tampered.stdout).toMatch(/ {2}files {11}\d+ ok, 0 missing, 1 modified, 0 unexpected\n {4}modified {3}audit\/audit-events\.jsonl\n/);
    const json = JSON.parse((await provVerify(['verify', bad, '--key', pubKeyFile, '--at', AT, '--json'])).stdout);
    expect(json.errors).toEqual(['audit/audit-events.jsonl: modified']);

    // audit-pack verify: the same check with the workbench key from the data folder.
    const mine = await auditPack(['verify', out, '--data-dir', tmp.dataDir, '--at', AT]);
    expect([mine.code, mine.stdout.split('\n')[0]]).toEqual([0, `VERIFIED  ${out}`]);
    const mineBad = await auditPack(['verify', bad, '--data-dir', tmp.dataDir, '--at', AT, '--json']);
    expect([mineBad.code, JSON.parse(mineBad.stdout).errors]).toEqual([1, ['audit/audit-events.jsonl: modified']]);
  }, 60_000);

  it('refuses bad usage with exit 2 and says why', async () => {
    expect(await auditPack(['build', '--at', AT])).toMatchObject({ code: 2, stderr: expect.stringMatching(/^audit-pack build: --org is required\n/) });
    expect(await auditPack(['build', '--org', 'acme', '--at', 'yesterday'])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^audit-pack build: --at "yesterday": expected an ISO-8601 time such as 2026-11-28T12:00:00Z\n/),
    });
    expect(await auditPack(['build', '--org', 'acme', '--from', '2026-02-01', '--to', '2026-01-01'])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^audit-pack build: --from 2026-02-01 must be before --to 2026-01-01\n/),
    });
    expect(await auditPack(['build', '--org', 'a/b'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/^audit-pack build: --org "a\/b": letters, digits/) });
    expect(await auditPack(['build', '--org', 'acme', '--key', join(tmp.dataDir, 'missing.pem')])).toMatchObject({
      code: 2,
      stderr: `audit-pack build: NOT_FOUND: --key ${join(tmp.dataDir, 'missing.pem')}: cannot read (ENOENT)\n`,
    });
    expect(await auditPack(['verify', 'x.tgz', '--data-dir', join(tmp.dataDir, 'empty')])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining(`no workbench key at ${join(tmp.dataDir, 'empty', 'keys', 'workbench-ed25519.pem')}: give the signer's public key with --key`),
    });
  });
});
