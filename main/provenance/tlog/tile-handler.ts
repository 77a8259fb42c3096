import type { IncomingMessage, ServerResponse } from 'node:http';
import { readLogFile } from './fetcher.ts';
import { parseLogPath } from './tile-path.ts';

export interface TileHandlerOptions {
  /** URL path prefix the log is served under, e.g. `/log` (default: the root). */
  prefix?: string;
}

export type TileRequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

function send(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff', ...headers });
  res.end(body);
}

/**
 * A read-only node:http handler serving a log folder as c2sp.org/tlog-tiles:
 * `<prefix>/checkpoint` and `<prefix>/tile/...`. Only GET and HEAD; only paths in the
 * canonical tlog-tiles grammar are looked up, so `..`, `%2e`, backslashes and any other
 * file in the folder are never reached; links are not followed.
 */
export function createTileHandler(dir: string, opts: TileHandlerOptions = {}): TileRequestHandler {
  const prefix = (opts.prefix ?? '').replace(/\/+$/, '');
  return (req, res) => {
    void (async () => {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        send(res, 405, 'method not allowed\n', { allow: 'GET, HEAD' });
        return;
      }
      const raw = (req.url ?? '').split('?')[0]!;
      if (raw.includes('..') || raw.includes('%') || raw.includes('\\')) {
        send(res, 400, 'bad path\n');
        return;
      }
      if (!raw.startsWith(`${prefix}/`)) {
        send(res, 404, 'not found\n');
        return;
      }
      const rel = raw.slice(prefix.length + 1);
      const p = parseLogPath(rel);
      if (!p) {
        send(res, 404, 'not found\n');
        return;
      }
      let data: Uint8Array | null;
      try {
        data = await readLogFile(dir, rel);
      } catch {
        send(res, 500, 'cannot read the log\n');
        return;
      }
      if (!data) {
        send(res, 404, 'not found\n');
        return;
      }
      const checkpoint = p.kind === 'checkpoint';
      res.writeHead(200, {
        'content-type': checkpoint ? 'text/plain; charset=utf-8' : 'application/octet-stream',
        // The checkpoint moves; a tile path's bytes never change.
        'cache-control': checkpoint ? 'no-cache' : 'public, max-age=31536000, immutable',
        'content-length': String(data.length),
        'x-content-type-options': 'nosniff',
      });
      res.end(req.method === 'HEAD' ? undefined : data);
    })().catch(() => {
      if (!res.headersSent) send(res, 500, 'internal error\n');
      else res.destroy();
    });
  };
}
