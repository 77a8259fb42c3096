import { z } from 'zod';

/**
 * Typed errors cross every transport unchanged: a service throws a WorkbenchError,
 * the transport serialises `{code, message, details}`, the client rebuilds the same error.
 */
export const ERROR_CODES = [
  'BAD_INPUT', // input failed its schema or a domain rule; details name the path
  'BAD_OUTPUT', // a service returned something its output schema rejects (a bug, never user data)
  'NOT_FOUND',
  'CONFLICT', // e.g. an illegal state transition or a stale plan
  'DENIED', // a policy decision said no; details carry reason, policyIds, decisionId, appealLink
  'RATE_LIMITED', // details carry retryAfterMs
  'UNAUTHENTICATED', // transport-level: missing or wrong launch token
  'FORBIDDEN', // transport-level: wrong Host, wrong sender frame
  'UNKNOWN_METHOD',
  'UNAVAILABLE', // a capability or dependency is not available (e.g. store down)
  'CANCELLED',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export const ErrorPayload = z.object({
  code: z.enum(ERROR_CODES),
  message: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
});
export type ErrorPayload = z.infer<typeof ErrorPayload>;

export class WorkbenchError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'WorkbenchError';
    this.code = code;
    this.details = details;
  }

  toPayload(): ErrorPayload {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }

  static fromPayload(p: ErrorPayload): WorkbenchError {
    return new WorkbenchError(p.code, p.message, p.details);
  }
}

export function isWorkbenchError(e: unknown): e is WorkbenchError {
  return e instanceof WorkbenchError;
}

/** Any thrown value as a payload; unknown errors become INTERNAL without leaking stacks. */
export function toErrorPayload(e: unknown): ErrorPayload {
  if (e instanceof WorkbenchError) return e.toPayload();
  const message = e instanceof Error ? e.message : String(e);
  return { code: 'INTERNAL', message };
}

/** A zod failure as BAD_INPUT naming each offending path. */
export function badInput(where: string, error: z.ZodError): WorkbenchError {
  const issues = error.issues.map((i) => ({
    path: i.path.map(String).join('.') || '(root)',
    message: i.message,
  }));
  const first = issues[0];
  const summary = first ? `${first.path}: ${first.message}` : 'invalid';
  return new WorkbenchError('BAD_INPUT', `${where}: ${summary}`, { issues });
}

/**
 * Electron's contextBridge copies only an Error's message across worlds, so the preload
 * carries the typed payload inside the message; `asWorkbenchError` restores it.
 */
export const BRIDGE_ERROR_PREFIX = 'WorkbenchError:';

export function toBridgeError(e: unknown): Error {
  return new Error(BRIDGE_ERROR_PREFIX + JSON.stringify(toErrorPayload(e)));
}

/** Any caught value as a WorkbenchError (typed, bridged, or an unknown error as INTERNAL). */
export function asWorkbenchError(e: unknown): WorkbenchError {
  if (e instanceof WorkbenchError) return e;
  if (e instanceof Error && e.message.includes(BRIDGE_ERROR_PREFIX)) {
    const json = e.message.slice(e.message.indexOf(BRIDGE_ERROR_PREFIX) + BRIDGE_ERROR_PREFIX.length);
    try {
      const p = ErrorPayload.safeParse(JSON.parse(json));
      if (p.success) return WorkbenchError.fromPayload(p.data);
    } catch {
      // fall through to INTERNAL
    }
  }
  return WorkbenchError.fromPayload(toErrorPayload(e));
}
