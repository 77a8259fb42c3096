import { sqliteIsoCheck as iso } from '../../store/migrations/migration.ts';

/**
 * Cost Guard's tables: per-namespace per-minute call counters (allowed and rate-limited),
 * the log of analyzed queries, and which rewrites were copied or run. The migration in
 * main/store/migrations/ points here.
 */
export const COSTGUARD_MIGRATION_NAME = 'costguard';

export const COSTGUARD_SQLITE = `
CREATE TABLE namespace_usage (
  namespace TEXT NOT NULL CHECK (length(namespace) > 0),
  minute TEXT NOT NULL ${iso('minute')},
  allowed INTEGER NOT NULL CHECK (allowed >= 0),
  limited INTEGER NOT NULL CHECK (limited >= 0),
  PRIMARY KEY (namespace, minute)
) STRICT;
CREATE INDEX namespace_usage_minute ON namespace_usage (minute, namespace);

CREATE TABLE costguard_queries (
  query_id TEXT PRIMARY KEY,
  dialect TEXT NOT NULL CONSTRAINT costguard_queries_dialect_check CHECK (dialect IN ('sqlite', 'postgres', 'cypher')),
  sql TEXT NOT NULL,
  first_analyzed_at TEXT NOT NULL ${iso('first_analyzed_at')},
  last_analyzed_at TEXT NOT NULL ${iso('last_analyzed_at')},
  times_analyzed INTEGER NOT NULL CHECK (times_analyzed > 0),
  estimated_cost REAL NOT NULL,
  rewritten_cost REAL,
  hint_types TEXT NOT NULL CHECK (json_valid(hint_types)),
  actor_id TEXT NOT NULL
) STRICT;
CREATE INDEX costguard_queries_recent ON costguard_queries (last_analyzed_at, query_id);

CREATE TABLE costguard_adoptions (
  query_id TEXT NOT NULL REFERENCES costguard_queries (query_id),
  action TEXT NOT NULL CONSTRAINT costguard_adoptions_action_check CHECK (action IN ('copied', 'ran')),
  first_at TEXT NOT NULL ${iso('first_at')},
  last_at TEXT NOT NULL ${iso('last_at')},
  times INTEGER NOT NULL CHECK (times > 0),
  actor_id TEXT NOT NULL,
  PRIMARY KEY (query_id, action)
) STRICT;
`;

export const COSTGUARD_POSTGRES = `
CREATE TABLE namespace_usage (
  namespace TEXT COLLATE "C" NOT NULL CHECK (length(namespace) > 0),
  minute TIMESTAMPTZ(3) NOT NULL,
  allowed BIGINT NOT NULL CHECK (allowed >= 0),
  limited BIGINT NOT NULL CHECK (limited >= 0),
  PRIMARY KEY (namespace, minute)
);
CREATE INDEX namespace_usage_minute ON namespace_usage (minute, namespace);

CREATE TABLE costguard_queries (
  query_id TEXT COLLATE "C" PRIMARY KEY,
  dialect TEXT COLLATE "C" NOT NULL CONSTRAINT costguard_queries_dialect_check CHECK (dialect IN ('sqlite', 'postgres', 'cypher')),
  sql TEXT COLLATE "C" NOT NULL,
  first_analyzed_at TIMESTAMPTZ(3) NOT NULL,
  last_analyzed_at TIMESTAMPTZ(3) NOT NULL,
  times_analyzed BIGINT NOT NULL CHECK (times_analyzed > 0),
  estimated_cost DOUBLE PRECISION NOT NULL,
  rewritten_cost DOUBLE PRECISION,
  hint_types TEXT COLLATE "C" NOT NULL CHECK (hint_types::jsonb IS NOT NULL),
  actor_id TEXT COLLATE "C" NOT NULL
);
CREATE INDEX costguard_queries_recent ON costguard_queries (last_analyzed_at, query_id);

CREATE TABLE costguard_adoptions (
  query_id TEXT COLLATE "C" NOT NULL REFERENCES costguard_queries (query_id),
  action TEXT COLLATE "C" NOT NULL CONSTRAINT costguard_adoptions_action_check CHECK (action IN ('copied', 'ran')),
  first_at TIMESTAMPTZ(3) NOT NULL,
  last_at TIMESTAMPTZ(3) NOT NULL,
  times BIGINT NOT NULL CHECK (times > 0),
  actor_id TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (query_id, action)
);
`;
