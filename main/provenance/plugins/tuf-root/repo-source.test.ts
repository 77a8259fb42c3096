import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_AT, buildRepo, makeRepo } from '../../../../fixtures/verify/tuf/make-repo.ts';
import { nodeHttpFetcher } from './http-fetcher.ts';
import { dirSource, openRepository } from './repo-source.ts';
import { TufVerifyError } from './reasons.ts';
import { verifyTufTarget } from './verify-tuf-target.ts';

/** Serves a generated repository (plus a few misbehaving paths) on 127.0.0.1. */
let server: http.Server;
let base: string;
const requests: string[] = [];
const files = buildRepo();

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    requests.push(url);
    if (url.startsWith('/boom')) return void res.writeHead(500).end('no');
    if (url === '/hidden') return void res.writeHead(403).end();
    if (url === '/moved') return void res.writeHead(302, { location: '/repo/metadata/timestamp.json' }).end();
    if (url === '/loop') return void res.writeHead(302, { location: '/loop' }).end();
    if (url === '/big') return void res.writeHead(200, { 'content-length': '100' }).end('x'.repeat(100));
    if (url === '/chunked-big') {
      res.writeHead(200);
      res.write('x'.repeat(60));
      res.end('x'.repeat(60));
      return;
    }
    const rel = decodeURIComponent(url.replace(/^\/repo\//, ''));
    const body = url.startsWith('/repo/') ? files.get(rel) : undefined;
    if (!body) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-length': String(body.length) }).end(Buffer.from(body));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
});

const errorOf = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    if (e instanceof TufVerifyError) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error('expected a rejection');
};

describe('nodeHttpFetcher', () => {
  const f = nodeHttpFetcher({ timeoutMs: 5_000 });

  it('returns the body, or null for 404 and 403', async () => {
    expect(await f.get(`${base}/repo/metadata/timestamp.json`, 16_384)).toEqual(files.get('metadata/timestamp.json'));
    expect(await f.get(`${base}/repo/metadata/9.root.json`, 100)).toBeNull();
    expect(await f.get(`${base}/hidden`, 100)).toBeNull();
  });

  it('follows a few redirects', async () => {
    expect(await f.get(`${base}/moved`, 16_384)).toEqual(files.get('metadata/timestamp.json'));
    expect(await errorOf(f.get(`${base}/loop`, 100))).toEqual({ code: 'FETCH_FAILED', message: `${base}/loop: more than 3 redirects` });
  });

  it('refuses bodies over the limit, declared or streamed', async () => {
    expect(await errorOf(f.get(`${base}/big`, 99))).toEqual({ code: 'TOO_LARGE', message: `${base}/big is 100 bytes, more than the 99 allowed` });
    expect(await errorOf(f.get(`${base}/chunked-big`, 100))).toEqual({ code: 'TOO_LARGE', message: `${base}/chunked-big is more than the 100 bytes allowed` });
  });

  it('fails on server errors, refused connections and other schemes', async () => {
    expect(await errorOf(f.get(`${base}/boom`, 100))).toEqual({ code: 'FETCH_FAILED', message: `${base}/boom: HTTP 500` });
    expect((await errorOf(f.get('http://127.0.0.1:1/x', 100))).code).toBe('FETCH_FAILED');
    expect(await errorOf(f.get('file:///etc/passwd', 100))).toEqual({ code: 'FETCH_FAILED', message: 'file:///etc/passwd: only http and https are fetched' });
  });
});

describe('verifyTufTarget over HTTP', () => {
  it('verifies the same repository over HTTP as from a folder, byte for byte', async () => {
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'tuf-http-'));
    try {
      await makeRepo(tmp);
      const input = { initialRoot: files.get('initial_root.json')!, target: 'releases/deep/manifest.json', at: new Date(REPO_AT) };
      const overHttp = await verifyTufTarget({ ...input, repo: `${base}/repo` });
      const fromDir = await verifyTufTarget({ ...input, repo: tmp });
      expect(overHttp.errors).toEqual([]);
      expect(JSON.stringify(overHttp)).toBe(JSON.stringify(fromDir));
      // The walk asked for 3.root.json (absent: end of chain) and the hash-prefixed target.
      expect(requests).toContain('/repo/metadata/3.root.json');
      expect(requests.some((r) => /^\/repo\/targets\/releases\/deep\/[0-9a-f]{64}\.manifest\.json$/.test(r))).toBe(true);
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  });

  it('takes metadata and targets from two bases, and reports a missing file by URL-relative name', async () => {
    const r = await verifyTufTarget({
      initialRoot: files.get('initial_root.json')!,
      repo: { metadata: `${base}/repo/metadata`, targets: `${base}/nowhere` },
      target: 'manifest.json',
      at: new Date(REPO_AT),
    });
    expect(r.errors).toEqual([{ reason: 'TARGET_FILE_MISSING', role: 'target', message: 'targets/fb357fa3e3b1bea1d0c6128ad8a7851217dc875e42293410a98b3fee118ac0f4.manifest.json not found' }]);
  });

  it('fails closed when the server fails, and when it has no timestamp', async () => {
    const at = new Date(REPO_AT);
    const root = files.get('initial_root.json')!;
    const failing = await verifyTufTarget({ initialRoot: root, repo: `${base}/boom`, target: 'manifest.json', at });
    expect(failing.errors).toEqual([{ reason: 'FETCH_FAILED', role: 'root', message: `${base}/boom/metadata/2.root.json: HTTP 500` }]);
    const empty = await verifyTufTarget({ initialRoot: root, repo: `${base}/empty`, target: 'manifest.json', at });
    // 2.root.json → 404 ends the walk at root v1; then timestamp.json → 404.
    expect(empty.errors).toEqual([{ reason: 'MISSING_METADATA', role: 'timestamp', message: 'metadata/timestamp.json not found' }]);
  });
});

describe('dirSource', () => {
  it('reads files, null when absent, refuses folders and oversized files', async () => {
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'tuf-dir-'));
    try {
      await mkdir(path.join(tmp, 'metadata', 'sub.json'), { recursive: true });
      await writeFile(path.join(tmp, 'metadata', 'a.json'), '12345');
      const s = dirSource(path.join(tmp, 'metadata'), path.join(tmp, 'targets'));
      expect(await s.metadata('a.json', 5)).toEqual(new TextEncoder().encode('12345'));
      expect(await s.metadata('b.json', 5)).toBeNull();
      expect(await s.target(['x', 'y'], 5)).toBeNull();
      expect(await errorOf(s.metadata('a.json', 4))).toEqual({ code: 'TOO_LARGE', message: 'metadata/a.json is 5 bytes, more than the 4 allowed' });
      expect(await errorOf(s.metadata('sub.json', 4))).toEqual({ code: 'FETCH_FAILED', message: 'metadata/sub.json is not a file' });
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  });

  it('opens folders and URLs, and refuses a folder/URL mix or a folder without metadata', async () => {
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'tuf-open-'));
    await mkdir(path.join(tmp, 'metadata'));
    expect(openRepository(tmp).kind).toBe('directory');
    expect(() => openRepository(path.join(tmp, 'metadata'))).toThrow('repository: no metadata folder there');
    await rm(tmp, { recursive: true, force: true });
    expect(openRepository('https://example.invalid/repo').kind).toBe('url');
    expect(() => openRepository({ metadata: 'https://example.invalid/m', targets: '/local' })).toThrow('repository metadata and targets must both be URLs or both be folders');
  });
});
