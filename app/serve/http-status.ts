import type { ErrorCode } from '../../shared/api/errors.ts';

/** HTTP status for each typed error; the body always carries the error itself. */
export const STATUS_BY_CODE: Readonly<Record<ErrorCode, number>> = {
  BAD_INPUT: 400,
  BAD_OUTPUT: 500,
  NOT_FOUND: 404,
  CONFLICT: 409,
  DENIED: 403,
  RATE_LIMITED: 429,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  UNKNOWN_METHOD: 404,
  UNAVAILABLE: 503,
  CANCELLED: 499,
  INTERNAL: 500,
};
