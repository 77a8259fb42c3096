import {
  clone,
  columnName,
  containsSubquery,
  groupByOf,
  hasWindow,
  isNode,
  isStarColumn,
  limitOf,
  makeBinary,
  makeColumn,
  selectItems,
  selectOf,
  type Node,
} from '../sql/ast.ts';
import { groupColumns, type FromItem, type Predicate, type Scope } from '../sql/shape.ts';
import { addConjuncts, atPath, hint, pathTo, type DetectContext, type Detector, type Finding, type Fix } from './finding.ts';

const PUSHABLE = new Set(['eq', 'in', 'range', 'between', 'like-prefix', 'null']);
const NULL_SUPPLYING = /^(LEFT|FULL)/;

/** The inner select item a column of a derived table / CTE / view stands for, when it is a plain column. */
function innerExpression(ctx: DetectContext, item: FromItem, column: string): Node | undefined {
  const inner = item.select!;
  const innerScope = ctx.reader.scopeFor(inner, 'derived', null, null);
  for (const si of selectItems(inner)) {
    const expr = si.expr as Node;
    if (!isNode(expr)) continue;
    if (isStarColumn(expr)) {
      const owners = innerScope.from.filter((f) => ctx.reader.columnsOf(f).includes(column));
      if (owners.length === 1) return makeColumn(ctx.dialect, innerScope.from.length > 1 ? owners[0]!.alias : null, column);
      continue;
    }
    const out = typeof si.as === 'string' ? si.as.toLowerCase() : columnName(expr)?.toLowerCase();
    if (out !== column) continue;
    return expr.type === 'column_ref' && columnName(expr) ? expr : undefined;
  }
  return undefined;
}

/** Pushing a filter into `item`'s body keeps its rows the same only when the body does not limit, window, or group by other columns. */
function pushableInto(ctx: DetectContext, item: FromItem, columns: string[]): boolean {
  const inner = item.select;
  if (!inner || isNode(inner._next)) return false;
  const l = limitOf(inner);
  if (l.limit !== null || l.dynamic || (l.offset !== null && l.offset !== 0)) return false;
  if (selectItems(inner).some((i) => hasWindow(i.expr))) return false;
  if (groupByOf(inner).length > 0) {
    const innerScope = ctx.reader.scopeFor(inner, 'derived', null, null);
    const grouped = groupColumns(ctx.reader, innerScope);
    for (const c of columns) {
      const expr = innerExpression(ctx, item, c);
      const r = expr ? ctx.reader.resolve(innerScope, expr) : undefined;
      if (!r || !grouped.some((g) => g.alias === r.item.alias && g.column === r.column)) return false;
    }
  }
  return true;
}

/** Replaces the column references to `item` in a predicate with the body's own expressions. */
function translate(ctx: DetectContext, scope: Scope, item: FromItem, pred: Node): Node | undefined {
  let ok = true;
  const map = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(map);
    if (!isNode(v)) return v;
    if (selectOf(v)) {
      ok = false;
      return v;
    }
    if (v.type === 'column_ref' && columnName(v)) {
      const r = ctx.reader.resolve(scope, v);
      if (r?.item !== item) return v;
      const inner = innerExpression(ctx, item, r.column);
      if (!inner) ok = false;
      return inner ? clone(inner) : v;
    }
    const out: Node = {};
    for (const [k, x] of Object.entries(v)) out[k] = map(x);
    return out;
  };
  const res = map(pred) as Node;
  return ok ? res : undefined;
}

function cteReferences(ctx: DetectContext, name: string): number {
  return ctx.shape.scopes.reduce((n, s) => n + s.from.filter((f) => f.kind === 'cte' && f.name === name).length, 0);
}

interface Candidate {
  item: FromItem;
  scope: Scope;
  /** The predicates as the body should see them. */
  inner: Node[];
  /** For the message: the outer predicates they come from. */
  outer: Node[];
}

