import { isLeadingIndexed } from '../catalog.ts';
import { clone, columnName, functionArgs, functionName, isNode, literalValue, makeBinary, makeLiteral, type Node } from '../sql/ast.ts';
import type { Predicate } from '../sql/shape.ts';
import { atPath, hint, ident, indexName, replaceConjunct, scopePath, type Detector, type Finding, type Fix } from './finding.ts';

const COMPARISONS = new Set(['=', '<', '>', '<=', '>=', 'BETWEEN']);
const ARITHMETIC = new Set(['+', '-', '*', '/', '||']);

interface Wrapped {
  /** The expression around the column (function call, cast, arithmetic). */
  expr: Node;
  column: Node;
  /** The predicate's other side. */
  other: Node;
  /** True when the expression is on the left. */
  left: boolean;
}

/** The single column an expression wraps, when it wraps exactly one and nothing else varies. */
function wrappedColumn(expr: Node): Node | undefined {
  if (expr.type === 'function' || expr.type === 'aggr_func') {
    if (expr.type === 'aggr_func' || isNode(expr.over)) return undefined;
    const args = functionArgs(expr);
    const cols = args.filter((a) => a.type === 'column_ref' && columnName(a));
    const rest = args.filter((a) => !(a.type === 'column_ref' && columnName(a)));
    if (cols.length !== 1 || rest.some((a) => literalValue(a) === undefined)) return undefined;
    return cols[0];
  }
  if (expr.type === 'cast') return isNode(expr.expr) && expr.expr.type === 'column_ref' ? expr.expr : undefined;
  if (expr.type === 'binary_expr' && ARITHMETIC.has(String(expr.operator))) {
    const l = expr.left as Node;
    const r = expr.right as Node;
    if (l.type === 'column_ref' && columnName(l) && literalValue(r) !== undefined) return l;
    if (r.type === 'column_ref' && columnName(r) && literalValue(l) !== undefined && expr.operator !== '-' && expr.operator !== '/') return r;
  }
  return undefined;
}

function unwrap(p: Predicate): Wrapped | undefined {
  const n = p.node;
  if (n.type !== 'binary_expr' || !COMPARISONS.has(String(n.operator).toUpperCase())) return undefined;
  const l = n.left as Node;
  const r = n.right as Node;
  const isConst = (x: Node) => literalValue(x) !== undefined || (x.type === 'expr_list' && Array.isArray(x.value) && x.value.every((v: Node) => literalValue(v) !== undefined));
  if (isNode(l) && isConst(r)) {
    const column = wrappedColumn(l);
    if (column) return { expr: l, column, other: r, left: true };
  }
  if (isNode(r) && isConst(l) && String(n.operator).toUpperCase() !== 'BETWEEN') {
    const column = wrappedColumn(r);
    if (column) return { expr: r, column, other: l, left: false };
  }
  return undefined;
}

const DAY_MS = 86_400_000;

function nextDay(d: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(d)) return undefined;
  const t = Date.parse(`${d}T00:00:00.000Z`);
  return Number.isNaN(t) ? undefined : new Date(t + DAY_MS).toISOString().slice(0, 10);
}

/** The string just above every string starting with `s` (binary order), or undefined. */
function successor(s: string): string | undefined {
  if (s.length === 0) return undefined;
  const last = s.charCodeAt(s.length - 1);
  if (last >= 0xd7ff) return undefined;
  return s.slice(0, -1) + String.fromCharCode(last + 1);
}

/** Period [start, end) that a date-part equals, from `date(c) = 'D'`, `strftime('%Y', c) = 'Y'`, `strftime('%Y-%m', c) = 'Y-M'`. */
function period(fn: string, args: Node[], value: unknown): [string, string] | undefined {
  if (typeof value !== 'string') return undefined;
  if (fn === 'date' && args.length === 1) {
    const next = nextDay(value);
    return next ? [value, next] : undefined;
  }
  if (fn === 'strftime' && args.length === 2) {
    const format = literalValue(args[0]!)?.value;
    if (format === '%Y' && /^\d{4}$/.test(value)) return [`${value}-01-01`, `${Number(value) + 1}-01-01`];
    if (format === '%Y-%m' && /^\d{4}-\d{2}$/.test(value)) {
      const [y, m] = value.split('-').map(Number) as [number, number];
      const ny = m === 12 ? y + 1 : y;
      const nm = m === 12 ? 1 : m + 1;
      return [`${value}-01`, `${ny}-${String(nm).padStart(2, '0')}-01`];
    }
    if (format === '%Y-%m-%d') {
      const next = nextDay(value);
      return next ? [value, next] : undefined;
    }
  }
  return undefined;
}

