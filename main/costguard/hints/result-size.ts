import { isUniqueColumn } from '../catalog.ts';
import {
  clone,
  groupByOf,
  hasAggregate,
  isDistinct,
  isNode,
  limitOf,
  makeBinary,
  makeColumn,
  makeLimit,
  makeLiteral,
  makeRow,
  makeSelectItem,
  orderByOf,
  selectItems,
  type Node,
} from '../sql/ast.ts';
import { addConjuncts, hint, ident, type Detector, type Fix } from './finding.ts';

/** The last part of a compound query: where the parser keeps the query's ORDER BY and LIMIT. */
export function lastPart(select: Node): Node {
  let s = select;
  while (isNode(s._next)) s = s._next;
  return s;
}

const fmtRows = (n: number) => (n >= 100 ? String(Math.round(n)) : n.toFixed(1).replace(/\.0$/, ''));

/**
 * No LIMIT on a query the plan expects to return many rows: the caller receives (and
 * usually renders) all of them. The fix adds a LIMIT — which changes what is returned,
 * and says so.
 */
export const detectUnboundedResult: Detector = async (ctx) => {
  const last = lastPart(ctx.shape.top.select);
  const l = limitOf(last);
  if (l.limit !== null || l.dynamic) return [];
  if (ctx.plan.rows <= ctx.options.unboundedRows) return [];
  const n = ctx.options.defaultLimit;
  const ordered = orderByOf(last).length > 0;
  const fix: Fix = {
    type: 'unbounded-result',
    effect: 'changes-rows',
    ddl: [],
    note: `returns at most ${n} rows${ordered ? '' : ' (add an ORDER BY on a key to say which ones)'} instead of about ${fmtRows(ctx.plan.rows)}`,
    apply: (ast) => {
      const target = lastPart(ast);
      if (limitOf(target).limit !== null) return false;
      target.limit = makeLimit(n);
      return true;
    },
  };
  return [
    {
      hint: hint(
        'unbounded-result',
        ctx.plan.rows > ctx.options.unboundedRows * 20 ? 'critical' : 'warning',
        `No LIMIT: the plan expects about ${fmtRows(ctx.plan.rows)} rows, all sent to the caller.`,
        `… ${ordered ? '' : 'ORDER BY <key> '}LIMIT ${n}`,
        null,
      ),
      fixes: [fix],
    },
  ];
};

interface KeyColumn {
  alias: string | null;
  column: string;
  desc: boolean;
}

/**
 * A large OFFSET: the database reads and throws away every skipped row, so each page costs
 * more than the one before. The fix pages by key (a keyset cursor): `WHERE (k1, k2) > (last
 * row of the previous page) ORDER BY k1, k2 LIMIT n`, with the cursor taken from the scratch
 * data. It returns the page after the cursor row — a different query, and the fix says so.
 */
export const detectOffsetPaging: Detector = async (ctx) => {
  const top = ctx.shape.top;
  const select = top.select;
  const l = limitOf(select);
  if (l.offset === null || l.offset < ctx.options.offsetThreshold || isNode(select._next)) return [];
  const message = `OFFSET ${l.offset} makes the database read and discard ${l.offset} rows before it returns ${l.limit ?? 'the rest'}; deeper pages cost more.`;
  const suggested = 'WHERE (<order key>, <id>) > (<last row of the previous page>) ORDER BY <order key>, <id> LIMIT <page size>';
  const finding = { hint: hint('offset-paging', l.offset >= 1000 ? 'critical' : 'warning', message, suggested, `OFFSET ${l.offset}`), fixes: [] as Fix[] };

  // Keyset paging needs one table, plain ORDER BY columns in one direction, and a unique tail.
  if (top.from.length !== 1 || top.from[0]!.kind !== 'table' || groupByOf(select).length > 0 || isDistinct(select)) return [finding];
  if (selectItems(select).some((i) => hasAggregate(i.expr)) || l.dynamic || l.limit === null) return [finding];
  const item = top.from[0]!;
  const table = ctx.catalog.table(item.name!);
  if (!table) return [finding];
  const keys: KeyColumn[] = [];
  for (const o of orderByOf(select)) {
    const expr = o.expr as Node;
    const r = expr.type === 'column_ref' ? ctx.reader.resolve(top, expr) : undefined;
    if (!r || r.item !== item) return [finding];
    keys.push({ alias: typeof expr.table === 'string' ? expr.table : null, column: r.column, desc: String(o.type ?? '').toUpperCase() === 'DESC' });
  }
  if (new Set(keys.map((k) => k.desc)).size > 1) return [finding];
  const desc = keys[0]?.desc ?? false;
  const pk = table.rowidAlias ?? (table.primaryKey.length === 1 ? table.primaryKey[0]! : undefined);
  if (!keys.some((k) => isUniqueColumn(table, k.column))) {
    if (!pk) return [finding];
    keys.push({ alias: keys[0]?.alias ?? null, column: pk, desc });
  }
  const keyList = keys.map((k) => ident(k.column)).join(', ');
  finding.hint.suggested = `WHERE (${keyList}) ${desc ? '<' : '>'} (<last row of the previous page>) ORDER BY ${keys.map((k) => `${ident(k.column)}${desc ? ' DESC' : ''}`).join(', ')} LIMIT ${l.limit}`;
  finding.fixes.push({
    type: 'offset-paging',
    effect: 'changes-rows',
    ddl: [],
    note: `pages by key (${keyList}) from a cursor instead of skipping ${l.offset} rows; the cursor here is the last row of the previous page in the demo data — pass your own`,
    apply: async (ast, fctx) => {
      if (!fctx.scratch.hasData || limitOf(ast).offset !== l.offset) return false;
      // The cursor: the last row of the previous page.
      const probe = clone(ast);
      probe.columns = keys.map((k) => makeSelectItem(ctx.dialect, makeColumn(ctx.dialect, k.alias, k.column)));
      probe.orderby = keys.map((k) => ({ expr: makeColumn(ctx.dialect, k.alias, k.column), type: k.desc ? 'DESC' : 'ASC' }));
      probe.limit = makeLimit(1, l.offset! - 1);
      const res = await fctx.scratch.rows(fctx.print(probe), 1);
      if (res === 'over-cap' || res.rows.length !== 1) return false;
      const values = res.rows[0]!.map((v) => (typeof v === 'number' || typeof v === 'string' || v === null ? v : String(v)));
      if (values.some((v) => v === null)) return false;
      const cols = keys.map((k) => makeColumn(ctx.dialect, k.alias, k.column));
      const lits = values.map((v) => makeLiteral(v));
      const cond = cols.length === 1 ? makeBinary(desc ? '<' : '>', cols[0]!, lits[0]!) : makeBinary(desc ? '<' : '>', makeRow(cols), makeRow(lits));
      addConjuncts(ast, [cond]);
      ast.orderby = keys.map((k) => ({ expr: makeColumn(ctx.dialect, k.alias, k.column), type: k.desc ? 'DESC' : 'ASC' }));
      ast.limit = makeLimit(l.limit!);
      return true;
    },
  });
  return [finding];
};

