import { createHash } from 'node:crypto';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_AT, buildRepo, fixtureTargetBytes, makeRepo } from '../../../../fixtures/verify/tuf/make-repo.ts';
import type { PluginInput } from '../plugin.ts';
import type { TufFetcher } from './http-fetcher.ts';
import { tufRootPlugin } from './tuf-root-plugin.ts';

let cache: string;
const files = buildRepo();
const payload = fixtureTargetBytes('manifest.json');
const at = new Date(REPO_AT);

beforeAll(async () => {
  cache = await mkdtemp(path.join(os.tmpdir(), 'tuf-plugin-'));
  await makeRepo(path.join(cache, 'tuf', 'fixture-repo'));
});
afterAll(async () => {
  await rm(cache, { recursive: true, force: true });
});

const input = (over: Partial<PluginInput> = {}): PluginInput => ({
  manifest: {},
  payload,
  root: '00',
  tufRef: { repository: 'fixture-repo', targetName: 'manifest.json' },
  offlineCacheDir: cache,
  at,
  ...over,
});

/** Serves the generated repository from memory, as a remote would. */
const memoryFetcher = (base: string): TufFetcher & { urls: string[] } => {
  const urls: string[] = [];
  return {
    urls,
    async get(url) {
      urls.push(url);
      return url.startsWith(`${base}/`) ? (files.get(decodeURIComponent(url.slice(base.length + 1))) ?? null) : null;
    },
  };
};

