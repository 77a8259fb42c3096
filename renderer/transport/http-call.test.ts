import { describe, expect, it } from 'vitest';
import { WorkbenchError } from '../../shared/api/errors.ts';
import { createHttpCall, type FetchFn } from './http-call.ts';

function recordingFetch(status: number, body: string) {
  const calls: Array<{ url: string; init: RequestInit }> = [];
  const fetch: FetchFn = async (url, init) => {
    calls.push({ url, init });
    return { status, text: async () => body };
  };
  return { fetch, calls };
}

describe('createHttpCall', () => {
  it('POSTs the envelope as JSON to /api/<method> with the bearer token and returns the wire result', async () => {
    const { fetch, calls } = recordingFetch(200, '{"ok":true,"result":{"n":1}}');
    const call = createHttpCall({ token: 'tok', fetch });
    await expect(call('audit.list', { input: { limit: 5 }, session: { actorId: 'alice' } })).resolves.toEqual({ ok: true, result: { n: 1 } });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.url).toBe('/api/audit.list');
    expect(calls[0]!.init.method).toBe('POST');
    expect(calls[0]!.init.headers).toEqual({ 'content-type': 'application/json', authorization: 'Bearer tok' });
    expect(calls[0]!.init.body).toBe('{"input":{"limit":5},"session":{"actorId":"alice"}}');
    expect(calls[0]!.init.credentials).toBe('omit');
  });

  it('passes a typed error answer through for the client to rethrow', async () => {
    const wire = { ok: false, error: { code: 'DENIED', message: 'denied: no', details: { reason: 'no' } } };
    const { fetch } = recordingFetch(403, JSON.stringify(wire));
    await expect(createHttpCall({ token: 't', fetch })('audit.list', { input: {} })).resolves.toEqual(wire);
  });

  it('without a token refuses before touching the network, saying how to get one', async () => {
    const { fetch, calls } = recordingFetch(200, '{}');
    const err = await createHttpCall({ token: undefined, fetch })('system.info', { input: {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkbenchError);
    expect((err as WorkbenchError).code).toBe('UNAUTHENTICATED');
    expect((err as WorkbenchError).message).toBe('no launch token: open the link the workbench printed when it started (it ends in #token=…)');
    expect(calls).toHaveLength(0);
  });

  it('turns a network failure into UNAVAILABLE and a non-JSON answer into INTERNAL with the status', async () => {
    const down: FetchFn = async () => {
      throw new TypeError('Failed to fetch');
    };
    const e1 = (await createHttpCall({ token: 't', fetch: down })('system.info', { input: {} }).catch((e: unknown) => e)) as WorkbenchError;
    expect([e1.code, e1.message, e1.details]).toEqual(['UNAVAILABLE', 'cannot reach the workbench server: Failed to fetch', { method: 'system.info' }]);
    const { fetch } = recordingFetch(502, '<html>Bad Gateway</html>');
    const e2 = (await createHttpCall({ token: 't', fetch })('system.info', { input: {} }).catch((e: unknown) => e)) as WorkbenchError;
    expect([e2.code, e2.message, e2.details]).toEqual([
      'INTERNAL',
      'the workbench server answered system.info with HTTP 502 and no JSON',
      { method: 'system.info', status: 502, body: '<html>Bad Gateway</html>' },
    ]);
  });
});
