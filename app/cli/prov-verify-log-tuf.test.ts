import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeRepo, REPO_AT, FAR_FUTURE } from '../../fixtures/verify/tuf/make-repo.ts';

const entry = fileURLToPath(new URL('./prov-verify.ts', import.meta.url));
const run = (...args: string[]) => {
  const r = spawnSync(process.execPath, [entry, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

describe('prov-verify log: append, verify offline, mirror', () => {
  let dir: string;
  let vkey: string;
  const key = () => join(dir, 'keys', 'log.key');

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'wb-pv-log-'));
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    writeFileSync(join(dir, 'signer.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
    writeFileSync(join(dir, 'signer.pub.pem'), publicKey.export({ type: 'spki', format: 'pem' }));
    const init = run('log', 'init', '--log', join(dir, 'log'), '--name', 'example.org/test-log', '--signer-key-out', key());
    expect(init.code).toBe(0);
    vkey = /verifier key \(pin this\): (\S+)/.exec(init.stdout)![1]!;
    for (const name of ['one', 'two']) {
      mkdirSync(join(dir, name));
      writeFileSync(join(dir, name, 'evidence.txt'), `${name}\n`);
      expect(run('pack', join(dir, name), '--key', join(dir, 'signer.pem'), '--created-at', '2026-11-28T12:00:00Z').code).toBe(0);
      expect(run('log', 'append', join(dir, name), '--log', join(dir, 'log'), '--signer-key', key()).stdout).toMatch(/^logged at index \d \(tree size \d\)/);
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses to overwrite a signer key', () => {
    const again = run('log', 'init', '--log', join(dir, 'log2'), '--name', 'x.org/l', '--signer-key-out', key());
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('exists; refusing to overwrite a signer key');
  });

  it('verifies a receipt offline and then checks consistency with what it has seen', () => {
    const cache = join(dir, 'cache');
    const first = run('log', 'verify', join(dir, 'one'), '--log-key', vkey, '--cache', cache, '--json');
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout).details).toMatchObject({ origin: 'example.org/test-log', index: 0, checkpointSize: 1, inclusionVerified: true, consistency: { checked: false } });
    // A bigger checkpoint than the last seen needs a consistency proof: none offline yet, so not verified.
    const unproven = run('log', 'verify', join(dir, 'two'), '--log-key', vkey, '--cache', cache, '--json');
    expect(unproven.code).toBe(1);
    expect(JSON.parse(unproven.stdout).errors.join(' ')).toMatch(/consisten/i);
    // With a local mirror of the log in the cache, the proof is built offline.
    expect(run('log', 'mirror', join(dir, 'log'), join(cache, 'tlog', 'mirror'), '--log-key', vkey).code).toBe(0);
    const second = run('log', 'verify', join(dir, 'two'), '--log-key', vkey, '--cache', cache, '--json');
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout).details).toMatchObject({ index: 1, checkpointSize: 2, consistency: { checked: true, lastSeenSize: 1 } });
  });

  it('includes the log result in `verify --tlog`, and fails a receipt moved to another pack', () => {
    const ok = run('verify', join(dir, 'two'), '--key', join(dir, 'signer.pub.pem'), '--tlog', '--log-key', vkey, '--at', '2026-11-28T12:00:00Z', '--json');
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).plugins.map((p: { name: string; ok: boolean }) => [p.name, p.ok])).toEqual([['cosign', true], ['tlog', true]]);
    copyFileSync(join(dir, 'one', 'attestations', 'tlog-receipt.txt'), join(dir, 'two', 'attestations', 'tlog-receipt.txt'));
    const moved = run('verify', join(dir, 'two'), '--key', join(dir, 'signer.pub.pem'), '--tlog', '--log-key', vkey, '--at', '2026-11-28T12:00:00Z', '--json');
    expect(moved.code).toBe(1);
    const tlog = JSON.parse(moved.stdout).plugins.find((p: { name: string }) => p.name === 'tlog');
    expect(tlog.ok).toBe(false);
    expect(tlog.errors.join(' ')).toMatch(/not proven at index 0/);
  });

  it('mirrors the log and verifying against the mirror gives the same result', () => {
    expect(run('log', 'mirror', join(dir, 'log'), join(dir, 'mirror'), '--log-key', vkey).stdout).toMatch(/size 0 → 2/);
    expect(readFileSync(join(dir, 'mirror', 'checkpoint'), 'utf8')).toBe(readFileSync(join(dir, 'log', 'checkpoint'), 'utf8'));
    const viaMirror = run('log', 'mirror', join(dir, 'mirror'), join(dir, 'mirror2'), '--log-key', vkey);
    expect(viaMirror.code).toBe(0);
    expect(readFileSync(join(dir, 'mirror2', 'checkpoint'), 'utf8')).toBe(readFileSync(join(dir, 'log', 'checkpoint'), 'utf8'));
  });
});

describe('prov-verify tuf-verify', () => {
  let repo: string;
  beforeAll(async () => {
    repo = join(mkdtempSync(join(tmpdir(), 'wb-pv-tuf-')), 'repo');
    await makeRepo(repo);
  });
  afterAll(() => rmSync(join(repo, '..'), { recursive: true, force: true }));

  it('verifies a delegated target as of the repository time (exit 0)', () => {
    const r = run('tuf-verify', '--root', join(repo, 'initial_root.json'), '--repo', repo, '--target', 'releases/deep/manifest.json', '--at', REPO_AT, '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, details: { target: { name: 'releases/deep/manifest.json' } } });
  });

  it('fails when the metadata has expired at the reference time, and for an unknown target (exit 1)', () => {
    expect(run('tuf-verify', '--root', join(repo, 'initial_root.json'), '--repo', repo, '--target', 'manifest.json', '--at', FAR_FUTURE).code).toBe(1);
    expect(run('tuf-verify', '--root', join(repo, 'initial_root.json'), '--repo', repo, '--target', 'nope.json', '--at', REPO_AT).code).toBe(1);
  });
});
