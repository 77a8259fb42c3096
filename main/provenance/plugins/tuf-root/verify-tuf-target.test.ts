import { mkdtemp, readFile, readdir, rm, stat, writeFile, mkdir, copyFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GENERATED_CASES } from '../../../../fixtures/verify/tuf/cases.ts';
import { REPO_AT, fixtureTargetBytes, makeRepo } from '../../../../fixtures/verify/tuf/make-repo.ts';
import { runGeneratedCase } from './conformance.ts';
import { verifyTufTarget } from './verify-tuf-target.ts';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'tuf-verify-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const at = new Date(REPO_AT);

describe('verifyTufTarget on generated repositories', () => {
  it.each(GENERATED_CASES.map((c) => [c.id, c] as const))('%s', async (id, c) => {
    const r = await runGeneratedCase(c, path.join(tmp, 'cases', id));
    if (c.expect.ok) {
      expect(r.errors).toEqual([]);
      expect(r.ok).toBe(true);
      expect(r.details.delegationPath).toEqual(c.expect.delegationPath);
    } else {
      expect(r.ok).toBe(false);
      expect(r.errors).toEqual([{ reason: c.expect.reason, role: c.expect.role, message: c.expect.message }]);
    }
  });

  it('reports every version, the chain, the target and the state to keep', async () => {
    const dir = path.join(tmp, 'details');
    await makeRepo(dir);
    const r = await verifyTufTarget({ initialRoot: path.join(dir, 'initial_root.json'), repo: dir, target: 'releases/deep/manifest.json', at });
    expect(r).toEqual({
      ok: true,
      errors: [],
      warnings: [],
      details: {
        rootVersion: 2,
        rootChain: [1, 2],
        timestampVersion: 3,
        snapshotVersion: 4,
        targetsVersion: 5,
        consistentSnapshot: true,
        target: { name: 'releases/deep/manifest.json', length: 64, hashes: { sha256: '54e93c5b5849a73818d770699133b342f610808988ce09a59268bf766099caa8' } },
        delegationPath: ['targets', 'releases', 'deep'],
        trustedState: { rootVersion: 2, timestampVersion: 3, snapshotVersion: 4, targetsVersions: { deep: 1, early: 1, late: 1, others: 1, releases: 2, targets: 5 } },
      },
    });
  });

  it('gives byte-identical JSON for the same repository in different folders, and writes nothing', async () => {
    const a = path.join(tmp, 'same-a');
    const b = path.join(tmp, 'deeper', 'same-b');
    await makeRepo(a, { expires: { snapshot: '2025-01-01T00:00:00Z' } });
    await makeRepo(b, { expires: { snapshot: '2025-01-01T00:00:00Z' } });
    const before = await listTree(a);
    const ra = await verifyTufTarget({ initialRoot: path.join(a, 'initial_root.json'), repo: a, target: 'manifest.json', at });
    const rb = await verifyTufTarget({ initialRoot: path.join(b, 'initial_root.json'), repo: b, target: 'manifest.json', at });
    expect(JSON.stringify(ra)).toBe(JSON.stringify(rb));
    expect(ra.errors[0]!.reason).toBe('EXPIRED');
    expect(await listTree(a)).toEqual(before);
  });

  it('accepts the pinned root as bytes, JSON text or an object, and the target as bytes', async () => {
    const dir = path.join(tmp, 'forms');
    const files = await makeRepo(dir);
    const rootBytes = files.get('initial_root.json')!;
    const text = new TextDecoder().decode(rootBytes);
    for (const initialRoot of [rootBytes, text, JSON.parse(text) as object]) {
      const r = await verifyTufTarget({ initialRoot, repo: dir, target: 'manifest.json', at, targetBytes: fixtureTargetBytes('manifest.json') });
      expect(r.ok).toBe(true);
    }
  });

  it('reads a trusted-state folder of previously trusted metadata (tuf-js cache layout)', async () => {
    const dir = path.join(tmp, 'state-repo');
    const files = await makeRepo(dir);
    const state = path.join(tmp, 'state');
    await mkdir(state, { recursive: true });
    await writeFile(path.join(state, 'root.json'), files.get('metadata/2.root.json')!);
    await writeFile(path.join(state, 'timestamp.json'), files.get('metadata/timestamp.json')!);
    await writeFile(path.join(state, 'snapshot.json'), files.get('metadata/4.snapshot.json')!);
    const ok = await verifyTufTarget({ initialRoot: path.join(dir, 'initial_root.json'), repo: dir, target: 'manifest.json', at, trustedState: state });
    expect(ok.errors).toEqual([]);

    // A newer timestamp was trusted before: this repository is a rollback.
    const newer = JSON.parse(new TextDecoder().decode(files.get('metadata/timestamp.json')!)) as { signed: { version: number } };
    newer.signed.version = 8;
    await writeFile(path.join(state, 'timestamp.json'), JSON.stringify(newer));
    const rolled = await verifyTufTarget({ initialRoot: path.join(dir, 'initial_root.json'), repo: dir, target: 'manifest.json', at, trustedState: state });
    expect(rolled.errors).toEqual([{ reason: 'ROLLBACK', role: 'timestamp', message: 'timestamp v3 is older than trusted timestamp v8' }]);
  });

  it('fails closed on bad input, naming what was wrong', async () => {
    const dir = path.join(tmp, 'bad-input');
    await makeRepo(dir);
    const root = path.join(dir, 'initial_root.json');
    const run = (over: object) => verifyTufTarget({ initialRoot: root, repo: dir, target: 'manifest.json', at, ...over });
    expect((await run({ at: new Date('nope') })).errors).toEqual([{ reason: 'BAD_INPUT', message: 'at: not a valid date' }]);
    expect((await run({ target: '' })).errors).toEqual([{ reason: 'BAD_INPUT', message: 'target: a non-empty target name is required' }]);
    expect((await run({ initialRoot: '{"signed": 1}' })).errors).toEqual([{ reason: 'BAD_INPUT', role: 'root', message: 'initial root has no "signed" object' }]);
    expect((await run({ initialRoot: path.join(dir, 'absent.json') })).errors).toEqual([{ reason: 'BAD_INPUT', role: 'root', message: 'initial root file unreadable: ENOENT' }]);
    expect((await run({ trustedState: { timestampVersion: 0 } })).errors).toEqual([{ reason: 'BAD_INPUT', message: 'trustedState.timestampVersion: Too small: expected number to be >=1' }]);
    expect((await run({ trustedState: { snapshot: 3 } })).errors).toEqual([{ reason: 'BAD_INPUT', message: 'trustedState: Unrecognized key: "snapshot"' }]);
    expect((await run({ trustedState: path.join(dir, 'no-such-state') })).errors).toEqual([{ reason: 'BAD_INPUT', message: 'trusted state folder does not exist' }]);
  });

  it('reports malformed and oversized metadata', async () => {
    const dir = path.join(tmp, 'malformed');
    await makeRepo(dir);
    const root = path.join(dir, 'initial_root.json');
    await writeFile(path.join(dir, 'metadata', 'timestamp.json'), 'not json');
    const r1 = await verifyTufTarget({ initialRoot: root, repo: dir, target: 'manifest.json', at });
    expect(r1.errors[0]).toMatchObject({ reason: 'MALFORMED', role: 'timestamp' });
    expect(r1.errors[0]!.message).toMatch(/^timestamp\.json is not UTF-8 JSON: /);

    await writeFile(path.join(dir, 'metadata', 'timestamp.json'), JSON.stringify({ signatures: [], signed: { _type: 'snapshot', version: 1 } }));
    const r2 = await verifyTufTarget({ initialRoot: root, repo: dir, target: 'manifest.json', at });
    expect(r2.errors).toEqual([{ reason: 'MALFORMED', role: 'timestamp', message: 'timestamp.json is of type "snapshot", expected "timestamp"' }]);

    await writeFile(path.join(dir, 'metadata', 'timestamp.json'), JSON.stringify({ signatures: [], signed: { _type: 'timestamp', version: 3, spec_version: '1.0.31', expires: '2099-01-01T00:00:00Z' } }));
    const r3 = await verifyTufTarget({ initialRoot: root, repo: dir, target: 'manifest.json', at });
    expect(r3.errors).toEqual([{ reason: 'MALFORMED', role: 'timestamp', message: 'timestamp.json does not record snapshot.json in meta' }]);

    await writeFile(path.join(dir, 'metadata', 'timestamp.json'), ' '.repeat(16_385));
    const r4 = await verifyTufTarget({ initialRoot: root, repo: dir, target: 'manifest.json', at });
    expect(r4.errors).toEqual([{ reason: 'TOO_LARGE', role: 'timestamp', message: 'metadata/timestamp.json is 16385 bytes, more than the 16384 allowed' }]);
  });

  it('warns and stops when the root walk reaches its limit', async () => {
    const dir = path.join(tmp, 'limit');
    await makeRepo(dir);
    const r = await verifyTufTarget({ initialRoot: path.join(dir, 'initial_root.json'), repo: dir, target: 'manifest.json', at, limits: { maxRootRotations: 0 } });
    expect(r.warnings).toEqual(['stopped the root walk after 0 rotations at root v1']);
    // Root v1 does not trust the rotated timestamp key.
    expect(r.errors).toEqual([{ reason: 'SIGNATURE_THRESHOLD', role: 'timestamp', message: 'timestamp.json is signed by 0/1 keys of root v1' }]);
  });

  it('gives up the delegation search at maxDelegations', async () => {
    const dir = path.join(tmp, 'deleg-limit');
    await makeRepo(dir);
    const r = await verifyTufTarget({ initialRoot: path.join(dir, 'initial_root.json'), repo: dir, target: 'releases/deep/manifest.json', at, limits: { maxDelegations: 1 } });
    expect(r.errors).toEqual([{ reason: 'TARGET_NOT_FOUND', role: 'target', message: 'no trusted role lists "releases/deep/manifest.json" (searched targets, releases; stopped after 2 roles (limit 1))' }]);
  });

  it('does not follow a copied repository whose target file was replaced by another target', async () => {
    const dir = path.join(tmp, 'swap');
    await makeRepo(dir, { consistentSnapshot: false });
    await copyFile(path.join(dir, 'targets', 'nested', 'manifest.json'), path.join(dir, 'targets', 'manifest.json'));
    const r = await verifyTufTarget({ initialRoot: path.join(dir, 'initial_root.json'), repo: dir, target: 'manifest.json', at });
    expect(r.errors).toEqual([{ reason: 'LENGTH_MISMATCH', role: 'target', message: 'targets/manifest.json is 57 bytes, more than the 50 allowed (metadata records 50 bytes)' }]);
  });
});

async function listTree(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const p = path.join(e.parentPath, e.name);
    const s = await stat(p);
    out.push(`${path.relative(dir, p)} ${s.size} ${s.mtimeMs} ${(await readFile(p)).toString('base64').length}`);
  }
  return out.sort();
}
