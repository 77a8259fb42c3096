import { sqliteHexCheck as hex, sqliteIsoCheck as iso } from '../store/migrations/migration.ts';

/**
 * The appeals tables, for both dialects (wrapped as a numbered migration in
 * `main/store/migrations/`). The audit trail stays the source of truth: every timeline
 * row names the hash-chained audit event that records it, and `appeal_clock` is only a
 * cache of the SLA clock computed from the timeline (for sorting and filtering the queue).
 */
export const APPEALS_MIGRATION_NAME = 'appeals';

const KINDS = "('opened', 'triaged', 'assigned', 'priority', 'info_requested', 'info_provided', 'comment', 'decided', 'sla')";
const OUTCOMES = "('upheld', 'overturned', 'modified')";

export const APPEALS_SQLITE = `
CREATE TABLE appeal_counter (
  name TEXT PRIMARY KEY,
  value INTEGER NOT NULL CHECK (value >= 0)
) STRICT;

CREATE TABLE appeal_sla_policy (
  version INTEGER PRIMARY KEY CHECK (version > 0),
  policy TEXT NOT NULL CHECK (json_valid(policy)),
  set_at TEXT NOT NULL ${iso('set_at')},
  set_by TEXT NOT NULL,
  audit_event_id TEXT NOT NULL REFERENCES audit_events (id)
) STRICT;

CREATE TABLE appeal_timeline (
  ticket_id TEXT NOT NULL REFERENCES ombuds_ticket (id),
  seq INTEGER NOT NULL CHECK (seq > 0),
  at TEXT NOT NULL ${iso('at')},
  actor_id TEXT NOT NULL,
  kind TEXT NOT NULL CONSTRAINT appeal_timeline_kind_check CHECK (kind IN ${KINDS}),
  data TEXT NOT NULL CHECK (json_valid(data)),
  audit_event_id TEXT NOT NULL UNIQUE REFERENCES audit_events (id),
  PRIMARY KEY (ticket_id, seq)
) STRICT;

CREATE TABLE appeal_comment (
  id TEXT PRIMARY KEY,
  ticket_id TEXT NOT NULL REFERENCES ombuds_ticket (id),
  author TEXT NOT NULL,
  at TEXT NOT NULL ${iso('at')},
  kind TEXT NOT NULL CONSTRAINT appeal_comment_kind_check CHECK (kind IN ('comment', 'question', 'answer')),
  body TEXT NOT NULL CHECK (length(body) > 0),
  audit_event_id TEXT NOT NULL REFERENCES audit_events (id)
) STRICT;
CREATE INDEX appeal_comment_ticket ON appeal_comment (ticket_id, at, id);

CREATE TABLE appeal_clock (
  ticket_id TEXT PRIMARY KEY REFERENCES ombuds_ticket (id),
  policy_version INTEGER NOT NULL CHECK (policy_version >= 0),
  clock TEXT NOT NULL CONSTRAINT appeal_clock_clock_check CHECK (clock IN ('running', 'paused', 'stopped')),
  due_at TEXT ${iso('due_at', true)},
  triage_due_at TEXT ${iso('triage_due_at', true)},
  triage_completed_at TEXT ${iso('triage_completed_at', true)},
  decision_due_at TEXT ${iso('decision_due_at', true)},
  decision_completed_at TEXT ${iso('decision_completed_at', true)},
  timeline_seq INTEGER NOT NULL CHECK (timeline_seq >= 0)
) STRICT;
CREATE INDEX appeal_clock_due ON appeal_clock (due_at);

CREATE TABLE appeal_breach (
  ticket_id TEXT NOT NULL REFERENCES ombuds_ticket (id),
  milestone TEXT NOT NULL CONSTRAINT appeal_breach_milestone_check CHECK (milestone IN ('triage', 'decision')),
  due_at TEXT NOT NULL ${iso('due_at')},
  detected_at TEXT NOT NULL ${iso('detected_at')},
  audit_event_id TEXT NOT NULL REFERENCES audit_events (id),
  PRIMARY KEY (ticket_id, milestone)
) STRICT;

CREATE TABLE appeal_decision_artifact (
  seq INTEGER PRIMARY KEY CHECK (seq > 0),
  id TEXT NOT NULL UNIQUE,
  ticket_id TEXT NOT NULL UNIQUE REFERENCES ombuds_ticket (id),
  denial_event_id TEXT NOT NULL REFERENCES audit_events (id),
  decision_event_id TEXT NOT NULL REFERENCES audit_events (id),
  outcome TEXT NOT NULL CONSTRAINT appeal_decision_artifact_outcome_check CHECK (outcome IN ${OUTCOMES}),
  -- UNIQUE previous_hash: two artifacts can never claim the same predecessor, so the chain cannot fork.
  previous_hash TEXT NOT NULL UNIQUE ${hex('previous_hash')},
  hash TEXT NOT NULL UNIQUE ${hex('hash')},
  artifact TEXT NOT NULL CHECK (json_valid(artifact)),
  decided_at TEXT NOT NULL ${iso('decided_at')}
) STRICT;
CREATE INDEX appeal_decision_artifact_denial ON appeal_decision_artifact (denial_event_id);

CREATE TABLE appeal_policy_exception (
  id TEXT PRIMARY KEY,
  ticket_id TEXT NOT NULL REFERENCES ombuds_ticket (id),
  artifact_id TEXT NOT NULL REFERENCES appeal_decision_artifact (id),
  actor_id TEXT NOT NULL,
  action TEXT NOT NULL,
  resource_type TEXT NOT NULL,
  resource_id TEXT NOT NULL,
  labels TEXT CHECK (labels IS NULL OR json_valid(labels)),
  valid_from TEXT NOT NULL ${iso('valid_from')},
  valid_until TEXT NOT NULL ${iso('valid_until')},
  granted_by TEXT NOT NULL,
  granted_event_id TEXT NOT NULL REFERENCES audit_events (id),
  revoked_at TEXT ${iso('revoked_at', true)},
  revoked_by TEXT,
  revoke_reason TEXT,
  revoked_event_id TEXT REFERENCES audit_events (id),
  CHECK (valid_until > valid_from)
) STRICT;
CREATE INDEX appeal_policy_exception_lookup ON appeal_policy_exception (actor_id, action, resource_type, resource_id, valid_until);
`;

