import { functionName, groupByOf, hasAggregate, isDistinct, isNode, limitOf, makeColumn, orderByOf, selectItems, type Node } from '../sql/ast.ts';
import { parseSelect } from '../sql/parse.ts';
import { addConjuncts, hint, ident, type Detector, type Finding, type Fix } from './finding.ts';

function isRandomCall(expr: unknown): boolean {
  return isNode(expr) && expr.type === 'function' && ['random', 'rand'].includes(functionName(expr) ?? '');
}

/**
 * `ORDER BY random()`: to pick a few rows the database numbers and sorts every row. For
 * a table with an integer key, the fix jumps to a random key and reads the next rows in
 * key order — a different (and not uniformly random) sample, as the fix says.
 */
export const detectOrderByRandom: Detector = async (ctx) => {
  const findings: Finding[] = [];
  for (const scope of ctx.shape.scopes) {
    const order = orderByOf(scope.select);
    if (!order.some((o) => isRandomCall(o.expr))) continue;
    const fixes: Fix[] = [];
    const l = limitOf(scope.select);
    const item = scope.from[0];
    const table = item?.kind === 'table' ? ctx.catalog.table(item.name!) : undefined;
    const key = table?.rowidAlias ?? (table && table.primaryKey.length === 1 && /int/i.test(table.columnTypes[table.primaryKey[0]!] ?? '') ? table.primaryKey[0]! : undefined);
    const simple = scope === ctx.shape.top && scope.from.length === 1 && groupByOf(scope.select).length === 0 && !isDistinct(scope.select) && !selectItems(scope.select).some((i) => hasAggregate(i.expr));
    if (simple && key && item && table && l.limit !== null && !l.dynamic && order.length === 1 && !isNode(scope.select._next)) {
      const qualifier = item.alias !== table.name ? item.alias : null;
      const keyRef = `${qualifier ? `${ident(qualifier)}.` : ''}${ident(key)}`;
      const max = `(SELECT max(${ident(key)}) FROM ${ident(table.name)})`;
      const start = ctx.dialect === 'postgres' ? `floor(random() * (${max} + 1))` : `abs(random()) % (${max} + 1)`;
      let condition: Node | undefined;
      try {
        condition = parseSelect(`SELECT 1 FROM ${ident(table.name)}${qualifier ? ` AS ${ident(qualifier)}` : ''} WHERE ${keyRef} >= ${start}`, ctx.dialect).ast.where as Node;
      } catch {
        condition = undefined;
      }
      if (condition) {
        const cond = condition;
        fixes.push({
          type: 'order-by-random',
          effect: 'changes-rows',
          ddl: [],
          note: `starts at a random ${key} and returns the next ${l.limit} rows in ${key} order: a contiguous, not uniformly random, sample`,
          apply: (ast) => {
            if (!orderByOf(ast).some((o) => isRandomCall(o.expr))) return false;
            addConjuncts(ast, [structuredClone(cond)]);
            ast.orderby = [{ expr: makeColumn(ctx.dialect, qualifier, key), type: 'ASC' }];
            return true;
          },
        });
      }
    }
    findings.push({
      hint: hint(
        'order-by-random',
        'warning',
        `ORDER BY random() numbers and sorts every row${item?.name ? ` of ${item.name}` : ''} to return ${l.limit ?? 'them all'}.`,
        key ? `WHERE ${ident(key)} >= <random key> ORDER BY ${ident(key)} LIMIT ${l.limit ?? 'n'}` : 'sample by a random key range, or TABLESAMPLE on PostgreSQL',
        'random()',
      ),
      fixes,
    });
  }
  return findings;
};
