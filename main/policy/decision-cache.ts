import type { PolicyDecision } from './pdp.ts';

/**
 * Decisions by key, for one policy epoch. The key names the principal, action, resource
 * (type, id, labels, subject) and context; the epoch is held by the cache, and moving it
 * empties the cache, so a decision made under an older epoch is never served. Bounded:
 * the least recently used entry goes first.
 */
export class DecisionCache {
  readonly #max: number;
  #epoch = -1;
  #entries = new Map<string, PolicyDecision>();
  hits = 0;
  misses = 0;

  constructor(maxEntries = 50_000) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new Error(`DecisionCache: maxEntries must be a positive integer, got ${maxEntries}`);
    this.#max = maxEntries;
  }

  get size(): number {
    return this.#entries.size;
  }

  get epoch(): number {
    return this.#epoch;
  }

  /** Moves to `epoch`; any other epoch than the current one drops every entry. */
  setEpoch(epoch: number): void {
    if (epoch === this.#epoch) return;
    this.#epoch = epoch;
    this.#entries.clear();
  }

  get(key: string, epoch: number): PolicyDecision | undefined {
    const hit = epoch === this.#epoch ? this.#entries.get(key) : undefined;
    if (!hit) {
      this.misses += 1;
      return undefined;
    }
    this.hits += 1;
    // Refresh recency: Map iteration order is insertion order.
    this.#entries.delete(key);
    this.#entries.set(key, hit);
    return hit;
  }

  /** Stores only under the current epoch: a decision computed while the epoch moved is dropped. */
  set(key: string, epoch: number, decision: PolicyDecision): void {
    if (epoch !== this.#epoch) return;
    this.#entries.delete(key);
    this.#entries.set(key, decision);
    if (this.#entries.size > this.#max) this.#entries.delete(this.#entries.keys().next().value!);
  }

  clear(): void {
    this.#entries.clear();
  }
}

/** An unambiguous key (JSON of an array of strings). */
export function decisionKey(parts: readonly string[]): string {
  return JSON.stringify(parts);
}
