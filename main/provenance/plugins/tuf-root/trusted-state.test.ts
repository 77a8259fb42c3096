import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TufVerifyError } from './reasons.ts';
import { loadTrustedStateDir, parseTrustedState } from './trusted-state.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'tuf-state-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const failure = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    if (e instanceof TufVerifyError) return `${e.code}: ${e.message}`;
  }
  return 'no typed failure';
};

describe('trusted state', () => {
  it('parses an object, sorting role names', () => {
    expect(parseTrustedState({ targetsVersions: { z: 1, a: 2 }, rootVersion: 3 })).toEqual({ rootVersion: 3, targetsVersions: { a: 2, z: 1 } });
    expect(JSON.stringify(parseTrustedState({ targetsVersions: { z: 1, a: 2 } }))).toBe('{"targetsVersions":{"a":2,"z":1}}');
    expect(() => parseTrustedState({ targetsVersions: { a: 1.5 } })).toThrow('trustedState.targetsVersions.a: Invalid input: expected int, received number');
  });

  it('reads versions from a folder of trusted metadata; an empty folder is an empty state', async () => {
    expect(await loadTrustedStateDir(dir)).toEqual({});
    await writeFile(path.join(dir, 'root.json'), JSON.stringify({ signed: { _type: 'root', version: 4 } }));
    await writeFile(path.join(dir, 'timestamp.json'), JSON.stringify({ signed: { _type: 'timestamp', version: 9 } }));
    await writeFile(path.join(dir, 'snapshot.json'), JSON.stringify({ signed: { _type: 'snapshot', version: 8, meta: { 'targets.json': { version: 3 }, 'b.json': { version: 1 } } } }));
    expect(await loadTrustedStateDir(dir)).toEqual({ rootVersion: 4, timestampVersion: 9, snapshotVersion: 8, targetsVersions: { b: 1, targets: 3 } });
  });

  it('fails on a missing folder or a file that is not what its name says', async () => {
    expect(await failure(loadTrustedStateDir(path.join(dir, 'nope')))).toBe('BAD_INPUT: trusted state folder does not exist');
    await writeFile(path.join(dir, 'timestamp.json'), JSON.stringify({ signed: { _type: 'snapshot', version: 9 } }));
    expect(await failure(loadTrustedStateDir(dir))).toBe('BAD_INPUT: trusted state timestamp.json is not timestamp metadata with a version');
    await writeFile(path.join(dir, 'timestamp.json'), '{');
    expect(await failure(loadTrustedStateDir(dir))).toBe('BAD_INPUT: trusted state timestamp.json is not JSON');
  });
});
