import http from 'node:http';
import https from 'node:https';
import { TufVerifyError } from './reasons.ts';

/**
 * How a repository on a server is read. `get` resolves to the body, or null when the server
 * says the file is not there (404/403, as tuf-js treats them: the end of the root chain).
 * It throws TufVerifyError TOO_LARGE past `maxLength` bytes and FETCH_FAILED otherwise.
 */
export interface TufFetcher {
  get(url: string, maxLength: number): Promise<Uint8Array | null>;
}

export interface NodeHttpFetcherOptions {
  /** Per request, from connect to the last byte. */
  timeoutMs?: number;
  maxRedirects?: number;
}

/** A fetcher over node:http/node:https: no cache, no cookies, no retries. */
export function nodeHttpFetcher(opts: NodeHttpFetcherOptions = {}): TufFetcher {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const maxRedirects = opts.maxRedirects ?? 3;
  return {
    async get(url, maxLength) {
      let current = url;
      for (let hop = 0; hop <= maxRedirects; hop++) {
        const r = await getOnce(current, maxLength, timeoutMs);
        if (r.kind === 'body') return r.body;
        if (r.kind === 'absent') return null;
        current = new URL(r.location, current).toString();
      }
      throw new TufVerifyError('FETCH_FAILED', `${url}: more than ${maxRedirects} redirects`);
    },
  };
}

type Once = { kind: 'body'; body: Uint8Array } | { kind: 'absent' } | { kind: 'redirect'; location: string };

function getOnce(url: string, maxLength: number, timeoutMs: number): Promise<Once> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return Promise.reject(new TufVerifyError('FETCH_FAILED', `${url}: not a URL`));
  }
  const lib = parsed.protocol === 'https:' ? https : parsed.protocol === 'http:' ? http : undefined;
  if (!lib) return Promise.reject(new TufVerifyError('FETCH_FAILED', `${url}: only http and https are fetched`));
  return new Promise<Once>((resolve, reject) => {
    const req = lib.get(parsed, { headers: { accept: '*/*' }, timeout: timeoutMs }, (res) => {
      const status = res.statusCode ?? 0;
      if (status === 404 || status === 403) {
        res.resume();
        resolve({ kind: 'absent' });
        return;
      }
      if (status >= 300 && status < 400 && typeof res.headers.location === 'string') {
        res.resume();
        resolve({ kind: 'redirect', location: res.headers.location });
        return;
      }
      if (status !== 200) {
        res.resume();
        reject(new TufVerifyError('FETCH_FAILED', `${url}: HTTP ${status}`));
        return;
      }
      const declared = Number(res.headers['content-length']);
      if (Number.isFinite(declared) && declared > maxLength) {
        res.destroy();
        reject(new TufVerifyError('TOO_LARGE', `${url} is ${declared} bytes, more than the ${maxLength} allowed`));
        return;
      }
      const chunks: Buffer[] = [];
      let total = 0;
      res.on('data', (c: Buffer) => {
        total += c.length;
        if (total > maxLength) {
          res.destroy();
          reject(new TufVerifyError('TOO_LARGE', `${url} is more than the ${maxLength} bytes allowed`));
          return;
        }
        chunks.push(c);
      });
      res.on('end', () => resolve({ kind: 'body', body: new Uint8Array(Buffer.concat(chunks)) }));
      res.on('error', (e) => reject(new TufVerifyError('FETCH_FAILED', `${url}: ${e.message}`)));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (e) => reject(new TufVerifyError('FETCH_FAILED', `${url}: ${e.message}`)));
  });
}
