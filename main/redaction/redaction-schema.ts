import type { Migration } from '../store/migrations/migration.ts';
import { sqliteHexCheck as hex, sqliteIsoCheck as iso } from '../store/migrations/migration.ts';

/**
 * The redaction tables of the main store, for both dialects (ADR-055). They become a
 * numbered migration in `main/store/migrations/` when the lead registers them; until then
 * `redactionMigrations()` appends them as the next version.
 *
 * - `redaction_policies`: stored retention policies (cases, purposes, retention).
 * - `redaction_jobs` / `redaction_batches`: a job is one plan being applied; its batches are
 *   fixed when the job is created, so a resumed job runs exactly the same batches.
 * - `redaction_recalls`: the tombstones. A recall is the policy predicate itself (case,
 *   purpose, created before), so recalling a million vectors is one small insert and every
 *   query excludes them from the moment it commits. Active while the job is not restored.
 * - `redaction_receipts`: each batch's receipt, linked to the audit event that chains it.
 * - `vector_queries` / `vector_query_results`: the query log (which ids each query returned).
 *
 * On PostgreSQL the vectors themselves live here too (`vectors`, clustered by its primary key
 * on (shard, case_id, purpose, created_at, id)), with the per-batch checkpoints and receipts
 * that commit in the same transaction as the delete. On SQLite they live in shard files
 * (`<dataDir>/vectors/shard-XX.sqlite`, see shard-schema.ts).
 */
export const REDACTION_MIGRATION_NAME = 'vector_redaction';

const JOB_STATES = "('recalled', 'purging', 'paused', 'failed', 'completed', 'restored')";

export const REDACTION_SQLITE = `
CREATE TABLE redaction_policies (
  name TEXT PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 64),
  body TEXT NOT NULL CHECK (json_valid(body)),
  saved_by TEXT NOT NULL,
  saved_at TEXT NOT NULL ${iso('saved_at')},
  audit_event_id TEXT NOT NULL REFERENCES audit_events (id)
) STRICT;

CREATE TABLE redaction_jobs (
  id TEXT PRIMARY KEY,
  plan_hash TEXT NOT NULL UNIQUE ${hex('plan_hash')},
  policy TEXT NOT NULL CHECK (json_valid(policy)),
  state TEXT NOT NULL CONSTRAINT redaction_jobs_state_check CHECK (state IN ${JOB_STATES}),
  total INTEGER NOT NULL CHECK (total >= 0),
  batch_count INTEGER NOT NULL CHECK (batch_count >= 0),
  batch_size INTEGER NOT NULL CHECK (batch_size > 0),
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL ${iso('created_at')},
  grace_until TEXT NOT NULL ${iso('grace_until')},
  updated_at TEXT NOT NULL ${iso('updated_at')},
  error TEXT,
  certificate TEXT CHECK (certificate IS NULL OR json_valid(certificate))
) STRICT;

CREATE TABLE redaction_batches (
  job_id TEXT NOT NULL REFERENCES redaction_jobs (id),
  seq INTEGER NOT NULL CHECK (seq >= 0),
  shard INTEGER NOT NULL CHECK (shard >= 0),
  shard_index INTEGER NOT NULL CHECK (shard_index >= 0),
  segments TEXT NOT NULL CHECK (json_valid(segments)),
  count INTEGER NOT NULL CHECK (count > 0),
  first_id INTEGER NOT NULL,
  last_id INTEGER NOT NULL,
  digest TEXT NOT NULL ${hex('digest')},
  PRIMARY KEY (job_id, seq)
) STRICT;

CREATE TABLE redaction_recalls (
  job_id TEXT NOT NULL REFERENCES redaction_jobs (id),
  case_id TEXT NOT NULL,
  purpose TEXT NOT NULL,
  before_ms INTEGER NOT NULL,
  PRIMARY KEY (job_id, case_id, purpose)
) STRICT;

CREATE TABLE redaction_receipts (
  job_id TEXT NOT NULL REFERENCES redaction_jobs (id),
  seq INTEGER NOT NULL CHECK (seq >= 0),
  shard INTEGER NOT NULL,
  first_id INTEGER NOT NULL,
  last_id INTEGER NOT NULL,
  count INTEGER NOT NULL CHECK (count > 0),
  digest TEXT NOT NULL ${hex('digest')},
  audit_event_id TEXT NOT NULL UNIQUE REFERENCES audit_events (id),
  PRIMARY KEY (job_id, seq)
) STRICT;

CREATE TABLE vector_queries (
  id TEXT PRIMARY KEY,
  at TEXT NOT NULL ${iso('at')},
  actor_id TEXT NOT NULL,
  k INTEGER NOT NULL CHECK (k > 0)
) STRICT;

CREATE TABLE vector_query_results (
  query_id TEXT NOT NULL REFERENCES vector_queries (id),
  rank INTEGER NOT NULL CHECK (rank >= 0),
  vector_id INTEGER NOT NULL,
  PRIMARY KEY (query_id, rank)
) STRICT;
`;

