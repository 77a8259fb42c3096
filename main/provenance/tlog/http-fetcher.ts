import http from 'node:http';
import https from 'node:https';
import { gunzipSync } from 'node:zlib';
import { checkedLogPath, maxBytesFor } from './fetcher.ts';
import type { LogFetcher } from './fetcher.ts';
import { TlogError } from './tlog-error.ts';

export interface HttpFetcherOptions {
  /** Per request, from connect to the last byte. */
  timeoutMs?: number;
}

/**
 * A fetcher over HTTP(S) for a log at `baseUrl` (its tlog-tiles prefix). 404 and 410 mean
 * absent; any other non-200 status, a redirect, a timeout or an oversized body is
 * FETCH_FAILED. No cache, no cookies, no retries. gzip bodies are accepted.
 */
export function httpFetcher(baseUrl: string, opts: HttpFetcherOptions = {}): LogFetcher {
  let base: URL;
  try {
    base = new URL(baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  } catch {
    throw new TlogError('BAD_INPUT', `${baseUrl}: not a URL`);
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new TlogError('BAD_INPUT', `${baseUrl}: only http and https logs are fetched`);
  const timeoutMs = opts.timeoutMs ?? 30_000;
  return {
    source: base.toString(),
    async get(path) {
      const limit = maxBytesFor(checkedLogPath(path));
      return getOnce(new URL(path, base), limit, timeoutMs);
    },
  };
}

function getOnce(url: URL, limit: number, timeoutMs: number): Promise<Uint8Array | null> {
  const lib = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const fail = (msg: string): void => reject(new TlogError('FETCH_FAILED', `${url.toString()}: ${msg}`));
    const req = lib.get(url, { headers: { accept: '*/*', 'accept-encoding': 'gzip, identity' }, timeout: timeoutMs }, (res) => {
      const status = res.statusCode ?? 0;
      if (status === 404 || status === 410) {
        res.resume();
        resolve(null);
        return;
      }
      if (status !== 200) {
        res.resume();
        fail(`HTTP ${status}`);
        return;
      }
      const gzip = res.headers['content-encoding'] === 'gzip';
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > limit) {
          req.destroy();
          reject(new TlogError('BAD_TILE', `${url.toString()}: body over the ${limit}-byte limit`));
          return;
        }
        chunks.push(c);
      });
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        if (!gzip) {
          resolve(new Uint8Array(body));
          return;
        }
        try {
          resolve(new Uint8Array(gunzipSync(body, { maxOutputLength: limit })));
        } catch (e) {
          reject(new TlogError('BAD_TILE', `${url.toString()}: gzip body over the ${limit}-byte limit or corrupt (${(e as Error).message})`));
        }
      });
      res.on('error', (e) => fail(e.message));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (e) => fail(e.message));
  });
}