function candidates(ctx: DetectContext): Candidate[] {
  const out: Candidate[] = [];
  const push = (item: FromItem, scope: Scope, inner: Node, outer: Node) => {
    const existing = out.find((c) => c.item === item);
    const key = JSON.stringify(inner);
    if (existing) {
      if (!existing.inner.some((n) => JSON.stringify(n) === key)) {
        existing.inner.push(inner);
        existing.outer.push(outer);
      }
    } else out.push({ item, scope, inner: [inner], outer: [outer] });
  };
  for (const scope of ctx.shape.scopes) {
    const items = scope.from;
    items.forEach((item, i) => {
      if ((item.kind !== 'derived' && item.kind !== 'cte' && item.kind !== 'view') || !item.select) return;
      if (item.kind === 'cte' && cteReferences(ctx, item.name!) !== 1) return;
      // A later RIGHT/FULL join makes this item null-supplying.
      if (items.slice(i + 1).some((f) => /^(RIGHT|FULL)/.test(f.join ?? ''))) return;
      const nullSupplying = NULL_SUPPLYING.test(item.join ?? '');
      const preds = ctx.shape.predicates.filter((p) => p.scope === scope);
      // (a) a filter on the item's own columns
      if (!nullSupplying) {
        for (const p of preds) {
          if (p.source !== 'where' || !PUSHABLE.has(p.kind) || p.onExpression || containsSubquery(p.node)) continue;
          if (p.aliases.length !== 1 || p.aliases[0] !== item.alias) continue;
          if (!pushableInto(ctx, item, p.columns.map((c) => c.column))) continue;
          const inner = translate(ctx, scope, item, p.node);
          if (inner) push(item, scope, inner, p.node);
        }
      }
      // (b) a filter on the other side of an equality join: x.c = literal and item.k = x.c give item.k = literal
      for (const j of preds) {
        if (j.kind !== 'join-eq' || j.aliases.length !== 2 || !j.aliases.includes(item.alias)) continue;
        if (nullSupplying && !(j.source === 'on' && item.on && JSON.stringify(item.on).includes(JSON.stringify(j.node)))) continue;
        const mine = j.columns.find((c) => c.alias === item.alias);
        const theirs = j.columns.find((c) => c.alias !== item.alias);
        if (!mine || !theirs) continue;
        for (const p of preds) {
          if (p.source !== 'where' || (p.kind !== 'eq' && p.kind !== 'in') || p.onExpression || p.aliases.length !== 1 || p.aliases[0] !== theirs.alias) continue;
          if (p.columns.length !== 1 || p.columns[0]!.column !== theirs.column) continue;
          if (!pushableInto(ctx, item, [mine.column])) continue;
          const innerCol = innerExpression(ctx, item, mine.column);
          if (!innerCol) continue;
          const derived = substituteColumn(p, clone(innerCol));
          if (derived) push(item, scope, derived, p.node);
        }
      }
    });
  }
  return out;
}

/** `x.c = 5` with x.c replaced by `col`: the same comparison on the other side of the join. */
function substituteColumn(p: Predicate, col: Node): Node | undefined {
  const n = clone(p.node);
  if (n.type !== 'binary_expr') return undefined;
  if (n.left?.type === 'column_ref') return makeBinary(n.operator, col, n.right);
  if (n.right?.type === 'column_ref') return makeBinary(n.operator, n.left, col);
  return undefined;
}

/** The edit that pushes the candidate's filters into its body (or inlines the view with them). */
function editFor(c: Candidate, ctx: DetectContext): ((ast: Node) => boolean) | undefined {
  if (c.item.kind === 'view') {
    const entryPath = pathTo(ctx.parsed.ast, c.item.node);
    if (!entryPath) return undefined;
    return (ast) => {
      const entry = atPath(ast, entryPath);
      if (!entry || typeof entry.table !== 'string') return false;
      const body = clone(c.item.select!);
      addConjuncts(body, c.inner.map(clone));
      for (const k of Object.keys(entry)) delete entry[k];
      Object.assign(entry, { expr: { ast: body, parentheses: true }, as: c.item.alias, ...(c.item.join ? { join: c.item.join, on: c.item.on, ...(c.item.using ? { using: c.item.node.using } : {}) } : {}) });
      return true;
    };
  }
  const bodyPath = pathTo(ctx.parsed.ast, c.item.select);
  if (!bodyPath) return undefined;
  return (ast) => {
    const body = atPath(ast, bodyPath);
    if (!body || body.type !== 'select') return false;
    addConjuncts(body, c.inner.map(clone));
    return true;
  };
}

function describeItem(c: Candidate): string {
  return c.item.kind === 'view' ? `view ${c.item.name}` : c.item.kind === 'cte' ? `CTE ${c.item.name}` : `subquery ${c.item.alias}`;
}

/**
 * A filter outside a subquery, CTE or view that the planner did not push inside it: the
 * body reads everything, the filter comes later. Found by planning the pushed-down query:
 * the hint appears only when pushing makes the real plan cheaper (when the planner already
 * pushes it down, the plans are the same and nothing is said). The fix adds the filter to
 * the body (or inlines the view with it) — only where that cannot change the rows: no
 * LIMIT, window or unrelated GROUP BY inside, not the null side of an outer join, a CTE
 * used once.
 */
export const detectPushdown: Detector = async (ctx) => {
  const findings: Finding[] = [];
  for (const c of candidates(ctx)) {
    const edit = editFor(c, ctx);
    if (!edit) continue;
    const probe = clone(ctx.parsed.ast);
    if (!edit(probe)) continue;
    const plan = await ctx.planOf(ctx.print(probe));
    if (!plan || !(plan.cost < ctx.plan.cost * 0.95)) continue;
    const what = describeItem(c);
    const condition = c.inner.map((n) => ctx.printExpr(n)).join(' AND ');
    const fix: Fix = {
      type: 'predicate-pushdown',
      effect: 'same-rows',
      ddl: [],
      note: c.item.kind === 'view' ? `inlines ${what} and filters inside it (${condition})` : `filters inside ${what} (${condition}) so it reads only the rows it needs`,
      apply: edit,
    };
    findings.push({
      hint: hint(
        'predicate-pushdown',
        'warning',
        `The filter ${c.outer.map((n) => ctx.printExpr(n)).join(' AND ')} is applied after ${what} has read all its rows; inside it the plan would cost ${Math.round(plan.cost)} instead of ${Math.round(ctx.plan.cost)}.`,
        `move ${c.inner.map((n) => ctx.printExpr(n)).join(' AND ')} into the ${what}`,
        c.outer.map((n) => ctx.printExpr(n)).join(' AND '),
      ),
      fixes: [fix],
    });
  }
  return findings;
};