export const REDACTION_POSTGRES = `
CREATE TABLE redaction_policies (
  name text PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 64),
  body jsonb NOT NULL,
  saved_by text NOT NULL,
  saved_at timestamptz NOT NULL,
  audit_event_id text NOT NULL REFERENCES audit_events (id)
);

CREATE TABLE redaction_jobs (
  id text PRIMARY KEY,
  plan_hash text NOT NULL UNIQUE CHECK (plan_hash ~ '^[0-9a-f]{64}$'),
  policy jsonb NOT NULL,
  state text NOT NULL CONSTRAINT redaction_jobs_state_check CHECK (state IN ${JOB_STATES}),
  total bigint NOT NULL CHECK (total >= 0),
  batch_count integer NOT NULL CHECK (batch_count >= 0),
  batch_size integer NOT NULL CHECK (batch_size > 0),
  created_by text NOT NULL,
  created_at timestamptz NOT NULL,
  grace_until timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  error text,
  certificate jsonb
);

CREATE TABLE redaction_batches (
  job_id text NOT NULL REFERENCES redaction_jobs (id),
  seq integer NOT NULL CHECK (seq >= 0),
  shard integer NOT NULL CHECK (shard >= 0),
  shard_index integer NOT NULL CHECK (shard_index >= 0),
  segments jsonb NOT NULL,
  count integer NOT NULL CHECK (count > 0),
  first_id bigint NOT NULL,
  last_id bigint NOT NULL,
  digest text NOT NULL CHECK (digest ~ '^[0-9a-f]{64}$'),
  PRIMARY KEY (job_id, seq)
);

CREATE TABLE redaction_recalls (
  job_id text NOT NULL REFERENCES redaction_jobs (id),
  case_id text COLLATE "C" NOT NULL,
  purpose text COLLATE "C" NOT NULL,
  before_ms bigint NOT NULL,
  PRIMARY KEY (job_id, case_id, purpose)
);

CREATE TABLE redaction_receipts (
  job_id text NOT NULL REFERENCES redaction_jobs (id),
  seq integer NOT NULL CHECK (seq >= 0),
  shard integer NOT NULL,
  first_id bigint NOT NULL,
  last_id bigint NOT NULL,
  count integer NOT NULL CHECK (count > 0),
  digest text NOT NULL CHECK (digest ~ '^[0-9a-f]{64}$'),
  audit_event_id text NOT NULL UNIQUE REFERENCES audit_events (id),
  PRIMARY KEY (job_id, seq)
);

CREATE TABLE vector_queries (
  id text COLLATE "C" PRIMARY KEY,
  at timestamptz NOT NULL,
  actor_id text NOT NULL,
  k integer NOT NULL CHECK (k > 0)
);

CREATE TABLE vector_query_results (
  query_id text COLLATE "C" NOT NULL REFERENCES vector_queries (id),
  rank integer NOT NULL CHECK (rank >= 0),
  vector_id bigint NOT NULL,
  PRIMARY KEY (query_id, rank)
);

CREATE TABLE vector_store_meta (
  singleton integer PRIMARY KEY CHECK (singleton = 1),
  shards integer NOT NULL CHECK (shards BETWEEN 1 AND 100),
  dimension integer NOT NULL CHECK (dimension BETWEEN 2 AND 4096)
);

CREATE TABLE vectors (
  shard integer NOT NULL,
  case_id text COLLATE "C" NOT NULL,
  purpose text COLLATE "C" NOT NULL,
  created_at bigint NOT NULL,
  id bigint NOT NULL CHECK (id > 0),
  tenant text NOT NULL,
  region text NOT NULL,
  embedding bytea NOT NULL,
  PRIMARY KEY (shard, case_id, purpose, created_at, id)
);

CREATE TABLE vector_purge_checkpoints (
  job_id text NOT NULL,
  shard integer NOT NULL,
  done integer NOT NULL CHECK (done >= 0),
  PRIMARY KEY (job_id, shard)
);

CREATE TABLE vector_purge_receipts (
  job_id text NOT NULL,
  seq integer NOT NULL CHECK (seq >= 0),
  shard integer NOT NULL,
  first_id bigint NOT NULL,
  last_id bigint NOT NULL,
  count integer NOT NULL CHECK (count > 0),
  digest text NOT NULL CHECK (digest ~ '^[0-9a-f]{64}$'),
  PRIMARY KEY (job_id, seq)
);
`;

/** The registry with the redaction migration: as registered by the lead, else appended as the next version. */
export function redactionMigrations(base: readonly Migration[]): readonly Migration[] {
  if (base.some((m) => m.name === REDACTION_MIGRATION_NAME)) return base;
  return [...base, { version: base.length + 1, name: REDACTION_MIGRATION_NAME, sqlite: REDACTION_SQLITE, postgres: REDACTION_POSTGRES }];
}