/** The same predicate on the bare column, when there is one that keeps the rows. */
function sargable(w: Wrapped, op: string): Node[] | undefined {
  const col = clone(w.column);
  const upper = op.toUpperCase();
  const e = w.expr;
  const values = w.other.type === 'expr_list' ? (w.other.value as Node[]).map((v) => literalValue(v)?.value) : [literalValue(w.other)?.value];
  if (!w.left && upper !== '=') return undefined;
  if (e.type === 'function') {
    const fn = String((e.name?.name ?? []).map((n: Node) => n.value).join('.')).toLowerCase();
    const args = functionArgs(e);
    if (upper === 'BETWEEN') {
      const a = period(fn, args, values[0]);
      const b = period(fn, args, values[1]);
      return a && b ? [makeBinary('>=', col, makeLiteral(a[0])), makeBinary('<', clone(col), makeLiteral(b[1]))] : undefined;
    }
    const p = period(fn, args, values[0]);
    if (p) {
      if (upper === '=') return [makeBinary('>=', col, makeLiteral(p[0])), makeBinary('<', clone(col), makeLiteral(p[1]))];
      if (upper === '>=') return [makeBinary('>=', col, makeLiteral(p[0]))];
      if (upper === '>') return [makeBinary('>=', col, makeLiteral(p[1]))];
      if (upper === '<') return [makeBinary('<', col, makeLiteral(p[0]))];
      if (upper === '<=') return [makeBinary('<', col, makeLiteral(p[1]))];
    }
    // substr(c, 1, k) = 's' (k = length of s): a prefix, i.e. a range of the column.
    if ((fn === 'substr' || fn === 'substring' || fn === 'left') && upper === '=' && typeof values[0] === 'string') {
      const nums = args.slice(1).map((a) => literalValue(a)?.value);
      const k = fn === 'left' ? nums[0] : nums[0] === 1 ? nums[1] : undefined;
      const hi = successor(values[0]);
      if (k === values[0].length && hi) return [makeBinary('>=', col, makeLiteral(values[0])), makeBinary('<', clone(col), makeLiteral(hi))];
    }
    return undefined;
  }
  if (e.type === 'binary_expr' && (e.operator === '+' || e.operator === '-') && typeof values[0] === 'number' && upper !== 'BETWEEN') {
    const k = literalValue(e.operator === '+' && (e.left as Node).type !== 'column_ref' ? (e.left as Node) : (e.right as Node))?.value;
    if (typeof k !== 'number') return undefined;
    const solved = e.operator === '+' ? values[0] - k : values[0] + k;
    return [makeBinary(op, col, makeLiteral(solved))];
  }
  return undefined;
}

function stripQualifiers(n: Node): Node {
  const out = clone(n);
  const visit = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (isNode(v)) {
      if (v.type === 'column_ref') v.table = null;
      Object.values(v).forEach(visit);
    }
  };
  visit(out);
  return out;
}

/**
 * A predicate on a function of an indexed column (`lower(email) = …`, `date(created_at) =
 * …`, `customer_id + 0 = …`): the index is on the column, not on the function, so the plan
 * scans. Where an equivalent predicate on the bare column exists (a date or prefix range,
 * solved arithmetic), the fix rewrites to it; otherwise it suggests an index on the
 * expression. Both are verified on the scratch copy.
 */
export const detectFunctionOnColumn: Detector = async (ctx) => {
  const findings: Finding[] = [];
  for (const p of ctx.shape.predicates) {
    if (!p.onExpression) continue;
    const w = unwrap(p);
    if (!w) continue;
    const r = ctx.reader.resolve(p.scope, w.column);
    if (!r || r.item.kind !== 'table' || r.scope !== p.scope) continue;
    const table = ctx.catalog.table(r.item.name!);
    if (!table || !isLeadingIndexed(table, r.column)) continue;
    const scans = ctx.plan.accesses.some((a) => a.alias === r.item.alias && (a.method === 'full-scan' || a.method === 'index-scan'));
    if (!scans) continue;
    const exprText = ctx.printExpr(stripQualifiers(w.expr));
    if (table.indexes.some((i) => i.expressions.some((x) => x.replace(/["\s]/g, '').toLowerCase() === exprText.replace(/["\s]/g, '').toLowerCase()))) continue;
    const predText = ctx.printExpr(p.node);
    const fixes: Fix[] = [];
    const path = scopePath(ctx, p.scope);
    const replacement = sargable(w, String(p.node.operator));
    if (replacement && path && p.source === 'where') {
      const text = replacement.map((x) => ctx.printExpr(x)).join(' AND ');
      fixes.push({
        type: 'function-on-indexed-column',
        effect: 'same-rows',
        ddl: [],
        note: `compares the bare column: ${text}`,
        apply: (ast) => {
          const select = atPath(ast, path);
          return select ? replaceConjunct(select, p.node, replacement.map(clone)) : false;
        },
      });
    }
    const name = indexName(ctx.catalog, table.name, [functionName(w.expr) ?? 'expr', r.column]);
    const keyText = w.expr.type === 'function' || ctx.dialect === 'sqlite' ? exprText : `(${exprText})`;
    const ddl = `CREATE INDEX ${ident(name)} ON ${ident(table.name)} (${keyText})`;
    fixes.push({ type: 'function-on-indexed-column', effect: 'same-rows', ddl: [ddl], note: `adds index ${name} on ${table.name}(${exprText})` });
    const suggested = replacement ? replacement.map((x) => ctx.printExpr(x)).join(' AND ') : ddl;
    findings.push({
      hint: hint(
        'function-on-indexed-column',
        'warning',
        `${predText} wraps the indexed column ${r.column} in ${exprText.replace(/\(.*$/, '(…)')}, so the index on ${r.column} cannot be used and ${table.name} is scanned.`,
        suggested,
        ctx.printExpr(w.expr),
      ),
      fixes,
    });
  }
  return findings;
};
