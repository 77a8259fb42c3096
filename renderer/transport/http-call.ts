import type { CallFn } from '../../shared/api/client.ts';
import { WorkbenchError } from '../../shared/api/errors.ts';

export type FetchFn = (url: string, init: RequestInit) => Promise<Pick<Response, 'status' | 'text'>>;

/**
 * `call` for the HTTP transport: `POST /api/<namespace.method>` with the bearer token and
 * the JSON envelope. Returns the wire result (`{ok, result | error}`) for the client to
 * unwrap; transport failures become typed errors so the shell can show them like any other.
 */
export function createHttpCall(opts: { token: string | undefined; fetch: FetchFn; baseUrl?: string }): CallFn {
  const base = opts.baseUrl ?? '';
  return async (method, envelope) => {
    if (!opts.token) {
      throw new WorkbenchError('UNAUTHENTICATED', 'no launch token: open the link the workbench printed when it started (it ends in #token=…)', {
        method,
      });
    }
    let response: Pick<Response, 'status' | 'text'>;
    try {
      response = await opts.fetch(`${base}/api/${encodeURIComponent(method)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${opts.token}` },
        body: JSON.stringify(envelope),
        credentials: 'omit',
        cache: 'no-store',
      });
    } catch (e) {
      throw new WorkbenchError('UNAVAILABLE', `cannot reach the workbench server: ${(e as Error).message}`, { method });
    }
    const text = await response.text();
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new WorkbenchError('INTERNAL', `the workbench server answered ${method} with HTTP ${response.status} and no JSON`, {
        method,
        status: response.status,
        body: text.slice(0, 200),
      });
    }
  };
}
