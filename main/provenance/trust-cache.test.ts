import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, symlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCacheIndex, warmCache } from './trust-cache.ts';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

describe('the offline trust cache', () => {
  let root: string;
  let src: string;
  let server: Server;
  let base: string;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'wb-cache-'));
    src = join(root, 'src');
    mkdirSync(join(src, 'sigstore'), { recursive: true });
    mkdirSync(join(src, 'anchors'));
    mkdirSync(join(src, 'ignored'));
    writeFileSync(join(src, 'sigstore', 'trusted_root.json'), '{"mediaType":"x"}');
    writeFileSync(join(src, 'anchors', 'root.pem'), PEM);
    writeFileSync(join(src, 'ignored', 'x.txt'), 'not trust material');
    const files = [
      { path: 'sigstore/trusted_root.json', data: '{"mediaType":"x"}' },
      { path: 'anchors/root.pem', data: PEM },
    ];
    const index = { version: 1, files: files.map((f) => ({ path: f.path, size: f.data.length, sha256: createHash('sha256').update(f.data).digest('hex') })) };
    server = createServer((req, res) => {
      const path = (req.url ?? '').replace(/^\//, '');
      if (path === 'cache-index.json') return void res.end(JSON.stringify(index));
      if (path === 'evil/cache-index.json') return void res.end(JSON.stringify({ version: 1, files: [{ path: '../escape', size: 1, sha256: '0' }] }));
      if (path === 'tampered/cache-index.json') return void res.end(JSON.stringify(index));
      if (path.startsWith('tampered/')) return void res.end('changed');
      const f = files.find((x) => x.path === path);
      if (!f) return void res.writeHead(404).end();
      res.end(f.data);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('copies the known areas from a folder and indexes them with their SHA-256', async () => {
    const dest = join(root, 'from-folder');
    expect(await warmCache(src, dest)).toEqual({ source: src, files: 2, bytes: 17 + PEM.length });
    expect(readFileSync(join(dest, 'anchors', 'root.pem'), 'utf8')).toBe(PEM);
    expect((await readCacheIndex(dest)).files.map((f) => f.path)).toEqual(['anchors/root.pem', 'sigstore/trusted_root.json']);
  });

  it('fetches from a URL, checking every file against the index, and gives the same cache', async () => {
    const dest = join(root, 'from-url');
    await warmCache(base, dest);
    expect(readFileSync(join(dest, 'cache-index.json'), 'utf8')).toBe(readFileSync(join(root, 'from-folder', 'cache-index.json'), 'utf8'));
    await expect(warmCache(`${base}/tampered`, join(root, 't'))).rejects.toThrow('sigstore/trusted_root.json: SHA-256 differs from cache-index.json');
    await expect(warmCache(`${base}/evil`, join(root, 'e'))).rejects.toThrow('cache-index.json: refused path "../escape"');
  });

  it('refuses bad material and links', async () => {
    const bad = join(root, 'bad');
    mkdirSync(join(bad, 'anchors'), { recursive: true });
    writeFileSync(join(bad, 'anchors', 'x.pem'), 'not a certificate');
    await expect(warmCache(bad, join(root, 'd1'))).rejects.toThrow('anchors/x.pem: an anchor must be a PEM certificate');
    const linked = join(root, 'linked');
    mkdirSync(join(linked, 'crls'), { recursive: true });
    symlinkSync('/etc/passwd', join(linked, 'crls', 'x.crl'));
    await expect(warmCache(linked, join(root, 'd2'))).rejects.toThrow('crls/x.crl: links are not followed into the trust cache');
    await expect(warmCache(join(root, 'nothing-here'), join(root, 'd3'))).rejects.toThrow('cannot read');
  });
});
