import { isLeadingIndexed } from '../catalog.ts';
import { clone, conjunctsOf, disjunctsOf, groupByOf, hasAggregate, hasWindow, isDistinct, isNode, limitOf, makeAnd, orderByOf, selectItems, type Node } from '../sql/ast.ts';
import { parseSelect } from '../sql/parse.ts';
import { createIndexSql } from './missing-index.ts';
import { hint, ident, indexName, type DetectContext, type Detector, type Finding, type Fix } from './finding.ts';

const SINGLE_COLUMN = new Set(['eq', 'in', 'range', 'between', 'like-prefix', 'like-other', 'null']);
const INDEXABLE = new Set(['eq', 'in', 'range', 'between']);

/**
 * An OR across different columns (`a = 1 OR b = 2`): one index cannot serve both sides,
 * so unless the planner combines two indexes (SQLite MULTI-INDEX OR, PostgreSQL BitmapOr)
 * it scans the table. The fix indexes the columns that lack an index (so the planner can
 * combine them), or — when they all have one and the plan still scans — splits the query
 * into a UNION ALL of one branch per column, each branch excluding the rows of the branches
 * before it (`… AND (earlier) IS NOT TRUE`) so no row appears twice.
 */
export const detectOrAcrossColumns: Detector = async (ctx) => {
  const findings: Finding[] = [];
  for (const p of ctx.shape.predicates) {
    if (p.kind !== 'or' || p.source !== 'where') continue;
    const parts = disjunctsOf(p.node).map((d) => ctx.reader.classify(p.scope, d, 'where'));
    if (!parts.every((d) => SINGLE_COLUMN.has(d.kind) && d.columns.length === 1 && !d.onExpression)) continue;
    const aliases = new Set(parts.map((d) => d.columns[0]!.alias));
    if (aliases.size !== 1) continue;
    const alias = [...aliases][0]!;
    const columns = [...new Set(parts.map((d) => d.columns[0]!.column))];
    if (columns.length < 2) continue;
    const item = p.scope.from.find((f) => f.alias === alias);
    if (!item || item.kind !== 'table') continue;
    const table = ctx.catalog.table(item.name!);
    if (!table) continue;
    if (!ctx.plan.accesses.some((a) => a.alias === alias && (a.method === 'full-scan' || a.method === 'index-scan'))) continue;

    const fixes: Fix[] = [];
    const sargable = parts.every((d) => INDEXABLE.has(d.kind));
    const unindexed = columns.filter((c) => !isLeadingIndexed(table, c));
    if (sargable && unindexed.length > 0) {
      const ddl = unindexed.map((c) => createIndexSql(indexName(ctx.catalog, table.name, [c]), table.name, [ident(c)]));
      fixes.push({ type: 'or-across-columns', effect: 'same-rows', ddl, note: `indexes ${unindexed.map((c) => `${table.name}(${c})`).join(', ')} so the planner can combine one index per side of the OR` });
    }
    const union = unionAll(ctx, p.node);
    if (sargable && unindexed.length === 0 && union) fixes.push(union);

    findings.push({
      hint: hint(
        'or-across-columns',
        'warning',
        `${ctx.printExpr(p.node)} is an OR across ${columns.join(', ')}: no single index serves it, so ${table.name} is scanned.`,
        unindexed.length > 0 ? fixes[0]?.ddl.join('; ') || `index ${unindexed.join(', ')}` : 'split into a UNION ALL with one branch per column',
        ctx.printExpr(p.node),
      ),
      fixes,
    });
  }
  return findings;
};

/** The UNION ALL form of a single-table top-level query whose WHERE holds the OR. */
function unionAll(ctx: DetectContext, or: Node): Fix | undefined {
  const top = ctx.shape.top;
  const s = top.select;
  if (top.from.length !== 1 || isNode(s._next) || groupByOf(s).length > 0 || isDistinct(s) || orderByOf(s).length > 0) return undefined;
  if (limitOf(s).limit !== null || limitOf(s).offset !== null || Array.isArray(s.with)) return undefined;
  if (selectItems(s).some((i) => hasAggregate(i.expr) || hasWindow(i.expr))) return undefined;
  const rest = conjunctsOf(s.where).filter((c) => JSON.stringify(c) !== JSON.stringify(or));
  const branches = disjunctsOf(or);
  if (branches.length > 4) return undefined;
  const texts: string[] = [];
  for (let k = 0; k < branches.length; k++) {
    const part = clone(s);
    const conds = [...rest.map(clone), clone(branches[k]!)];
    part.where = makeAnd(conds) ?? null;
    let sql = ctx.print(part);
    if (k > 0) sql += ` AND (${branches.slice(0, k).map((b) => ctx.printExpr(b)).join(' OR ')}) IS NOT TRUE`;
    texts.push(sql);
  }
  let unionAst: Node;
  try {
    unionAst = parseSelect(texts.join(' UNION ALL '), ctx.dialect).ast;
  } catch {
    return undefined;
  }
  return {
    type: 'or-across-columns',
    effect: 'same-rows',
    ddl: [],
    note: `splits the OR into ${branches.length} UNION ALL branches, each able to use its column's index`,
    apply: (ast) => {
      for (const k of Object.keys(ast)) delete ast[k];
      Object.assign(ast, clone(unionAst));
      return true;
    },
  };
}
