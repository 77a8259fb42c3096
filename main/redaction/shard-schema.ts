/**
 * One SQLite file per shard: `<dataDir>/vectors/shard-XX.sqlite` (ADR-055).
 *
 * `vectors` is a WITHOUT ROWID table clustered on (case_id, purpose, created_at, id): the
 * rows a retention policy selects (a case, a purpose, created before a cutoff) are one
 * contiguous key range, so a purge is a range delete over adjacent pages. There is no
 * secondary index: an index on id would make every purge scatter deletes across a second
 * B-tree (measured 1.5× slower), so lookups by id scan their one shard (shard = id mod
 * shards) instead.
 *
 * `purge_checkpoints` and `purge_receipts` live in the shard file on purpose: a batch's
 * delete, its checkpoint and its receipt commit in ONE SQLite transaction, which a WAL
 * database can only promise within one file.
 */
export const SHARD_FORMAT = 1;

export const SHARD_SQL = `
CREATE TABLE shard_meta (
  singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
  format INTEGER NOT NULL,
  shard INTEGER NOT NULL CHECK (shard >= 0),
  shards INTEGER NOT NULL CHECK (shards BETWEEN 1 AND 100),
  dimension INTEGER NOT NULL CHECK (dimension BETWEEN 2 AND 4096)
) STRICT;

CREATE TABLE vectors (
  case_id TEXT NOT NULL,
  purpose TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  id INTEGER NOT NULL CHECK (id > 0),
  tenant TEXT NOT NULL,
  region TEXT NOT NULL,
  embedding BLOB NOT NULL,
  PRIMARY KEY (case_id, purpose, created_at, id)
) STRICT, WITHOUT ROWID;

CREATE TABLE purge_checkpoints (
  job_id TEXT PRIMARY KEY,
  done INTEGER NOT NULL CHECK (done >= 0)
) STRICT;

CREATE TABLE purge_receipts (
  job_id TEXT NOT NULL,
  seq INTEGER NOT NULL CHECK (seq >= 0),
  first_id INTEGER NOT NULL,
  last_id INTEGER NOT NULL,
  count INTEGER NOT NULL CHECK (count > 0),
  digest TEXT NOT NULL,
  PRIMARY KEY (job_id, seq)
) STRICT;
`;

export function shardFileName(shard: number): string {
  return `shard-${String(shard).padStart(2, '0')}.sqlite`;
}

export const SHARD_FILE = /^shard-(\d{2})\.sqlite$/;
