export const FIRST_RETRY_MS = 500;
export const MAX_RETRY_MS = 30_000;

/**
 * Wait before reconnect attempt `attempt` (0-based): doubling from 500 ms, capped at 30 s.
 * No jitter: one local client reconnects to one local server, there is no herd to spread.
 */
export function reconnectDelayMs(attempt: number): number {
  if (!Number.isInteger(attempt) || attempt < 0) throw new RangeError(`attempt must be a non-negative integer, got ${attempt}`);
  return Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.min(attempt, 16));
}
