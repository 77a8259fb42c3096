import { isLeadingIndexed } from '../catalog.ts';
import { containsSubquery, makeAnd } from '../sql/ast.ts';
import type { Predicate, Scope } from '../sql/shape.ts';
import { hint, ident, indexName, type DetectContext, type Detector, type Finding } from './finding.ts';

const INDEXABLE = new Set(['eq', 'in', 'range', 'between']);
const pct = (share: number) => `${(share * 100).toFixed(share < 0.01 ? 2 : 1)}%`;

function scopeOfAlias(ctx: DetectContext, alias: string, table: string): Scope | undefined {
  return ctx.shape.scopes.find((s) => s.from.some((f) => f.alias === alias && f.kind === 'table' && f.name === table));
}

export function createIndexSql(name: string, table: string, keys: string[]): string {
  return `CREATE INDEX ${ident(name)} ON ${ident(table)} (${keys.join(', ')})`;
}

/**
 * A full scan of a table for a predicate that matches few of its rows, on columns no
 * index starts with — or (SQLite) a temporary "automatic" index the planner builds for
 * every run of a join. The suggested index puts equality columns first (most selective
 * first), then one range column. It is verified by building it on the scratch copy (or
 * inside the rolled-back transaction) and planning again.
 */
export const detectMissingIndex: Detector = async (ctx) => {
  const findings: Finding[] = [];
  const seen = new Set<string>();
  for (const access of ctx.plan.accesses) {
    if (!access.table) continue;
    const table = ctx.catalog.table(access.table);
    if (!table || table.kind !== 'table') continue;

    if (access.method === 'automatic-index' && access.constraint) {
      const cols = access.constraint
        .split(/ AND /)
        .map((t) => /^([A-Za-z_][A-Za-z0-9_]*)=\?$/.exec(t.trim())?.[1]?.toLowerCase())
        .filter((c): c is string => c !== undefined && table.columns.includes(c));
      if (cols.length === 0) continue;
      const key = `${table.name}(${cols.join(',')})`;
      if (seen.has(key)) continue;
      seen.add(key);
      const name = indexName(ctx.catalog, table.name, cols);
      const ddl = createIndexSql(name, table.name, cols.map(ident));
      findings.push({
        hint: hint(
          'missing-index',
          'warning',
          `SQLite builds a temporary index on ${table.name}(${cols.join(', ')}) every time this join runs (${table.rowCount ?? '?'} rows); a permanent index avoids it.`,
          ddl,
          access.alias,
        ),
        fixes: [{ type: 'missing-index', effect: 'same-rows', ddl: [ddl], note: `adds index ${name} on ${table.name}(${cols.join(', ')})` }],
      });
      continue;
    }

    if (access.method !== 'full-scan') continue;
    const scope = scopeOfAlias(ctx, access.alias, table.name);
    if (!scope) continue;
    const preds = ctx.shape.predicates.filter(
      (p) =>
        p.scope === scope &&
        p.aliases.length === 1 &&
        p.aliases[0] === access.alias &&
        INDEXABLE.has(p.kind) &&
        !p.onExpression &&
        p.columns.length === 1 &&
        !containsSubquery(p.node),
    );
    // Columns an index already leads with are the planner's choice, not a missing index.
    const unindexed = preds.filter((p) => !isLeadingIndexed(table, p.columns[0]!.column));
    if (unindexed.length === 0) {
      const join = joinKeyFinding(ctx, access.alias, table.name, scope, seen);
      if (join) findings.push(join);
      continue;
    }
    const measured: Array<{ p: Predicate; share: number }> = [];
    for (const p of unindexed) {
      const share = await ctx.shareMatching(table.name, access.alias, ctx.printExpr(p.node));
      if (share !== undefined) measured.push({ p, share });
    }
    const eqs = measured.filter((m) => m.p.kind === 'eq' || m.p.kind === 'in').sort((a, b) => a.share - b.share || a.p.columns[0]!.column.localeCompare(b.p.columns[0]!.column));
    const ranges = measured.filter((m) => m.p.kind === 'range' || m.p.kind === 'between').sort((a, b) => a.share - b.share);
    const chosen = [...eqs];
    if (ranges[0]) chosen.push(ranges[0]);
    const columns = [...new Set(chosen.map((m) => m.p.columns[0]!.column))];
    if (columns.length === 0) continue;
    const combined = chosen.length === 1 ? chosen[0]!.share : await ctx.shareMatching(table.name, access.alias, ctx.printExpr(makeAnd(chosen.map((m) => m.p.node))!));
    if (combined === undefined || combined > ctx.options.selectiveShare) continue;
    const key = `${table.name}(${columns.join(',')})`;
    if (seen.has(key)) continue;
    seen.add(key);
    const name = indexName(ctx.catalog, table.name, columns);
    const ddl = createIndexSql(name, table.name, columns.map(ident));
    const predicateText = chosen.map((m) => ctx.printExpr(m.p.node)).join(' AND ');
    findings.push({
      hint: hint(
        'missing-index',
        (table.rowCount ?? 0) > 100_000 ? 'critical' : 'warning',
        `Full scan of ${table.name} (${table.rowCount ?? 'unknown'} rows) for ${predicateText}, which matches ${pct(combined)} of them; no index starts with ${columns.join(', ')}.`,
        ddl,
        predicateText,
      ),
      fixes: [{ type: 'missing-index', effect: 'same-rows', ddl: [ddl], note: `adds index ${name} on ${table.name}(${columns.join(', ')})` }],
    });
  }
  return findings;
};

/**
 * A table scanned inside a join loop: the join column has no index, so every row of the
 * outer loop reads the whole table. An index on the join column turns the scan into a search.
 */
function joinKeyFinding(ctx: DetectContext, alias: string, tableName: string, scope: Scope, seen: Set<string>): Finding | undefined {
  const table = ctx.catalog.table(tableName)!;
  const order = ctx.plan.accesses.map((a) => a.alias);
  const at = order.indexOf(alias);
  if (at <= 0) return undefined;
  const bound = new Set(order.slice(0, at));
  for (const p of ctx.shape.predicates) {
    if (p.scope !== scope || p.kind !== 'join-eq' || p.aliases.length !== 2 || !p.aliases.includes(alias)) continue;
    const mine = p.columns.find((c) => c.alias === alias);
    const other = p.columns.find((c) => c.alias !== alias);
    if (!mine || !other || !bound.has(other.alias) || isLeadingIndexed(table, mine.column)) continue;
    const ndv = ctx.catalog.ndv(table.name, mine.column);
    if (!ndv || 1 / ndv > ctx.options.selectiveShare) continue;
    const key = `${table.name}(${mine.column})`;
    if (seen.has(key)) continue;
    seen.add(key);
    const name = indexName(ctx.catalog, table.name, [mine.column]);
    const ddl = createIndexSql(name, table.name, [ident(mine.column)]);
    return {
      hint: hint(
        'missing-index',
        (table.rowCount ?? 0) > 100_000 ? 'critical' : 'warning',
        `${table.name} (${table.rowCount ?? 'unknown'} rows) is scanned once per row of the outer loop for the join ${ctx.printExpr(p.node)}; no index starts with ${mine.column}.`,
        ddl,
        ctx.printExpr(p.node),
      ),
      fixes: [{ type: 'missing-index', effect: 'same-rows', ddl: [ddl], note: `adds index ${name} on ${table.name}(${mine.column})` }],
    };
  }
  return undefined;
}
