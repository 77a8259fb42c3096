import type { ExceptionStatus, ResidencyException } from '../../shared/api/residency.ts';
import type { SqlClient } from '../store/sql-client.ts';

interface ExceptionRow {
  id: string;
  tenant: string;
  from_region: string;
  to_region: string;
  actions: string;
  valid_from: string;
  valid_until: string;
  justification: string;
  granted_by: string;
  granted_at: string;
  revoked_at: string | null;
  revoked_by: string | null;
}

const COLUMNS = 'id, tenant, from_region, to_region, actions, valid_from, valid_until, justification, granted_by, granted_at, revoked_at, revoked_by';

function toException(r: ExceptionRow): ResidencyException {
  return {
    id: r.id,
    tenant: r.tenant,
    fromRegion: r.from_region,
    toRegion: r.to_region,
    actions: JSON.parse(r.actions) as string[],
    validFrom: r.valid_from,
    validUntil: r.valid_until,
    justification: r.justification,
    grantedBy: r.granted_by,
    grantedAt: r.granted_at,
    revokedAt: r.revoked_at,
    revokedBy: r.revoked_by,
  };
}

export async function listExceptions(sql: SqlClient): Promise<ResidencyException[]> {
  return (await sql.all<ExceptionRow>(`SELECT ${COLUMNS} FROM residency_exceptions ORDER BY id`)).map(toException);
}

export async function getException(sql: SqlClient, id: string): Promise<ResidencyException | undefined> {
  const row = await sql.get<ExceptionRow>(`SELECT ${COLUMNS} FROM residency_exceptions WHERE id = ?`, [id]);
  return row && toException(row);
}

export const EXCEPTIONS_LOCK = 'workbench.residency_exceptions';

/** Inserts with the next id `rx-000001`, … (inside a transaction: it takes the exceptions lock). */
export async function insertException(tx: SqlClient, e: Omit<ResidencyException, 'id' | 'revokedAt' | 'revokedBy'>): Promise<ResidencyException> {
  await tx.lock(EXCEPTIONS_LOCK);
  const n = (await tx.get<{ n: number }>('SELECT COUNT(*) AS n FROM residency_exceptions'))?.n ?? 0;
  const id = `rx-${String(n + 1).padStart(6, '0')}`;
  await tx.run(`INSERT INTO residency_exceptions (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL)`, [
    id,
    e.tenant,
    e.fromRegion,
    e.toRegion,
    JSON.stringify(e.actions),
    e.validFrom,
    e.validUntil,
    e.justification,
    e.grantedBy,
    e.grantedAt,
  ]);
  return { ...e, id, revokedAt: null, revokedBy: null };
}

export async function markRevoked(tx: SqlClient, id: string, by: string, at: string): Promise<void> {
  await tx.run('UPDATE residency_exceptions SET revoked_at = ?, revoked_by = ? WHERE id = ? AND revoked_at IS NULL', [at, by, id]);
}

/** Where an exception stands at `at`. Times are ISO-8601 UTC with milliseconds, so text order is time order. */
export function exceptionStatus(e: ResidencyException, at: string): ExceptionStatus {
  if (e.revokedAt !== null && e.revokedAt <= at) return 'revoked';
  if (at < e.validFrom) return 'scheduled';
  if (at >= e.validUntil) return 'expired';
  return 'in-force';
}

/** Whether the exception covers this move of this action at `at` (window [validFrom, validUntil), not revoked by then). */
export function covers(
  e: ResidencyException,
  q: { tenant: string; fromRegion: string; toRegion: string; action: string; groups: readonly string[]; at: string },
): boolean {
  return (
    exceptionStatus(e, q.at) === 'in-force' &&
    e.tenant === q.tenant &&
    e.fromRegion === q.fromRegion &&
    e.toRegion === q.toRegion &&
    e.actions.some((a) => a === q.action || q.groups.includes(a))
  );
}

/** The covering exception with the lowest id (deterministic when several cover a move). */
export function coveringException(
  exceptions: readonly ResidencyException[],
  q: { tenant: string; fromRegion: string; toRegion: string; action: string; groups: readonly string[]; at: string },
): ResidencyException | undefined {
  return exceptions.filter((e) => covers(e, q)).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))[0];
}
