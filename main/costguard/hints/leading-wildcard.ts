import { columnName, literalValue, type Node } from '../sql/ast.ts';
import { hint, ident, type Detector, type Finding } from './finding.ts';

/**
 * `LIKE '%…'` (or ILIKE, GLOB '*…'): a pattern that starts with a wildcard cannot use a
 * b-tree index, so the plan reads the whole table. There is no equivalent rewrite; the
 * suggestion is a text index (SQLite FTS5 with the trigram tokenizer, PostgreSQL pg_trgm).
 */
export const detectLeadingWildcard: Detector = async (ctx) => {
  const findings: Finding[] = [];
  for (const p of ctx.shape.predicates) {
    if (p.kind !== 'like-other') continue;
    const n = p.node;
    const left = n.left as Node;
    const pattern = literalValue(n.right as Node)?.value;
    if (typeof pattern !== 'string' || left?.type !== 'column_ref' || !columnName(left)) continue;
    const op = String(n.operator).toUpperCase();
    if (!(op === 'GLOB' ? /^[*?]/ : /^[%_]/).test(pattern)) continue;
    const r = ctx.reader.resolve(p.scope, left);
    if (!r || r.item.kind !== 'table') continue;
    const scans = ctx.plan.accesses.some((a) => a.alias === r.item.alias && (a.method === 'full-scan' || a.method === 'index-scan'));
    if (!scans) continue;
    const table = r.item.name!;
    const column = r.column;
    const suggested =
      ctx.dialect === 'postgres'
        ? `CREATE EXTENSION IF NOT EXISTS pg_trgm; CREATE INDEX ${ident(`${table}_${column}_trgm_idx`)} ON ${ident(table)} USING gin (${ident(column)} gin_trgm_ops)`
        : `CREATE VIRTUAL TABLE ${ident(`${table}_${column}_fts`)} USING fts5(${ident(column)}, content=${ident(table)}, tokenize='trigram'), then WHERE rowid IN (SELECT rowid FROM ${ident(`${table}_${column}_fts`)} WHERE ${ident(column)} MATCH …)`;
    findings.push({
      hint: hint(
        'leading-wildcard-like',
        'warning',
        `${ctx.printExpr(n)} starts with a wildcard, so no index on ${column} can help and ${table} is scanned row by row.`,
        suggested,
        ctx.printExpr(n),
      ),
      fixes: [],
    });
  }
  return findings;
};
