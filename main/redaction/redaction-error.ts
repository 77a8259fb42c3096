import { WorkbenchError, type ErrorCode } from '../../shared/api/errors.ts';

/**
 * Errors of the redaction capability: WorkbenchErrors whose details always name where the
 * problem is (`where`: a flag, a plan field, a shard, a job).
 */
export function redactionError(code: ErrorCode, where: string, message: string, details: Record<string, unknown> = {}): WorkbenchError {
  return new WorkbenchError(code, `${where}: ${message}`, { where, ...details });
}

export function badRedactionInput(where: string, message: string, details: Record<string, unknown> = {}): WorkbenchError {
  return redactionError('BAD_INPUT', where, message, details);
}
