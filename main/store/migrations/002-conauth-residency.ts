import type { Migration } from './migration.ts';
import { sqliteHexCheck as hex, sqliteIsoCheck as iso } from './migration.ts';

/**
 * Continuous authorization and data residency (ADR-054, ADR-056).
 *
 * - `policy_epoch`: one row; `epoch` rises with every change that can alter a decision
 *   (roles, actors' tenant/region, consents, policies, residency exceptions and pins) and
 *   `policy_revision` with every policy change. Triggers do the bumping, so no code path —
 *   the admin API, the demo seed, a script — can change a decision input without moving the
 *   epoch. On PostgreSQL the same trigger sends `NOTIFY workbench_policy_epoch` with
 *   "<epoch>:<revision>:<reason>", delivered at commit to every listening workbench.
 * - `policy_versions`: policies as data. Each save appends a version; the latest version of
 *   an id is in force when its status is 'active'.
 * - `residency_pins`: region and tenant fixed at ingest; a pin never changes (UPDATE is
 *   refused). Rows that existed before this migration have no pin and are reported as
 *   unpinned — the migration assigns nothing.
 * - `residency_exceptions`: recorded, time-bounded permissions to move a tenant's data from
 *   one region to another.
 * - `residency_events`: every decided request that would move pinned data across regions:
 *   with the exception that covered it, or none (an attempted violation).
 */
