import type { ErrorCode } from '../../shared/api/errors.ts';

/**
 * What shard operations throw. Plain (no zod, no contract import) so a shard worker starts
 * fast; the backend turns it into a WorkbenchError with the same code, message and details.
 */
export class ShardOpError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, where: string, message: string) {
    super(`${where}: ${message}`);
    this.name = 'ShardOpError';
    this.code = code;
    this.details = { where };
  }
}
