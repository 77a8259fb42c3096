import type { Protocol } from 'electron';
import { contentSecurityPolicy } from '../csp.ts';
import { readStatic, resolveStatic } from '../serve/static-files.ts';
import { APP_HOST, APP_SCHEME } from './app-origin.ts';

/** Serves the built renderer at workbench://app/ with the strict CSP on every response. */
export function serveRendererProtocol(protocol: Pick<Protocol, 'handle'>, rendererDir: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    if (url.host !== APP_HOST) return new Response('not found', { status: 404 });
    const hit = (await resolveStatic(rendererDir, url.pathname)) ?? (url.pathname.includes('.') ? undefined : await resolveStatic(rendererDir, '/'));
    if (!hit) return new Response('not found', { status: 404 });
    return new Response(new Uint8Array(await readStatic(hit.file)), {
      headers: {
        'content-type': hit.type,
        'content-security-policy': contentSecurityPolicy(),
        'x-content-type-options': 'nosniff',
      },
    });
  });
}
