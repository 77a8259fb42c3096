import Database from 'better-sqlite3';
import type { Database as SqliteDatabase } from 'better-sqlite3';

export interface ShardFileOptions {
  /** Page cache per connection in KiB (SQLite `cache_size = -N`); small, the OS page cache does the rest. */
  cacheKiB?: number;
  /** How long a statement waits for another connection's write lock on the shard (ms). */
  busyTimeoutMs?: number;
}

/**
 * Opens a shard file the one way every connection to it must: WAL, synchronous=NORMAL, and
 * `secure_delete = ON` — SQLite overwrites deleted rows and freed pages with zeros, so an
 * erased embedding does not linger in the file's free pages (ADR-055 measures the cost).
 */
export function openShardFile(file: string, options: ShardFileOptions = {}): SqliteDatabase {
  const db = new Database(file, { timeout: options.busyTimeoutMs ?? 5000 });
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('secure_delete = ON');
    db.pragma(`cache_size = -${options.cacheKiB ?? 8192}`);
  } catch (e) {
    db.close();
    throw e;
  }
  return db;
}
