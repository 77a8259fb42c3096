import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { MetaFile, Metadata } from '@tufjs/models';
import { BaseFetcher, Updater } from 'tuf-js';
import { DownloadHTTPError } from 'tuf-js/dist/error.js';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { GENERATED_CASES } from '../../../../fixtures/verify/tuf/cases.ts';
import { REPO_AT, buildRepo, makeRepo } from '../../../../fixtures/verify/tuf/make-repo.ts';
import { issueFromError } from './classify-error.ts';
import { TufVerifyError } from './reasons.ts';

/** tuf-js reads files through this; a missing file must be DownloadHTTPError 404 or the root walk misreads it. */
class FileFetcher extends BaseFetcher {
  override async fetch(url: string): Promise<ReadableStream<Uint8Array<ArrayBuffer>>> {
    const p = fileURLToPath(url);
    if (!existsSync(p)) throw new DownloadHTTPError(`not found: ${path.basename(p)}`, 404);
    return Readable.toWeb(createReadStream(p)) as ReadableStream<Uint8Array<ArrayBuffer>>;
  }
}

/** Runs tuf-js's Updater (which reads the clock: `Date` is faked to `at`) and classifies what it throws. */
async function tufJsVerdict(repo: string, initialRoot: string, target: string, at: Date, work: string): Promise<{ ok: true } | { ok: false; reason: string; role?: string }> {
  const md = path.join(work, 'metadata');
  const td = path.join(work, 'targets');
  await mkdir(md, { recursive: true });
  await mkdir(td, { recursive: true });
  await copyFile(initialRoot, path.join(md, 'root.json'));
  vi.useFakeTimers({ now: at, toFake: ['Date'] });
  try {
    const u = new Updater({
      metadataDir: md,
      metadataBaseUrl: pathToFileURL(path.join(repo, 'metadata')).toString(),
      targetDir: td,
      targetBaseUrl: pathToFileURL(path.join(repo, 'targets')).toString(),
      fetcher: new FileFetcher(),
    });
    const info = await u.getTargetInfo(target);
    // tuf-js answers "not found" with undefined rather than an error.
    if (!info) return { ok: false, reason: 'TARGET_NOT_FOUND', role: 'target' };
    await u.downloadTarget(info);
    return { ok: true };
  } catch (e) {
    const i = issueFromError(e);
    return i.role === undefined ? { ok: false, reason: i.reason } : { ok: false, reason: i.reason, role: i.role };
  } finally {
    vi.useRealTimers();
  }
}

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'tuf-classify-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('issueFromError maps tuf-js failures to our reasons', () => {
  // Cases that need our inputs (trusted state, given target bytes) have no tuf-js counterpart.
  const comparable = GENERATED_CASES.filter((c) => !c.trustedState && !c.targetBytes);
  // What tuf-js's errors can say: a 404 download names no role and no kind of file (missing
  // metadata and a missing target file look alike), nor does a hash/length mismatch in targets.
  const tufJsView = (e: { ok: boolean; reason?: string; role?: string }) => {
    if (e.ok) return { ok: true };
    if (e.reason === 'TARGET_FILE_MISSING' || e.reason === 'MISSING_METADATA') return { ok: false, reason: 'MISSING_METADATA' };
    if ((e.reason === 'HASH_MISMATCH' || e.reason === 'LENGTH_MISMATCH') && e.role !== 'snapshot') return { ok: false, reason: e.reason };
    return e;
  };

  it.each(comparable.map((c) => [c.id, c] as const))('agrees with tuf-js on %s', async (id, c) => {
    const repo = path.join(tmp, id, 'repo');
    await makeRepo(repo, c.tweaks);
    const got = await tufJsVerdict(repo, path.join(repo, 'initial_root.json'), c.target, new Date(c.at ?? REPO_AT), path.join(tmp, id, 'tufjs'));
    const want = c.expect.ok ? { ok: true } : { ok: false, reason: c.expect.reason, role: c.expect.role };
    expect(got).toEqual(tufJsView(want));
  });

  const corpus = path.resolve(import.meta.dirname, '../../../../../shared/corpus/tuf');
  it.skipIf(!existsSync(corpus))('agrees with tuf-js on the corpus repositories, then and on 2026-11-28', async () => {
    const verdicts: Record<string, unknown> = {};
    for (const repo of ['sigstore-root-signing', 'tuf-on-ci-0.11']) {
      const dir = path.join(corpus, repo);
      const target = readFileSync(path.join(dir, 'targetpath'), 'utf8').trim();
      const faketime = new Date(readFileSync(path.join(dir, 'faketime'), 'utf8').trim().replace(' ', 'T'));
      verdicts[`${repo} faketime`] = await tufJsVerdict(dir, path.join(dir, 'initial_root.json'), target, faketime, path.join(tmp, repo, 'then'));
      verdicts[`${repo} today`] = await tufJsVerdict(dir, path.join(dir, 'initial_root.json'), target, new Date('2026-11-28T00:00:00Z'), path.join(tmp, repo, 'now'));
    }
    expect(verdicts).toEqual({
      'sigstore-root-signing faketime': { ok: true },
      'sigstore-root-signing today': { ok: false, reason: 'EXPIRED', role: 'root' },
      'tuf-on-ci-0.11 faketime': { ok: true },
      'tuf-on-ci-0.11 today': { ok: true },
    });
  });
});

describe('issueFromError on single errors', () => {
  it('keeps our own typed errors as they are', () => {
    expect(issueFromError(new TufVerifyError('ROLLBACK', 'older', 'timestamp'))).toEqual({ reason: 'ROLLBACK', role: 'timestamp', message: 'older' });
  });

  it('classifies @tufjs/models errors', () => {
    const files = buildRepo();
    const root = Metadata.fromJSON('root' as never, JSON.parse(new TextDecoder().decode(files.get('metadata/1.root.json')!)));
    const ts = Metadata.fromJSON('timestamp' as never, JSON.parse(new TextDecoder().decode(files.get('metadata/timestamp.json')!)));
    const thrown = (f: () => void) => {
      try {
        f();
      } catch (e) {
        return issueFromError(e);
      }
      throw new Error('expected a throw');
    };
    expect(thrown(() => root.verifyDelegate('timestamp', ts))).toEqual({ reason: 'SIGNATURE_THRESHOLD', role: 'timestamp', message: 'timestamp was signed by 0/1 keys' });
    expect(thrown(() => new MetaFile({ version: 1, length: 3 }).verify(Buffer.from('ab')))).toEqual({ reason: 'LENGTH_MISMATCH', message: 'Expected length 3 but got 2' });
    expect(thrown(() => new MetaFile({ version: 1, hashes: { md4x: 'aa' } }).verify(Buffer.from('ab')))).toEqual({ reason: 'UNSUPPORTED_HASH', message: 'Hash algorithm md4x not supported' });
    expect(thrown(() => Metadata.fromJSON('root' as never, { signed: { _type: 'targets' }, signatures: [] }))).toEqual({ reason: 'MALFORMED', message: "expected 'root', got targets" });
  });

  it('calls anything else INTERNAL (still a failure)', () => {
    expect(issueFromError(new RangeError('boom'))).toEqual({ reason: 'INTERNAL', message: 'boom' });
    expect(issueFromError('plain')).toEqual({ reason: 'INTERNAL', message: 'plain' });
  });
});
