import { UsageError } from '../cli-kit.ts';

/** `--at` accepts an ISO-8601 time with a zone (Z or ±hh:mm); anything else is bad usage. */
export function parseAt(text: string): Date {
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/.test(text)) {
    throw new UsageError(`--at ${JSON.stringify(text)}: expected an ISO-8601 time such as 2026-11-28T12:00:00Z`);
  }
  const d = new Date(text);
  if (Number.isNaN(d.getTime())) throw new UsageError(`--at ${JSON.stringify(text)}: not a valid time`);
  return d;
}
