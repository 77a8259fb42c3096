/**
 * Rows per purge batch when apply does not say, by store. PostgreSQL batches are id
 * intervals that each re-read their shard's policy index entries, so fewer and larger (a
 * batch of 100,000 rows commits in about 0.1 s; ADR-055); SQLite batches are key ranges.
 */
export const DEFAULT_BATCH_SIZES = { sqlite: 25_000, postgres: 100_000 } as const;
