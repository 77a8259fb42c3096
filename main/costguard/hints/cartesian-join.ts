import { groupByOf, hasAggregate, makeBinary, makeColumn, selectItems, type Node } from '../sql/ast.ts';
import type { FromItem, Scope } from '../sql/shape.ts';
import { addConjuncts, atPath, hint, ident, scopePath, type DetectContext, type Detector, type Finding } from './finding.ts';

/** A FROM item that yields at most one row (an aggregate without GROUP BY) joins without multiplying. */
function singleRow(item: FromItem): boolean {
  return item.kind === 'derived' && !!item.select && groupByOf(item.select).length === 0 && selectItems(item.select).some((i) => hasAggregate(i.expr));
}

function components(ctx: DetectContext, scope: Scope): FromItem[][] {
  const parent = new Map<string, string>();
  const find = (a: string): string => {
    const p = parent.get(a) ?? a;
    if (p === a) return a;
    const root = find(p);
    parent.set(a, root);
    return root;
  };
  const union = (a: string, b: string) => parent.set(find(a), find(b));
  const items = scope.from.filter((f) => !singleRow(f));
  for (const f of items) parent.set(f.alias, f.alias);
  for (const p of ctx.shape.predicates) {
    if (p.scope !== scope || p.aliases.length < 2) continue;
    for (const a of p.aliases.slice(1)) if (parent.has(a) && parent.has(p.aliases[0]!)) union(p.aliases[0]!, a);
  }
  scope.from.forEach((f, i) => {
    if (i > 0 && f.using && parent.has(f.alias) && parent.has(scope.from[i - 1]!.alias)) union(f.alias, scope.from[i - 1]!.alias);
  });
  const groups = new Map<string, FromItem[]>();
  for (const f of items) {
    const root = find(f.alias);
    groups.set(root, [...(groups.get(root) ?? []), f]);
  }
  return [...groups.values()];
}

/** A join condition between two FROM items from a foreign key, else from the `<table>_id` naming convention. */
function joinCondition(ctx: DetectContext, a: FromItem, b: FromItem): { left: [string, string]; right: [string, string]; why: string } | undefined {
  if (a.kind !== 'table' || b.kind !== 'table') return undefined;
  const ta = ctx.catalog.table(a.name!);
  const tb = ctx.catalog.table(b.name!);
  if (!ta || !tb) return undefined;
  for (const [x, tx, y, ty] of [
    [a, ta, b, tb],
    [b, tb, a, ta],
  ] as const) {
    const fk = tx.foreignKeys.find((f) => f.refTable === ty.name && f.columns.length === 1);
    if (fk) return { left: [x.alias, fk.columns[0]!], right: [y.alias, fk.refColumns[0]!], why: `foreign key ${tx.name}.${fk.columns[0]} → ${ty.name}.${fk.refColumns[0]}` };
  }
  for (const [x, tx, y, ty] of [
    [a, ta, b, tb],
    [b, tb, a, ta],
  ] as const) {
    const singular = ty.name.replace(/ies$/, 'y').replace(/s$/, '');
    const col = `${singular}_id`;
    const key = ty.rowidAlias ?? ty.primaryKey[0];
    if (tx.columns.includes(col) && key) return { left: [x.alias, col], right: [y.alias, key], why: `naming: ${tx.name}.${col} → ${ty.name}.${key}` };
  }
  return undefined;
}

/**
 * FROM items with no condition between them: every row of one is paired with every row of
 * the other. The fix adds the join condition a foreign key (or the `<table>_id` naming
 * convention) suggests — which changes the rows, and says so.
 */
export const detectCartesianJoin: Detector = async (ctx) => {
  const findings: Finding[] = [];
  for (const scope of ctx.shape.scopes) {
    if (scope.from.length < 2) continue;
    const groups = components(ctx, scope);
    if (groups.length < 2) continue;
    const names = groups.map((g) => g.map((f) => f.alias).join('+'));
    const rows = groups.map((g) => g.reduce((n, f) => n * (f.kind === 'table' ? (ctx.catalog.table(f.name!)?.rowCount ?? 1) : 1), 1));
    const product = rows.reduce((a, b) => a * b, 1);
    const conditions: Array<{ node: Node; text: string; why: string }> = [];
    for (let i = 1; i < groups.length; i++) {
      let found: ReturnType<typeof joinCondition>;
      for (const a of groups[0]!) {
        for (const b of groups[i]!) {
          found ??= joinCondition(ctx, a, b);
        }
      }
      if (!found) break;
      const node = makeBinary('=', makeColumn(ctx.dialect, found.left[0], found.left[1]), makeColumn(ctx.dialect, found.right[0], found.right[1]));
      conditions.push({ node, text: `${ident(found.left[0])}.${ident(found.left[1])} = ${ident(found.right[0])}.${ident(found.right[1])}`, why: found.why });
    }
    const path = scopePath(ctx, scope);
    const complete = conditions.length === groups.length - 1;
    findings.push({
      hint: hint(
        'cartesian-join',
        'critical',
        `${names.join(' and ')} are joined with no condition between them: every row is paired with every row (about ${Math.round(product)} combinations).`,
        complete ? `add the join condition: ${conditions.map((c) => c.text).join(' AND ')}` : 'add the condition that relates these tables (JOIN … ON …)',
        names.join(', '),
      ),
      fixes:
        complete && path
          ? [
              {
                type: 'cartesian-join',
                effect: 'changes-rows',
                ddl: [],
                note: `joins on ${conditions.map((c) => `${c.text} (${c.why})`).join(', ')} — check this is the relationship you meant`,
                apply: (ast) => {
                  const select = atPath(ast, path);
                  if (!select) return false;
                  addConjuncts(
                    select,
                    conditions.map((c) => structuredClone(c.node)),
                  );
                  return true;
                },
              },
            ]
          : [],
    });
  }
  return findings;
};