export const APPEALS_POSTGRES = `
CREATE TABLE appeal_counter (
  name TEXT COLLATE "C" PRIMARY KEY,
  value BIGINT NOT NULL CHECK (value >= 0)
);

CREATE TABLE appeal_sla_policy (
  version INTEGER PRIMARY KEY CHECK (version > 0),
  policy TEXT COLLATE "C" NOT NULL CHECK (policy::jsonb IS NOT NULL),
  set_at TIMESTAMPTZ(3) NOT NULL,
  set_by TEXT COLLATE "C" NOT NULL,
  audit_event_id TEXT COLLATE "C" NOT NULL REFERENCES audit_events (id)
);

CREATE TABLE appeal_timeline (
  ticket_id TEXT COLLATE "C" NOT NULL REFERENCES ombuds_ticket (id),
  seq INTEGER NOT NULL CHECK (seq > 0),
  at TIMESTAMPTZ(3) NOT NULL,
  actor_id TEXT COLLATE "C" NOT NULL,
  kind TEXT COLLATE "C" NOT NULL CONSTRAINT appeal_timeline_kind_check CHECK (kind IN ${KINDS}),
  data TEXT COLLATE "C" NOT NULL CHECK (data::jsonb IS NOT NULL),
  audit_event_id TEXT COLLATE "C" NOT NULL UNIQUE REFERENCES audit_events (id),
  PRIMARY KEY (ticket_id, seq)
);

CREATE TABLE appeal_comment (
  id TEXT COLLATE "C" PRIMARY KEY,
  ticket_id TEXT COLLATE "C" NOT NULL REFERENCES ombuds_ticket (id),
  author TEXT COLLATE "C" NOT NULL,
  at TIMESTAMPTZ(3) NOT NULL,
  kind TEXT COLLATE "C" NOT NULL CONSTRAINT appeal_comment_kind_check CHECK (kind IN ('comment', 'question', 'answer')),
  body TEXT COLLATE "C" NOT NULL CHECK (length(body) > 0),
  audit_event_id TEXT COLLATE "C" NOT NULL REFERENCES audit_events (id)
);
CREATE INDEX appeal_comment_ticket ON appeal_comment (ticket_id, at, id);

CREATE TABLE appeal_clock (
  ticket_id TEXT COLLATE "C" PRIMARY KEY REFERENCES ombuds_ticket (id),
  policy_version INTEGER NOT NULL CHECK (policy_version >= 0),
  clock TEXT COLLATE "C" NOT NULL CONSTRAINT appeal_clock_clock_check CHECK (clock IN ('running', 'paused', 'stopped')),
  due_at TIMESTAMPTZ(3),
  triage_due_at TIMESTAMPTZ(3),
  triage_completed_at TIMESTAMPTZ(3),
  decision_due_at TIMESTAMPTZ(3),
  decision_completed_at TIMESTAMPTZ(3),
  timeline_seq INTEGER NOT NULL CHECK (timeline_seq >= 0)
);
CREATE INDEX appeal_clock_due ON appeal_clock (due_at);

CREATE TABLE appeal_breach (
  ticket_id TEXT COLLATE "C" NOT NULL REFERENCES ombuds_ticket (id),
  milestone TEXT COLLATE "C" NOT NULL CONSTRAINT appeal_breach_milestone_check CHECK (milestone IN ('triage', 'decision')),
  due_at TIMESTAMPTZ(3) NOT NULL,
  detected_at TIMESTAMPTZ(3) NOT NULL,
  audit_event_id TEXT COLLATE "C" NOT NULL REFERENCES audit_events (id),
  PRIMARY KEY (ticket_id, milestone)
);

CREATE TABLE appeal_decision_artifact (
  seq BIGINT PRIMARY KEY CHECK (seq > 0),
  id TEXT COLLATE "C" NOT NULL UNIQUE,
  ticket_id TEXT COLLATE "C" NOT NULL UNIQUE REFERENCES ombuds_ticket (id),
  denial_event_id TEXT COLLATE "C" NOT NULL REFERENCES audit_events (id),
  decision_event_id TEXT COLLATE "C" NOT NULL REFERENCES audit_events (id),
  outcome TEXT COLLATE "C" NOT NULL CONSTRAINT appeal_decision_artifact_outcome_check CHECK (outcome IN ${OUTCOMES}),
  -- UNIQUE previous_hash: two artifacts can never claim the same predecessor, so the chain cannot fork.
  previous_hash TEXT COLLATE "C" NOT NULL UNIQUE CHECK (previous_hash ~ '^[0-9a-f]{64}$'),
  hash TEXT COLLATE "C" NOT NULL UNIQUE CHECK (hash ~ '^[0-9a-f]{64}$'),
  artifact TEXT COLLATE "C" NOT NULL CHECK (artifact::jsonb IS NOT NULL),
  decided_at TIMESTAMPTZ(3) NOT NULL
);
CREATE INDEX appeal_decision_artifact_denial ON appeal_decision_artifact (denial_event_id);

CREATE TABLE appeal_policy_exception (
  id TEXT COLLATE "C" PRIMARY KEY,
  ticket_id TEXT COLLATE "C" NOT NULL REFERENCES ombuds_ticket (id),
  artifact_id TEXT COLLATE "C" NOT NULL REFERENCES appeal_decision_artifact (id),
  actor_id TEXT COLLATE "C" NOT NULL,
  action TEXT COLLATE "C" NOT NULL,
  resource_type TEXT COLLATE "C" NOT NULL,
  resource_id TEXT COLLATE "C" NOT NULL,
  labels TEXT COLLATE "C" CHECK (labels IS NULL OR labels::jsonb IS NOT NULL),
  valid_from TIMESTAMPTZ(3) NOT NULL,
  valid_until TIMESTAMPTZ(3) NOT NULL,
  granted_by TEXT COLLATE "C" NOT NULL,
  granted_event_id TEXT COLLATE "C" NOT NULL REFERENCES audit_events (id),
  revoked_at TIMESTAMPTZ(3),
  revoked_by TEXT COLLATE "C",
  revoke_reason TEXT COLLATE "C",
  revoked_event_id TEXT COLLATE "C" REFERENCES audit_events (id),
  CHECK (valid_until > valid_from)
);
CREATE INDEX appeal_policy_exception_lookup ON appeal_policy_exception (actor_id, action, resource_type, resource_id, valid_until);
`;
