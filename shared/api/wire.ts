import type { CallContext, Dispatch } from './contract.ts';
import { ErrorPayload, WorkbenchError, toErrorPayload } from './errors.ts';

/** What crosses IPC and HTTP for one call: a result or a typed error, never a bare throw. */
export type WireResult = { ok: true; result: unknown } | { ok: false; error: ErrorPayload };

export async function dispatchToWire(
  dispatch: Dispatch,
  method: string,
  envelope: unknown,
  base: Omit<CallContext, 'session'>,
): Promise<WireResult> {
  try {
    return { ok: true, result: await dispatch(method, envelope, base) };
  } catch (e) {
    return { ok: false, error: toErrorPayload(e) };
  }
}

/** Client side: a wire result back into a value or the same typed error. */
export function unwrapWire(raw: unknown): unknown {
  const r = raw as WireResult | undefined;
  if (r && r.ok === true) return r.result;
  if (r && r.ok === false) {
    const p = ErrorPayload.safeParse(r.error);
    if (p.success) throw WorkbenchError.fromPayload(p.data);
  }
  throw new WorkbenchError('INTERNAL', 'malformed response from the workbench', { response: String(raw).slice(0, 200) });
}
