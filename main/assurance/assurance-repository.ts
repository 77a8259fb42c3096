import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { badInput } from '../../shared/api/errors.ts';
import {
  AssuranceDetails,
  AssuranceQuery,
  AssuranceRunInput,
  type AssuranceKind,
  type AssuranceOutcome,
  type AssuranceRun,
} from '../../shared/domain/assurance.ts';
import type { SqlClient } from '../store/sql-client.ts';

interface RunRow {
  id: string;
  kind: AssuranceKind;
  name: string;
  started_at: string;
  finished_at: string;
  outcome: AssuranceOutcome;
  summary: string;
  details: string;
  recorded_by: string;
  workbench_version: string;
}

const COLUMNS = 'id, kind, name, started_at, finished_at, outcome, summary, details, recorded_by, workbench_version';

/** The id of a run: `ar-` and the first 24 hex digits of the SHA-256 of its canonical JSON. */
export function assuranceRunId(run: AssuranceRunInput): string {
  return `ar-${createHash('sha256').update(canonicalize(run)!).digest('hex').slice(0, 24)}`;
}

function toRun(r: RunRow): AssuranceRun {
  return {
    id: r.id,
    kind: r.kind,
    name: r.name,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    outcome: r.outcome,
    summary: r.summary,
    details: AssuranceDetails.parse(JSON.parse(r.details)),
    recordedBy: r.recorded_by,
    workbenchVersion: r.workbench_version,
  };
}

/** Recorded drill and measurement runs (table assurance_runs, migration 006). */
export class AssuranceRepository {
  readonly #sql: SqlClient;

  constructor(sql: SqlClient) {
    this.#sql = sql;
  }

  /** Records a run; recording the same content again returns the row already there. */
  async record(input: AssuranceRunInput): Promise<AssuranceRun> {
    const parsed = AssuranceRunInput.safeParse(input);
    if (!parsed.success) throw badInput('assurance run', parsed.error);
    const run = parsed.data;
    const id = assuranceRunId(run);
    await this.#sql.run(
      `INSERT INTO assurance_runs (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
      [id, run.kind, run.name, run.startedAt, run.finishedAt, run.outcome, run.summary, canonicalize(run.details)!, run.recordedBy, run.workbenchVersion],
    );
    return (await this.get(id))!;
  }

  async get(id: string): Promise<AssuranceRun | undefined> {
    const row = await this.#sql.get<RunRow>(`SELECT ${COLUMNS} FROM assurance_runs WHERE id = ?`, [id]);
    return row && toRun(row);
  }

  /** Runs started in [from, to), optionally of one kind or name; newest first, ties by id. */
  async list(query: AssuranceQuery = {}): Promise<AssuranceRun[]> {
    const parsed = AssuranceQuery.safeParse(query);
    if (!parsed.success) throw badInput('assurance query', parsed.error);
    const q = parsed.data;
    const conditions: Array<[string, string | undefined]> = [
      ['started_at >= ?', q.from],
      ['started_at < ?', q.to],
      ['kind = ?', q.kind],
      ['name = ?', q.name],
    ];
    const used = conditions.filter((c): c is [string, string] => c[1] !== undefined);
    const where = used.map(([clause]) => clause);
    const params = used.map(([, value]) => value);
    const rows = await this.#sql.all<RunRow>(
      `SELECT ${COLUMNS} FROM assurance_runs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY started_at DESC, id`,
      params,
    );
    return rows.map(toRun);
  }
}