export const conauthResidency: Migration = {
  version: 2,
  name: 'conauth_residency',
  sqlite: `
CREATE TABLE policy_epoch (
  singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
  epoch INTEGER NOT NULL CHECK (epoch >= 0),
  policy_revision INTEGER NOT NULL CHECK (policy_revision >= 0),
  reason TEXT NOT NULL
) STRICT;
INSERT INTO policy_epoch (singleton, epoch, policy_revision, reason) VALUES (1, 0, 0, 'policy epoch created');

CREATE TABLE policy_versions (
  policy_id TEXT NOT NULL CHECK (length(policy_id) > 0),
  version INTEGER NOT NULL CHECK (version > 0),
  status TEXT NOT NULL CONSTRAINT policy_versions_status_check CHECK (status IN ('active', 'retired')),
  body TEXT NOT NULL,
  sha256 TEXT NOT NULL ${hex('sha256')},
  note TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL ${iso('created_at')},
  PRIMARY KEY (policy_id, version)
) STRICT;

CREATE TABLE residency_pins (
  resource_type TEXT NOT NULL CHECK (length(resource_type) > 0),
  resource_id TEXT NOT NULL CHECK (length(resource_id) > 0),
  tenant TEXT NOT NULL CHECK (length(tenant) > 0),
  region TEXT NOT NULL CHECK (length(region) > 0),
  source TEXT NOT NULL CONSTRAINT residency_pins_source_check CHECK (source IN ('ingest', 'manual')),
  pinned_by TEXT NOT NULL,
  pinned_at TEXT NOT NULL ${iso('pinned_at')},
  PRIMARY KEY (resource_type, resource_id)
) STRICT;

CREATE TABLE residency_exceptions (
  id TEXT PRIMARY KEY,
  tenant TEXT NOT NULL CHECK (length(tenant) > 0),
  from_region TEXT NOT NULL CHECK (length(from_region) > 0),
  to_region TEXT NOT NULL CHECK (length(to_region) > 0),
  actions TEXT NOT NULL CHECK (json_valid(actions)),
  valid_from TEXT NOT NULL ${iso('valid_from')},
  valid_until TEXT NOT NULL ${iso('valid_until')},
  justification TEXT NOT NULL CHECK (length(justification) > 0),
  granted_by TEXT NOT NULL,
  granted_at TEXT NOT NULL ${iso('granted_at')},
  revoked_at TEXT ${iso('revoked_at', true)},
  revoked_by TEXT,
  CONSTRAINT residency_exceptions_window_check CHECK (valid_until > valid_from),
  CONSTRAINT residency_exceptions_regions_check CHECK (from_region <> to_region)
) STRICT;

CREATE TABLE residency_events (
  decision_id TEXT PRIMARY KEY REFERENCES audit_events (id),
  at TEXT NOT NULL ${iso('at')},
  actor_id TEXT NOT NULL,
  action TEXT NOT NULL,
  resource_type TEXT NOT NULL,
  resource_id TEXT NOT NULL,
  tenant TEXT NOT NULL,
  from_region TEXT NOT NULL,
  to_region TEXT NOT NULL,
  exception_id TEXT REFERENCES residency_exceptions (id),
  outcome TEXT NOT NULL CONSTRAINT residency_events_outcome_check CHECK (outcome IN ('denied', 'allowed'))
) STRICT;
CREATE INDEX residency_events_at ON residency_events (at, decision_id);

CREATE TRIGGER residency_pins_immutable BEFORE UPDATE ON residency_pins
BEGIN SELECT RAISE(ABORT, 'residency pins are immutable'); END;

CREATE TRIGGER epoch_actors_insert AFTER INSERT ON actors
BEGIN UPDATE policy_epoch SET epoch = epoch + 1, reason = 'actor added: ' || NEW.id WHERE singleton = 1; END;
CREATE TRIGGER epoch_actors_update AFTER UPDATE ON actors WHEN OLD.tenant IS NOT NEW.tenant OR OLD.region IS NOT NEW.region
BEGIN UPDATE policy_epoch SET epoch = epoch + 1, reason = 'actor moved: ' || NEW.id WHERE singleton = 1; END;
CREATE TRIGGER epoch_actors_delete AFTER DELETE ON actors
BEGIN UPDATE policy_epoch SET epoch = epoch + 1, reason = 'actor removed: ' || OLD.id WHERE singleton = 1; END;
CREATE TRIGGER epoch_roles_insert AFTER INSERT ON actor_roles
BEGIN UPDATE policy_epoch SET epoch = epoch + 1, reason = 'role assigned: ' || NEW.role || ' to ' || NEW.actor_id WHERE singleton = 1; END;
CREATE TRIGGER epoch_roles_update AFTER UPDATE ON actor_roles WHEN OLD.role IS NOT NEW.role OR OLD.actor_id IS NOT NEW.actor_id
BEGIN UPDATE policy_epoch SET epoch = epoch + 1, reason = 'role changed: ' || NEW.role || ' of ' || NEW.actor_id WHERE singleton = 1; END;
CREATE TRIGGER epoch_roles_delete AFTER DELETE ON actor_roles
BEGIN UPDATE policy_epoch SET epoch = epoch + 1, reason = 'role removed: ' || OLD.role || ' from ' || OLD.actor_id WHERE singleton = 1; END;
CREATE TRIGGER epoch_consents_insert AFTER INSERT ON consents
BEGIN UPDATE policy_epoch SET epoch = epoch + 1, reason = 'consent ' || NEW.status || ': ' || NEW.subject_id || ' for ' || NEW.purpose WHERE singleton = 1; END;
CREATE TRIGGER epoch_consents_update AFTER UPDATE ON consents WHEN OLD.status IS NOT NEW.status
BEGIN UPDATE policy_epoch SET epoch = epoch + 1, reason = 'consent ' || NEW.status || ': ' || NEW.subject_id || ' for ' || NEW.purpose WHERE singleton = 1; END;
CREATE TRIGGER epoch_consents_delete AFTER DELETE ON consents
BEGIN UPDATE policy_epoch SET epoch = epoch + 1, reason = 'consent removed: ' || OLD.subject_id || ' for ' || OLD.purpose WHERE singleton = 1; END;
CREATE TRIGGER epoch_policies_insert AFTER INSERT ON policy_versions
BEGIN UPDATE policy_epoch SET epoch = epoch + 1, policy_revision = policy_revision + 1,
  reason = 'policy ' || CASE NEW.status WHEN 'active' THEN 'saved' ELSE 'retired' END || ': ' || NEW.policy_id || ' v' || NEW.version WHERE singleton = 1; END;
CREATE TRIGGER epoch_exceptions_insert AFTER INSERT ON residency_exceptions
BEGIN UPDATE policy_epoch SET epoch = epoch + 1, reason = 'residency exception granted: ' || NEW.id WHERE singleton = 1; END;
CREATE TRIGGER epoch_exceptions_update AFTER UPDATE ON residency_exceptions
BEGIN UPDATE policy_epoch SET epoch = epoch + 1, reason = 'residency exception ' || CASE WHEN NEW.revoked_at IS NULL THEN 'changed' ELSE 'revoked' END || ': ' || NEW.id WHERE singleton = 1; END;
CREATE TRIGGER epoch_pins_insert AFTER INSERT ON residency_pins
BEGIN UPDATE policy_epoch SET epoch = epoch + 1, reason = 'residency pin: ' || NEW.resource_type || ' ' || NEW.resource_id WHERE singleton = 1; END;
CREATE TRIGGER epoch_pins_delete AFTER DELETE ON residency_pins
BEGIN UPDATE policy_epoch SET epoch = epoch + 1, reason = 'residency pin removed: ' || OLD.resource_type || ' ' || OLD.resource_id WHERE singleton = 1; END;
`,
  postgres: `
CREATE TABLE policy_epoch (
  singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
  epoch BIGINT NOT NULL CHECK (epoch >= 0),
  policy_revision BIGINT NOT NULL CHECK (policy_revision >= 0),
  reason TEXT COLLATE "C" NOT NULL
);
INSERT INTO policy_epoch (singleton, epoch, policy_revision, reason) VALUES (1, 0, 0, 'policy epoch created');

CREATE TABLE policy_versions (
  policy_id TEXT COLLATE "C" NOT NULL CHECK (length(policy_id) > 0),
  version INTEGER NOT NULL CHECK (version > 0),
  status TEXT COLLATE "C" NOT NULL CONSTRAINT policy_versions_status_check CHECK (status IN ('active', 'retired')),
  body TEXT COLLATE "C" NOT NULL,
  sha256 TEXT COLLATE "C" NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  note TEXT COLLATE "C" NOT NULL,
  created_by TEXT COLLATE "C" NOT NULL,
  created_at TIMESTAMPTZ(3) NOT NULL,
  PRIMARY KEY (policy_id, version)
);

CREATE TABLE residency_pins (
  resource_type TEXT COLLATE "C" NOT NULL CHECK (length(resource_type) > 0),
  resource_id TEXT COLLATE "C" NOT NULL CHECK (length(resource_id) > 0),
  tenant TEXT COLLATE "C" NOT NULL CHECK (length(tenant) > 0),
  region TEXT COLLATE "C" NOT NULL CHECK (length(region) > 0),
  source TEXT COLLATE "C" NOT NULL CONSTRAINT residency_pins_source_check CHECK (source IN ('ingest', 'manual')),
  pinned_by TEXT COLLATE "C" NOT NULL,
  pinned_at TIMESTAMPTZ(3) NOT NULL,
  PRIMARY KEY (resource_type, resource_id)
);

CREATE TABLE residency_exceptions (
  id TEXT COLLATE "C" PRIMARY KEY,
  tenant TEXT COLLATE "C" NOT NULL CHECK (length(tenant) > 0),
  from_region TEXT COLLATE "C" NOT NULL CHECK (length(from_region) > 0),
  to_region TEXT COLLATE "C" NOT NULL CHECK (length(to_region) > 0),
  actions TEXT COLLATE "C" NOT NULL CHECK (actions::jsonb IS NOT NULL),
  valid_from TIMESTAMPTZ(3) NOT NULL,
  valid_until TIMESTAMPTZ(3) NOT NULL,
  justification TEXT COLLATE "C" NOT NULL CHECK (length(justification) > 0),
  granted_by TEXT COLLATE "C" NOT NULL,
  granted_at TIMESTAMPTZ(3) NOT NULL,
  revoked_at TIMESTAMPTZ(3),
  revoked_by TEXT COLLATE "C",
  CONSTRAINT residency_exceptions_window_check CHECK (valid_until > valid_from),
  CONSTRAINT residency_exceptions_regions_check CHECK (from_region <> to_region)
);

CREATE TABLE residency_events (
  decision_id TEXT COLLATE "C" PRIMARY KEY REFERENCES audit_events (id),
  at TIMESTAMPTZ(3) NOT NULL,
  actor_id TEXT COLLATE "C" NOT NULL,
  action TEXT COLLATE "C" NOT NULL,
  resource_type TEXT COLLATE "C" NOT NULL,
  resource_id TEXT COLLATE "C" NOT NULL,
  tenant TEXT COLLATE "C" NOT NULL,
  from_region TEXT COLLATE "C" NOT NULL,
  to_region TEXT COLLATE "C" NOT NULL,
  exception_id TEXT COLLATE "C" REFERENCES residency_exceptions (id),
  outcome TEXT COLLATE "C" NOT NULL CONSTRAINT residency_events_outcome_check CHECK (outcome IN ('denied', 'allowed'))
);
CREATE INDEX residency_events_at ON residency_events (at, decision_id);

CREATE FUNCTION workbench_residency_pin_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'residency pins are immutable' USING ERRCODE = 'check_violation';
END $$;
CREATE TRIGGER residency_pins_immutable BEFORE UPDATE ON residency_pins
  FOR EACH ROW EXECUTE FUNCTION workbench_residency_pin_immutable();

-- Bumps the epoch and tells every listening workbench at commit.
CREATE FUNCTION workbench_bump_policy_epoch(why TEXT, policy_changed BOOLEAN) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  e BIGINT;
  r BIGINT;
BEGIN
  UPDATE policy_epoch
     SET epoch = epoch + 1,
         policy_revision = policy_revision + (CASE WHEN policy_changed THEN 1 ELSE 0 END),
         reason = why
   WHERE singleton = 1
  RETURNING epoch, policy_revision INTO e, r;
  PERFORM pg_notify('workbench_policy_epoch', e::text || ':' || r::text || ':' || why);
END $$;

CREATE FUNCTION workbench_epoch_actors() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN PERFORM workbench_bump_policy_epoch('actor added: ' || NEW.id, false);
  ELSIF TG_OP = 'DELETE' THEN PERFORM workbench_bump_policy_epoch('actor removed: ' || OLD.id, false);
  ELSIF OLD.tenant IS DISTINCT FROM NEW.tenant OR OLD.region IS DISTINCT FROM NEW.region THEN
    PERFORM workbench_bump_policy_epoch('actor moved: ' || NEW.id, false);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER epoch_actors AFTER INSERT OR UPDATE OR DELETE ON actors FOR EACH ROW EXECUTE FUNCTION workbench_epoch_actors();

CREATE FUNCTION workbench_epoch_roles() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN PERFORM workbench_bump_policy_epoch('role assigned: ' || NEW.role || ' to ' || NEW.actor_id, false);
  ELSIF TG_OP = 'DELETE' THEN PERFORM workbench_bump_policy_epoch('role removed: ' || OLD.role || ' from ' || OLD.actor_id, false);
  ELSIF OLD.role IS DISTINCT FROM NEW.role OR OLD.actor_id IS DISTINCT FROM NEW.actor_id THEN
    PERFORM workbench_bump_policy_epoch('role changed: ' || NEW.role || ' of ' || NEW.actor_id, false);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER epoch_roles AFTER INSERT OR UPDATE OR DELETE ON actor_roles FOR EACH ROW EXECUTE FUNCTION workbench_epoch_roles();

CREATE FUNCTION workbench_epoch_consents() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN PERFORM workbench_bump_policy_epoch('consent removed: ' || OLD.subject_id || ' for ' || OLD.purpose, false);
  ELSIF TG_OP = 'INSERT' OR OLD.status IS DISTINCT FROM NEW.status THEN
    PERFORM workbench_bump_policy_epoch('consent ' || NEW.status || ': ' || NEW.subject_id || ' for ' || NEW.purpose, false);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER epoch_consents AFTER INSERT OR UPDATE OR DELETE ON consents FOR EACH ROW EXECUTE FUNCTION workbench_epoch_consents();

CREATE FUNCTION workbench_epoch_policies() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM workbench_bump_policy_epoch(
    'policy ' || CASE NEW.status WHEN 'active' THEN 'saved' ELSE 'retired' END || ': ' || NEW.policy_id || ' v' || NEW.version, true);
  RETURN NULL;
END $$;
CREATE TRIGGER epoch_policies AFTER INSERT ON policy_versions FOR EACH ROW EXECUTE FUNCTION workbench_epoch_policies();

CREATE FUNCTION workbench_epoch_exceptions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN PERFORM workbench_bump_policy_epoch('residency exception granted: ' || NEW.id, false);
  ELSE PERFORM workbench_bump_policy_epoch(
    'residency exception ' || CASE WHEN NEW.revoked_at IS NULL THEN 'changed' ELSE 'revoked' END || ': ' || NEW.id, false);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER epoch_exceptions AFTER INSERT OR UPDATE ON residency_exceptions FOR EACH ROW EXECUTE FUNCTION workbench_epoch_exceptions();

CREATE FUNCTION workbench_epoch_pins() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN PERFORM workbench_bump_policy_epoch('residency pin: ' || NEW.resource_type || ' ' || NEW.resource_id, false);
  ELSE PERFORM workbench_bump_policy_epoch('residency pin removed: ' || OLD.resource_type || ' ' || OLD.resource_id, false);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER epoch_pins AFTER INSERT OR DELETE ON residency_pins FOR EACH ROW EXECUTE FUNCTION workbench_epoch_pins();
`,
};
