import type { Migration } from './migration.ts';
import { sqliteHexCheck as hex, sqliteIsoCheck as iso } from './migration.ts';

/**
 * The foundation: actors and roles, consents, evidence, the hash-chained audit trail,
 * ombuds tickets and settings. SQLite tables are STRICT (typed like PostgreSQL's);
 * PostgreSQL timestamps are timestamptz(3), i.e. millisecond precision, the precision the
 * domain uses. JSON is TEXT on both: the audit payload keeps the exact canonical bytes
 * that were hashed. PostgreSQL text columns are COLLATE "C" so that ORDER BY and `id > ?`
 * paging follow code-point order, as SQLite's BINARY collation does, whatever the
 * database's default locale.
 */
export const foundation: Migration = {
  version: 1,
  name: 'foundation',
  sqlite: `
CREATE TABLE actors (
  id TEXT PRIMARY KEY,
  display_name TEXT NOT NULL,
  tenant TEXT NOT NULL,
  region TEXT NOT NULL,
  created_at TEXT NOT NULL ${iso('created_at')}
) STRICT;

CREATE TABLE actor_roles (
  actor_id TEXT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
  role TEXT NOT NULL CHECK (length(role) > 0),
  assigned_at TEXT NOT NULL ${iso('assigned_at')},
  PRIMARY KEY (actor_id, role)
) STRICT;

CREATE TABLE consents (
  subject_id TEXT NOT NULL,
  purpose TEXT NOT NULL,
  status TEXT NOT NULL CONSTRAINT consents_status_check CHECK (status IN ('granted', 'revoked')),
  updated_at TEXT NOT NULL ${iso('updated_at')},
  PRIMARY KEY (subject_id, purpose)
) STRICT;

CREATE TABLE evidence (
  id TEXT PRIMARY KEY,
  title TEXT NOT NULL,
  kind TEXT NOT NULL,
  tenant TEXT NOT NULL,
  region TEXT NOT NULL,
  sensitivity TEXT NOT NULL CONSTRAINT evidence_sensitivity_check
    CHECK (sensitivity IN ('public', 'internal', 'confidential', 'restricted')),
  purpose TEXT NOT NULL,
  sha256 TEXT ${hex('sha256', true)},
  created_at TEXT NOT NULL ${iso('created_at')}
) STRICT;
CREATE INDEX evidence_tenant_region ON evidence (tenant, region, id);

CREATE TABLE audit_events (
  seq INTEGER PRIMARY KEY CHECK (seq > 0),
  id TEXT NOT NULL UNIQUE,
  at TEXT NOT NULL ${iso('at')},
  actor_id TEXT NOT NULL,
  action TEXT NOT NULL,
  resource_type TEXT NOT NULL,
  resource_id TEXT NOT NULL,
  decision TEXT NOT NULL CONSTRAINT audit_events_decision_check CHECK (decision IN ('allow', 'deny', 'info')),
  payload TEXT NOT NULL CHECK (json_valid(payload)),
  -- UNIQUE prev_hash: two events can never claim the same predecessor, so the chain cannot fork.
  prev_hash TEXT NOT NULL UNIQUE ${hex('prev_hash')},
  hash TEXT NOT NULL UNIQUE ${hex('hash')},
  appeal_ticket_id TEXT REFERENCES ombuds_ticket (id)
) STRICT;
CREATE INDEX audit_events_actor ON audit_events (actor_id, seq);

CREATE TABLE ombuds_ticket (
  id TEXT PRIMARY KEY,
  state TEXT NOT NULL CONSTRAINT ombuds_ticket_state_check CHECK (state IN ('new', 'triage', 'pending_info', 'decided')),
  priority TEXT NOT NULL CONSTRAINT ombuds_ticket_priority_check CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
  requester TEXT NOT NULL,
  assignee TEXT,
  denial_event_id TEXT REFERENCES audit_events (id),
  justification TEXT NOT NULL,
  sla_due TEXT ${iso('sla_due', true)},
  created_at TEXT NOT NULL ${iso('created_at')},
  updated_at TEXT NOT NULL ${iso('updated_at')}
) STRICT;
CREATE INDEX ombuds_ticket_state ON ombuds_ticket (state, created_at, id);

CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL CHECK (json_valid(value))
) STRICT;
`,
  postgres: `
CREATE TABLE actors (
  id TEXT COLLATE "C" PRIMARY KEY,
  display_name TEXT COLLATE "C" NOT NULL,
  tenant TEXT COLLATE "C" NOT NULL,
  region TEXT COLLATE "C" NOT NULL,
  created_at TIMESTAMPTZ(3) NOT NULL
);

CREATE TABLE actor_roles (
  actor_id TEXT COLLATE "C" NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
  role TEXT COLLATE "C" NOT NULL CHECK (length(role) > 0),
  assigned_at TIMESTAMPTZ(3) NOT NULL,
  PRIMARY KEY (actor_id, role)
);

CREATE TABLE consents (
  subject_id TEXT COLLATE "C" NOT NULL,
  purpose TEXT COLLATE "C" NOT NULL,
  status TEXT COLLATE "C" NOT NULL CONSTRAINT consents_status_check CHECK (status IN ('granted', 'revoked')),
  updated_at TIMESTAMPTZ(3) NOT NULL,
  PRIMARY KEY (subject_id, purpose)
);

CREATE TABLE evidence (
  id TEXT COLLATE "C" PRIMARY KEY,
  title TEXT COLLATE "C" NOT NULL,
  kind TEXT COLLATE "C" NOT NULL,
  tenant TEXT COLLATE "C" NOT NULL,
  region TEXT COLLATE "C" NOT NULL,
  sensitivity TEXT COLLATE "C" NOT NULL CONSTRAINT evidence_sensitivity_check
    CHECK (sensitivity IN ('public', 'internal', 'confidential', 'restricted')),
  purpose TEXT COLLATE "C" NOT NULL,
  sha256 TEXT COLLATE "C" CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  created_at TIMESTAMPTZ(3) NOT NULL
);
CREATE INDEX evidence_tenant_region ON evidence (tenant, region, id);

CREATE TABLE audit_events (
  seq BIGINT PRIMARY KEY CHECK (seq > 0),
  id TEXT COLLATE "C" NOT NULL UNIQUE,
  at TIMESTAMPTZ(3) NOT NULL,
  actor_id TEXT COLLATE "C" NOT NULL,
  action TEXT COLLATE "C" NOT NULL,
  resource_type TEXT COLLATE "C" NOT NULL,
  resource_id TEXT COLLATE "C" NOT NULL,
  decision TEXT COLLATE "C" NOT NULL CONSTRAINT audit_events_decision_check CHECK (decision IN ('allow', 'deny', 'info')),
  payload TEXT COLLATE "C" NOT NULL CHECK (payload::jsonb IS NOT NULL),
  -- UNIQUE prev_hash: two events can never claim the same predecessor, so the chain cannot fork.
  prev_hash TEXT COLLATE "C" NOT NULL UNIQUE CHECK (prev_hash ~ '^[0-9a-f]{64}$'),
  hash TEXT COLLATE "C" NOT NULL UNIQUE CHECK (hash ~ '^[0-9a-f]{64}$'),
  appeal_ticket_id TEXT COLLATE "C"
);
CREATE INDEX audit_events_actor ON audit_events (actor_id, seq);

CREATE TABLE ombuds_ticket (
  id TEXT COLLATE "C" PRIMARY KEY,
  state TEXT COLLATE "C" NOT NULL CONSTRAINT ombuds_ticket_state_check CHECK (state IN ('new', 'triage', 'pending_info', 'decided')),
  priority TEXT COLLATE "C" NOT NULL CONSTRAINT ombuds_ticket_priority_check CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
  requester TEXT COLLATE "C" NOT NULL,
  assignee TEXT COLLATE "C",
  denial_event_id TEXT COLLATE "C" REFERENCES audit_events (id),
  justification TEXT COLLATE "C" NOT NULL,
  sla_due TIMESTAMPTZ(3),
  created_at TIMESTAMPTZ(3) NOT NULL,
  updated_at TIMESTAMPTZ(3) NOT NULL
);
CREATE INDEX ombuds_ticket_state ON ombuds_ticket (state, created_at, id);

-- Added after both tables exist: audit_events and ombuds_ticket refer to each other.
ALTER TABLE audit_events ADD CONSTRAINT audit_events_appeal_ticket_id_fkey
  FOREIGN KEY (appeal_ticket_id) REFERENCES ombuds_ticket (id);

CREATE TABLE settings (
  key TEXT COLLATE "C" PRIMARY KEY,
  value TEXT COLLATE "C" NOT NULL CHECK (value::jsonb IS NOT NULL)
);
`,
};
