import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpFetcher } from './http-fetcher.ts';
import { tlogError } from './test-support.ts';

let server: Server;
let base: string;
const seen: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(`${req.url} ${req.headers['accept-encoding']}`);
    if (req.url === '/log/checkpoint') return void res.end('hello\n');
    if (req.url === '/log/tile/0/000.p/1') return void res.end(Buffer.alloc(33)); // one byte over a 1-hash tile
    if (req.url === '/log/tile/0/000.p/2') {
      res.writeHead(200, { 'content-encoding': 'gzip' });
      return void res.end(gzipSync(Buffer.alloc(64, 1)));
    }
    if (req.url === '/log/tile/0/001') {
      res.writeHead(503);
      return void res.end();
    }
    res.writeHead(404);
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/log`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

describe('httpFetcher', () => {
  it('fetches log paths under the base URL, gzip or not', async () => {
    const f = httpFetcher(base);
    expect(Buffer.from((await f.get('checkpoint'))!).toString()).toBe('hello\n');
    expect(Buffer.from((await f.get('tile/0/000.p/2'))!)).toEqual(Buffer.alloc(64, 1));
    expect(seen).toContain('/log/checkpoint gzip, identity');
  });

  it('maps 404 to absent and everything else to a typed error', async () => {
    const f = httpFetcher(`${base}/`);
    expect(await f.get('tile/entries/000')).toBeNull();
    await expect(f.get('tile/0/001')).rejects.toThrow(tlogError('FETCH_FAILED', `${base}/tile/0/001: HTTP 503`));
    await expect(f.get('tile/0/000.p/1')).rejects.toThrow(tlogError('BAD_TILE', `${base}/tile/0/000.p/1: body over the 32-byte limit`));
    await expect(f.get('../etc/passwd')).rejects.toThrow(tlogError('BAD_INPUT', '"../etc/passwd" is not a tlog-tiles path'));
    expect(() => httpFetcher('ftp://example.com/log')).toThrow(tlogError('BAD_INPUT', 'ftp://example.com/log: only http and https logs are fetched'));
    await expect(httpFetcher('http://127.0.0.1:1/log').get('checkpoint')).rejects.toThrow(tlogError('FETCH_FAILED', /^http:\/\/127\.0\.0\.1:1\/log\/checkpoint: /));
  });
});