describe('tuf-root plugin', () => {
  it('applies only when the pack carries a tufRef', () => {
    expect(tufRootPlugin.name).toBe('tuf-root');
    expect(tufRootPlugin.applies(input())).toBe(true);
    expect(tufRootPlugin.applies(input({ tufRef: undefined }))).toBe(false);
  });

  it('verifies manifest.json as a target of the cached repository, with no local path in the result', async () => {
    const r = await tufRootPlugin.verify(input());
    expect(r).toEqual({
      ok: true,
      errors: [],
      warnings: [],
      details: {
        repository: 'fixture-repo',
        via: 'offline-cache',
        targetName: 'manifest.json',
        reasons: [],
        rootVersion: 2,
        rootChain: [1, 2],
        timestampVersion: 3,
        snapshotVersion: 4,
        targetsVersion: 5,
        consistentSnapshot: true,
        target: { name: 'manifest.json', length: 50, hashes: { sha256: 'fb357fa3e3b1bea1d0c6128ad8a7851217dc875e42293410a98b3fee118ac0f4' } },
        delegationPath: ['targets'],
        trustedState: { rootVersion: 2, timestampVersion: 3, snapshotVersion: 4, targetsVersions: { deep: 1, early: 1, late: 1, others: 1, releases: 2, targets: 5 } },
      },
    });
    expect(JSON.stringify(r)).not.toContain(cache);
  });

  it('rejects a payload that is not the target', async () => {
    const other = new Uint8Array(payload);
    other[10] = other[10]! ^ 1;
    const r = await tufRootPlugin.verify(input({ payload: other }));
    expect(r.ok).toBe(false);
    expect(r.errors).toEqual([`HASH_MISMATCH (target): target manifest.json has sha256 ${sha256Hex(other)}, expected fb357fa3e3b1bea1d0c6128ad8a7851217dc875e42293410a98b3fee118ac0f4`]);
    expect(r.details?.reasons).toEqual(['HASH_MISMATCH']);
  });

  it('judges expiry at `at`', async () => {
    const r = await tufRootPlugin.verify(input({ at: new Date('2099-01-01T00:00:00Z') }));
    expect(r.errors).toEqual(['EXPIRED (root): root v2 expired at 2099-01-01T00:00:00Z']);
  });

  it('refuses a trust anchor carried by the pack', async () => {
    const r = await tufRootPlugin.verify(input({ tufRef: { repository: 'fixture-repo', targetName: 'manifest.json', initialRoot: '{}' } }));
    expect(r.ok).toBe(false);
    expect(r.errors).toEqual([
      'BAD_INPUT: tufRef.initialRoot: not accepted: a pack cannot supply its own trust anchor; pin the initial root with options.tuf.initialRoot or <offlineCacheDir>/tuf/<name>/initial_root.json',
    ]);
  });

  it('names what is wrong with a tufRef or options', async () => {
    const bad = async (over: Partial<PluginInput>) => (await tufRootPlugin.verify(input(over))).errors;
    expect(await bad({ tufRef: { repository: '../etc', targetName: 'x' } })).toEqual(['BAD_INPUT: tufRef.repository: an offline cache name or an http(s) URL']);
    expect(await bad({ tufRef: { repository: 'fixture-repo' } })).toEqual(['BAD_INPUT: tufRef.targetName: Invalid input: expected string, received undefined']);
    expect(await bad({ tufRef: 'fixture-repo' })).toEqual(['BAD_INPUT: tufRef: Invalid input: expected object, received string']);
    expect(await bad({ tufRef: { repository: 'not-cached', targetName: 'x' } })).toEqual(['BAD_INPUT: tufRef.repository "not-cached": no offline cache folder tuf/not-cached']);
    expect(await bad({ offlineCacheDir: undefined })).toEqual(['BAD_INPUT: tufRef.repository "fixture-repo": no offline cache folder tuf/fixture-repo (no offlineCacheDir given)']);
    expect(await bad({ options: { tuf: { allowNetwork: 'yes' } } })).toEqual(['BAD_INPUT: options.tuf.allowNetwork: Invalid input: expected boolean, received string']);
  });

  it('stays offline for a URL repository unless allowed, and uses a cached mirror when named', async () => {
    const url = 'https://tuf.example.invalid/repo';
    const off = await tufRootPlugin.verify(input({ tufRef: { repository: url, targetName: 'manifest.json' } }));
    expect(off.errors).toEqual(['BAD_INPUT: tufRef.repository is remote and network access is off (set options.tuf.allowNetwork, or mirror it under tuf/<cacheName> in the offline cache)']);

    const mirrored = await tufRootPlugin.verify(input({ tufRef: { repository: url, targetName: 'manifest.json', cacheName: 'fixture-repo' } }));
    expect(mirrored.ok).toBe(true);
    expect(mirrored.details?.via).toBe('offline-cache');

    const fetcher = memoryFetcher(url);
    const online = await tufRootPlugin.verify(
      input({ tufRef: { repository: url, targetName: 'manifest.json' }, options: { tuf: { allowNetwork: true, fetcher, initialRoot: files.get('initial_root.json')! } } }),
    );
    expect(online.errors).toEqual([]);
    expect(online.details?.via).toBe('network');
    expect(fetcher.urls).toEqual([`${url}/metadata/2.root.json`, `${url}/metadata/3.root.json`, `${url}/metadata/timestamp.json`, `${url}/metadata/4.snapshot.json`, `${url}/metadata/5.targets.json`]);
  });

  it('needs a pinned initial root', async () => {
    const url = 'https://tuf.example.invalid/repo';
    const r = await tufRootPlugin.verify(input({ tufRef: { repository: url, targetName: 'manifest.json' }, options: { tuf: { allowNetwork: true, fetcher: memoryFetcher(url) } } }));
    expect(r.errors).toEqual(['BAD_INPUT (root): no pinned initial root: set options.tuf.initialRoot or provide tuf/<cacheName>/initial_root.json in the offline cache']);
  });

  it('uses the cache\'s trusted/ folder as the rollback baseline', async () => {
    const c2 = await mkdtemp(path.join(os.tmpdir(), 'tuf-plugin-state-'));
    try {
      const dir = path.join(c2, 'tuf', 'fixture-repo');
      await makeRepo(dir);
      await mkdir(path.join(dir, 'trusted'));
      const ts = JSON.parse(new TextDecoder().decode(files.get('metadata/timestamp.json')!)) as { signed: { version: number } };
      ts.signed.version = 7;
      await writeFile(path.join(dir, 'trusted', 'timestamp.json'), JSON.stringify(ts));
      const r = await tufRootPlugin.verify(input({ offlineCacheDir: c2 }));
      expect(r.errors).toEqual(['ROLLBACK (timestamp): timestamp v3 is older than trusted timestamp v7']);
    } finally {
      await rm(c2, { recursive: true, force: true });
    }
  });

  it('lets the verifying side point at another folder and root', async () => {
    const r = await tufRootPlugin.verify(
      input({ offlineCacheDir: undefined, options: { tuf: { repository: path.join(cache, 'tuf', 'fixture-repo'), initialRoot: path.join(cache, 'tuf', 'fixture-repo', 'initial_root.json') } } }),
    );
    expect(r.errors).toEqual([]);
    expect(r.details?.via).toBe('option');
  });
});

function sha256Hex(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex');
}
