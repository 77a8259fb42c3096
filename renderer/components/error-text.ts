import type { ErrorCode, WorkbenchError } from '../../shared/api/errors.ts';

/** A short human title per error code; the message carries the specifics. */
export const ERROR_TITLES: Record<ErrorCode, string> = {
  BAD_INPUT: 'The request was not valid',
  BAD_OUTPUT: 'The workbench returned data it should not have (a bug)',
  NOT_FOUND: 'Not found',
  CONFLICT: 'Conflicting change',
  DENIED: 'Access denied by policy',
  RATE_LIMITED: 'Too many requests',
  UNAUTHENTICATED: 'Not signed in to this workbench',
  FORBIDDEN: 'Request refused',
  UNKNOWN_METHOD: 'This workbench does not offer that action',
  UNAVAILABLE: 'Not available right now',
  CANCELLED: 'Cancelled',
  INTERNAL: 'Something went wrong inside the workbench',
};

export interface Denial {
  reason: string;
  policyIds: string[];
  decisionId: string | undefined;
  /** Only in-app hash links (`#/…`) are followed; anything else is dropped. */
  appealLink: string | undefined;
}

/** The denial parts of a DENIED error's details, each checked for type. */
export function denialOf(error: WorkbenchError): Denial | undefined {
  if (error.code !== 'DENIED') return undefined;
  const d = error.details ?? {};
  const reason = typeof d.reason === 'string' ? d.reason : error.message;
  const policyIds = Array.isArray(d.policyIds) ? d.policyIds.filter((p): p is string => typeof p === 'string') : [];
  const decisionId = typeof d.decisionId === 'string' ? d.decisionId : undefined;
  const appealLink = typeof d.appealLink === 'string' && d.appealLink.startsWith('#/') ? d.appealLink : undefined;
  return { reason, policyIds, decisionId, appealLink };
}

export interface InputIssue {
  path: string;
  message: string;
}

/** BAD_INPUT details name each offending path. */
export function inputIssuesOf(error: WorkbenchError): InputIssue[] {
  const issues = error.details?.issues;
  if (!Array.isArray(issues)) return [];
  return issues.flatMap((i: unknown) => {
    if (typeof i !== 'object' || i === null) return [];
    const { path, message } = i as { path?: unknown; message?: unknown };
    return typeof path === 'string' && typeof message === 'string' ? [{ path, message }] : [];
  });
}

/** Details not shown by a dedicated section, as readable `key: value` text. */
export function otherDetails(error: WorkbenchError): Array<[string, string]> {
  const shown = new Set(error.code === 'DENIED' ? ['reason', 'policyIds', 'decisionId', 'appealLink'] : error.code === 'BAD_INPUT' ? ['issues'] : []);
  return Object.entries(error.details ?? {})
    .filter(([k]) => !shown.has(k))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]);
}
