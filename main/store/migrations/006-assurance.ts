import type { Migration } from './migration.ts';
import { sqliteIsoCheck as iso } from './migration.ts';

/**
 * Assurance runs: the recorded results of fault-injection drills and measurements
 * (main/assurance/), which the audit pack's chaos and SLO sections read back. The id is
 * derived from the run's content, so recording one result twice is one row. `details` is
 * canonical JSON kept as text on both dialects (jsonb would reorder it).
 */
export const assurance: Migration = {
  version: 6,
  name: 'assurance',
  sqlite: `
CREATE TABLE assurance_runs (
  id TEXT PRIMARY KEY CHECK (id GLOB 'ar-*' AND length(id) = 27),
  kind TEXT NOT NULL CONSTRAINT assurance_runs_kind_check CHECK (kind IN ('chaos', 'measurement')),
  name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 64),
  started_at TEXT NOT NULL ${iso('started_at')},
  finished_at TEXT NOT NULL ${iso('finished_at')},
  outcome TEXT NOT NULL CONSTRAINT assurance_runs_outcome_check CHECK (outcome IN ('passed', 'failed', 'skipped')),
  summary TEXT NOT NULL,
  details TEXT NOT NULL CHECK (json_valid(details)),
  recorded_by TEXT NOT NULL,
  workbench_version TEXT NOT NULL,
  CHECK (finished_at >= started_at)
) STRICT;
CREATE INDEX assurance_runs_started ON assurance_runs (started_at, id);
CREATE INDEX assurance_runs_kind ON assurance_runs (kind, name, started_at);
`,
  postgres: `
CREATE TABLE assurance_runs (
  id TEXT COLLATE "C" PRIMARY KEY CHECK (id ~ '^ar-[0-9a-f]{24}$'),
  kind TEXT COLLATE "C" NOT NULL CONSTRAINT assurance_runs_kind_check CHECK (kind IN ('chaos', 'measurement')),
  name TEXT COLLATE "C" NOT NULL CHECK (length(name) BETWEEN 1 AND 64),
  started_at TIMESTAMPTZ(3) NOT NULL,
  finished_at TIMESTAMPTZ(3) NOT NULL,
  outcome TEXT COLLATE "C" NOT NULL CONSTRAINT assurance_runs_outcome_check CHECK (outcome IN ('passed', 'failed', 'skipped')),
  summary TEXT COLLATE "C" NOT NULL,
  details TEXT COLLATE "C" NOT NULL CHECK (details::jsonb IS NOT NULL),
  recorded_by TEXT COLLATE "C" NOT NULL,
  workbench_version TEXT COLLATE "C" NOT NULL,
  CHECK (finished_at >= started_at)
);
CREATE INDEX assurance_runs_started ON assurance_runs (started_at, id);
CREATE INDEX assurance_runs_kind ON assurance_runs (kind, name, started_at);
`,
};
