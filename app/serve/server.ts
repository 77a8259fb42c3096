import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Dispatch } from '../../shared/api/contract.ts';
import { WorkbenchError, type ErrorPayload } from '../../shared/api/errors.ts';
import { dispatchToWire, type WireResult } from '../../shared/api/wire.ts';
import type { EventBus } from '../../main/events/event-bus.ts';
import { contentSecurityPolicy } from '../csp.ts';
import { STATUS_BY_CODE } from './http-status.ts';
import { readStatic, resolveStatic } from './static-files.ts';

export const MAX_BODY_BYTES = 1 << 20;
export const EVENTS_PATH = '/events';
export const WS_PROTOCOL = 'workbench.v1';

/** A read-only extra route (e.g. the transparency-log tiles), mounted under a path prefix. */
export interface ExtraRoute {
  prefix: string;
  /** Whether the route needs the launch token like the API does. */
  authenticated: boolean;
  handle(req: IncomingMessage, res: ServerResponse, subPath: string): void | Promise<void>;
}

export interface ServeOptions {
  dispatch: Dispatch;
  bus: EventBus;
  /** Built renderer (out/renderer); absent means API only. */
  rendererDir?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** A fixed token for tests; by default a fresh random one per launch. */
  token?: string;
  routes?: ExtraRoute[];
}

export interface RunningServer {
  readonly origin: string;
  readonly port: number;
  readonly token: string;
  /** What to open in a browser: the origin with the token in the fragment (never sent to servers or logs). */
  readonly launchUrl: string;
  close(): Promise<void>;
}

function sameSecret(given: string | undefined, token: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function bearer(req: IncomingMessage): string | undefined {
  const h = req.headers.authorization;
  return h?.startsWith('Bearer ') ? h.slice(7) : undefined;
}

function sendJson(res: ServerResponse, status: number, body: unknown, extraHeaders: Record<string, string> = {}): void {
  const data = Buffer.from(JSON.stringify(body));
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(data.length),
    'cache-control': 'no-store',
    ...extraHeaders,
  });
  res.end(data);
}

function sendError(res: ServerResponse, error: ErrorPayload, extraHeaders: Record<string, string> = {}): void {
  const wire: WireResult = { ok: false, error };
  sendJson(res, STATUS_BY_CODE[error.code], wire, extraHeaders);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new WorkbenchError('BAD_INPUT', `request body over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * The contract over HTTP: `POST /api/<namespace.method>` with a JSON envelope, events over a
 * WebSocket at /events, the built renderer as static files. Loopback only; every API call
 * needs the per-launch token and a Host header naming this server (DNS rebinding), and the
 * WebSocket also checks Origin (cross-site WebSocket hijacking).
 */
export async function startServer(opts: ServeOptions): Promise<RunningServer> {
  const token = opts.token ?? randomBytes(24).toString('base64url');
  let allowedHosts = new Set<string>();
  let origin = '';
  const securityHeaders = (): Record<string, string> => ({
    'content-security-policy': contentSecurityPolicy([origin.replace(/^http/, 'ws')]),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
  });

  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://placeholder');
      if (!allowedHosts.has(req.headers.host ?? '')) {
        sendError(res, { code: 'FORBIDDEN', message: `Host ${JSON.stringify(req.headers.host ?? '')} is not this server` });
        return;
      }
      if (url.pathname.startsWith('/api/')) {
        if (req.method !== 'POST') {
          sendError(res, { code: 'BAD_INPUT', message: 'API calls are POST' }, { allow: 'POST' });
          return;
        }
        if (!sameSecret(bearer(req), token)) {
          sendError(res, { code: 'UNAUTHENTICATED', message: 'missing or wrong launch token' });
          return;
        }
        if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
          sendError(res, { code: 'BAD_INPUT', message: 'content-type must be application/json' });
          return;
        }
        const body = await readBody(req);
        let envelope: unknown;
        try {
          envelope = body.length ? JSON.parse(body.toString('utf8')) : {};
        } catch (e) {
          sendError(res, { code: 'BAD_INPUT', message: `body is not JSON: ${(e as Error).message}` });
          return;
        }
        const controller = new AbortController();
        res.on('close', () => controller.abort());
        const wire = await dispatchToWire(opts.dispatch, decodeURIComponent(url.pathname.slice(5)), envelope, {
          transport: 'http',
          signal: controller.signal,
        });
        if (wire.ok) sendJson(res, 200, wire);
        else sendError(res, wire.error, wire.error.code === 'RATE_LIMITED' ? rateLimitHeaders(wire.error) : {});
        return;
      }
      for (const route of opts.routes ?? []) {
        if (url.pathname === route.prefix || url.pathname.startsWith(route.prefix + '/')) {
          if (route.authenticated && !sameSecret(bearer(req), token)) {
            sendError(res, { code: 'UNAUTHENTICATED', message: 'missing or wrong launch token' });
            return;
          }
          await route.handle(req, res, url.pathname.slice(route.prefix.length));
          return;
        }
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        sendError(res, { code: 'NOT_FOUND', message: `${req.method} ${url.pathname}` });
        return;
      }
      const hit = opts.rendererDir ? await resolveStatic(opts.rendererDir, url.pathname) : undefined;
      // Client-side routes fall back to the app shell.
      const target = hit ?? (opts.rendererDir && !url.pathname.includes('.') ? await resolveStatic(opts.rendererDir, '/') : undefined);
      if (!target) {
        sendError(res, { code: 'NOT_FOUND', message: `no file ${url.pathname}` });
        return;
      }
      const data = await readStatic(target.file);
      res.writeHead(200, { 'content-type': target.type, 'content-length': String(data.length), ...securityHeaders() });
      res.end(req.method === 'HEAD' ? undefined : data);
    } catch (e) {
      if (!res.headersSent) sendError(res, e instanceof WorkbenchError ? e.toPayload() : { code: 'INTERNAL', message: (e as Error).message });
      else res.destroy();
    }
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024, handleProtocols: (protocols) => (protocols.has(WS_PROTOCOL) ? WS_PROTOCOL : false) });
  const sockets = new Set<WebSocket>();
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://placeholder');
    const offered = String(req.headers['sec-websocket-protocol'] ?? '').split(',').map((s) => s.trim());
    const given = offered.find((p) => p.startsWith('token.'))?.slice(6);
    const originOk = req.headers.origin === undefined || req.headers.origin === origin;
    if (url.pathname !== EVENTS_PATH || !allowedHosts.has(req.headers.host ?? '') || !originOk || !sameSecret(given, token)) {
      socket.write('HTTP/1.1 403 Forbidden\r\nconnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      const unsubscribe = opts.bus.subscribe((event) => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(event));
      });
      ws.on('close', () => {
        unsubscribe();
        sockets.delete(ws);
      });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;
  allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);

  return {
    origin,
    port,
    token,
    launchUrl: `${origin}/#token=${token}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const ws of sockets) ws.terminate();
        wss.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** IETF httpapi rate-limit headers for a RATE_LIMITED error that carries them in its details. */
function rateLimitHeaders(error: ErrorPayload): Record<string, string> {
  const d = error.details ?? {};
  const headers: Record<string, string> = {};
  if (typeof d.retryAfterMs === 'number') headers['retry-after'] = String(Math.max(1, Math.ceil(d.retryAfterMs / 1000)));
  if (typeof d.policyHeader === 'string') headers['ratelimit-policy'] = d.policyHeader;
  if (typeof d.limitHeader === 'string') headers['ratelimit'] = d.limitHeader;
  return headers;
}
