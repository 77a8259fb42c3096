import type { Segment } from './vector-backend.ts';

/**
 * The WHERE clause of one batch segment: a key range of the clustered primary key. The
 * same text on SQLite and PostgreSQL (row-value comparisons use the index on both).
 */
export function segmentWhere(s: Segment): { where: string; params: Array<string | number> } {
  let where = 'case_id = ? AND purpose = ? AND created_at < ?';
  const params: Array<string | number> = [s.caseId, s.purpose, s.beforeMs];
  if (s.after) {
    where += ' AND (created_at, id) > (?, ?)';
    params.push(s.after.createdAt, s.after.id);
  }
  if (s.through) {
    where += ' AND (created_at, id) <= (?, ?)';
    params.push(s.through.createdAt, s.through.id);
  }
  return { where, params };
}
