import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestPki, TEST_PKI_AT } from '../../fixtures/verify/plugins/make-test-pki.ts';

const entry = fileURLToPath(new URL('./prov-verify.ts', import.meta.url));
const run = (...args: string[]) => {
  const r = spawnSync(process.execPath, [entry, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

describe('prov-verify (the CLI, as a process)', () => {
  let dir: string;
  let keyFile: string;
  let pubFile: string;
  const AT = '2026-11-28T12:00:00Z';

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'wb-pv-'));
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    keyFile = join(dir, 'signer.key.pem');
    pubFile = join(dir, 'signer.pub.pem');
    writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }));
    writeFileSync(pubFile, publicKey.export({ type: 'spki', format: 'pem' }));
    mkdirSync(join(dir, 'ev', 'sub'), { recursive: true });
    writeFileSync(join(dir, 'ev', 'a.txt'), 'alpha\n');
    writeFileSync(join(dir, 'ev', 'sub', 'b.txt'), 'beta\n');
    mkdirSync(join(dir, 'cache', 'anchors'), { recursive: true });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('packs, archives and verifies (exit 0), with a canonical JSON report', () => {
    const packed = run('pack', join(dir, 'ev'), '--key', keyFile, '--created-at', AT, '--out', join(dir, 'ev.tgz'));
    expect(packed.stderr).toBe('');
    expect(packed.code).toBe(0);
    expect(packed.stdout).toMatch(/^packed 2 files in /);
    const v = run('verify', join(dir, 'ev.tgz'), '--key', pubFile, '--at', AT, '--json');
    expect(v.code).toBe(0);
    const report = JSON.parse(v.stdout);
    expect(report).toMatchObject({ verified: true, counts: { ok: 2, missing: 0, modified: 0, unexpected: 0 }, referenceTime: '2026-11-28T12:00:00.000Z' });
    expect(report.plugins.map((p: { name: string; ok: boolean }) => [p.name, p.ok])).toEqual([['cosign', true]]);
  });

  it('gives byte-identical reports online and offline with the same trust material', () => {
    const online = run('verify', join(dir, 'ev.tgz'), '--key', pubFile, '--at', AT, '--json');
    const offline = run('verify', join(dir, 'ev.tgz'), '--key', pubFile, '--at', AT, '--json', '--offline', '--cache', join(dir, 'cache'));
    expect(offline.code).toBe(0);
    expect(offline.stdout).toBe(online.stdout);
  });

  it('exits 1 naming a modified file, and logs JSONL to stderr on request', () => {
    appendFileSync(join(dir, 'ev', 'a.txt'), 'tampered');
    const v = run('verify', join(dir, 'ev'), '--key', pubFile, '--at', AT, '--log-format', 'json');
    expect(v.code).toBe(1);
    expect(v.stdout).toContain('NOT VERIFIED');
    expect(v.stdout).toContain('    modified   a.txt');
    const logs = v.stderr.trim().split('\n').map((l) => JSON.parse(l));
    expect(logs.at(-1)).toEqual({ level: 'warn', msg: 'verify.done', verified: false, errors: 1 });
  });

  it('exits 2 for bad usage and unreadable input', () => {
    expect(run('verify').code).toBe(2);
    expect(run('verify', join(dir, 'ev'), '--at', 'yesterday').stderr).toContain('--at "yesterday": expected an ISO-8601 time');
    expect(run('verify', join(dir, 'nope.tgz')).code).toBe(2);
    expect(run('verify', join(dir, 'ev'), '--offline').stderr).toContain('--offline needs --cache DIR');
    expect(run('frobnicate').code).toBe(2);
    expect(run('--help').code).toBe(0);
  });
});

describe('prov-verify with an X.509 chain (test PKI)', () => {
  let dir: string;
  let pki: string;
  const at = TEST_PKI_AT.toISOString();

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'wb-pv-x509-'));
    pki = join(dir, 'pki');
    makeTestPki(pki);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function signedPack(leaf: string, extra: string[] = []): string {
    const ev = join(dir, `ev-${leaf}`);
    mkdirSync(ev, { recursive: true });
    writeFileSync(join(ev, 'report.txt'), `evidence signed by ${leaf}\n`);
    const r = run('pack', ev, '--key', join(pki, 'keys', `${leaf}.pem`), '--cert', join(pki, 'certs', `${leaf}.pem`), '--created-at', at, ...extra);
    expect(r.stderr).toBe('');
    return ev;
  }

  it.each(['p256', 'p384', 'ed25519', 'rsa'])('verifies a pack signed by the %s leaf offline against the pinned anchor and CRL', (leaf) => {
    const v = run('verify', signedPack(leaf), '--offline', '--cache', pki, '--at', at, '--json');
    const report = JSON.parse(v.stdout);
    expect(report.plugins.map((p: { name: string; ok: boolean; errors: string[] }) => [p.name, p.ok, p.errors])).toEqual([['x509-pki', true, []]]);
    expect(v.code).toBe(0);
  });

  it('verifies an RSA-PSS signature', () => {
    expect(run('verify', signedPack('rsa', ['--rsa-pss']), '--offline', '--cache', pki, '--at', at).code).toBe(0);
  });

  it.each([
    ['revoked', /revoked/],
    ['expired', /expired|not valid/],
    ['wrongEku', /extendedKeyUsage does not allow codeSigning|extendedKeyUsage/],
  ])('refuses the %s leaf and says why', (leaf, why) => {
    const v = run('verify', signedPack(leaf), '--offline', '--cache', pki, '--at', at, '--json');
    expect(v.code).toBe(1);
    const plugin = JSON.parse(v.stdout).plugins[0];
    expect(plugin.ok).toBe(false);
    expect(plugin.errors.join(' ')).toMatch(why);
  });

  it('does not verify without a trust anchor', () => {
    const empty = join(dir, 'empty-cache');
    mkdirSync(empty, { recursive: true });
    expect(run('verify', signedPack('p256'), '--offline', '--cache', empty, '--at', at).code).toBe(1);
  });
});
