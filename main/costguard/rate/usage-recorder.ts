import type { UsageMinute } from '../../../shared/api/costguard.ts';
import type { CostguardRepo } from '../store/costguard-repo.ts';
import type { RateDecision } from './rate-limiter.ts';

/** The start of the minute `ms` falls in, as ISO-8601 UTC. */
export function minuteOf(ms: number): string {
  return new Date(Math.floor(ms / 60_000) * 60_000).toISOString();
}

/**
 * Counts allowed and limited calls per namespace per minute, in memory, and writes them to
 * the store: when a call falls in a new minute, and whenever `flush()` is called (before
 * usage is read, on close). A failed write keeps the counts for the next flush.
 */
export class UsageRecorder {
  readonly #repo: CostguardRepo;
  readonly #pending = new Map<string, UsageMinute>();
  #minute: string | null = null;
  #flushing: Promise<void> = Promise.resolve();
  #lastError: Error | null = null;

  constructor(repo: CostguardRepo) {
    this.#repo = repo;
  }

  /** For RateLimiter.observe. */
  readonly observer = (decision: RateDecision, atMs: number): void => {
    const minute = minuteOf(atMs);
    if (this.#minute !== null && minute !== this.#minute) void this.flush(minute).catch(() => {});
    this.#minute = minute;
    const key = `${decision.namespace}\u0000${minute}`;
    const row = this.#pending.get(key) ?? { namespace: decision.namespace, minute, allowed: 0, limited: 0 };
    if (decision.allowed) row.allowed++;
    else row.limited++;
    this.#pending.set(key, row);
  };

  /** Counts not yet written. */
  pending(): UsageMinute[] {
    return [...this.#pending.values()].sort((a, b) => a.minute.localeCompare(b.minute) || a.namespace.localeCompare(b.namespace));
  }

  get lastError(): Error | null {
    return this.#lastError;
  }

  /** Writes the pending counts (only those of minutes before `before`, when given). */
  flush(before?: string): Promise<void> {
    this.#flushing = this.#flushing.catch(() => {}).then(async () => {
      const rows = this.pending().filter((r) => before === undefined || r.minute < before);
      if (rows.length === 0) return;
      for (const r of rows) this.#pending.delete(`${r.namespace}\u0000${r.minute}`);
      try {
        await this.#repo.addUsage(rows);
        this.#lastError = null;
      } catch (e) {
        // Put the counts back: they are written with the next flush.
        for (const r of rows) {
          const key = `${r.namespace}\u0000${r.minute}`;
          const cur = this.#pending.get(key);
          this.#pending.set(key, cur ? { ...cur, allowed: cur.allowed + r.allowed, limited: cur.limited + r.limited } : r);
        }
        this.#lastError = e as Error;
        throw e;
      }
    });
    return this.#flushing;
  }
}
