/**
 * Reading and building node-sql-parser ASTs. The parser's types are loose and differ
 * between its SQLite and PostgreSQL grammars (a column is `"a"` in one and
 * `{expr: {value: "a"}}` in the other; a CTE body is `{ast}` in one and the select itself
 * in the other); every other module reads the AST only through these helpers.
 */

// The parser's AST is untyped JSON; one loose node type keeps that looseness in one place.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Node = { type?: string; [key: string]: any };

export type SqlDialect = 'sqlite' | 'postgres';

export function isNode(v: unknown): v is Node {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A column reference's name, or undefined when the node is not a plain column (or is `*`). */
export function columnName(ref: Node): string | undefined {
  if (ref.type !== 'column_ref') return undefined;
  const c = ref.column;
  const name = typeof c === 'string' ? c : isNode(c) && isNode(c.expr) ? c.expr.value : undefined;
  return typeof name === 'string' && name !== '*' ? name : undefined;
}

/** A column reference's qualifier (`o` in `o.id`), or null. */
export function columnQualifier(ref: Node): string | null {
  const t = ref.table;
  if (typeof t === 'string') return t;
  if (isNode(t) && typeof t.value === 'string') return t.value;
  return null;
}

export function isStarColumn(ref: Node): boolean {
  return ref.type === 'column_ref' && ref.column === '*';
}

/** The select inside a subquery wrapper (`{ast}`), or the node itself when it is a select. */
export function selectOf(v: unknown): Node | undefined {
  if (!isNode(v)) return undefined;
  if (v.type === 'select') return v;
  if (isNode(v.ast) && v.ast.type === 'select') return v.ast;
  return undefined;
}

/** Lower-case function name of a `function` node (`lower`, `date`, …). */
export function functionName(fn: Node): string | undefined {
  if (fn.type === 'function') {
    const parts = fn.name?.name;
    if (Array.isArray(parts) && parts.length > 0) return String(parts[parts.length - 1]?.value ?? '').toLowerCase();
    if (typeof fn.name === 'string') return fn.name.toLowerCase();
  }
  if (fn.type === 'aggr_func' || fn.type === 'window_func') return String(fn.name).toLowerCase();
  return undefined;
}

export function functionArgs(fn: Node): Node[] {
  const args = fn.args;
  if (isNode(args) && Array.isArray(args.value)) return args.value.filter(isNode);
  if (isNode(args) && isNode(args.expr)) return [args.expr];
  return [];
}

/** A literal's value, when the node is one: numbers as numbers, strings unescaped. */
export function literalValue(n: Node): { value: string | number | boolean | null } | undefined {
  switch (n.type) {
    case 'number':
      return { value: Number(n.value) };
    case 'single_quote_string':
    case 'string':
      // The parser keeps the SQL body of the literal: '' stays doubled.
      return { value: String(n.value).replaceAll("''", "'") };
    case 'bool':
    case 'boolean':
      return { value: Boolean(n.value) };
    case 'null':
      return { value: null };
    default:
      return undefined;
  }
}

export function isLiteral(n: Node): boolean {
  return literalValue(n) !== undefined;
}

// ---- building nodes ----

export function makeColumn(dialect: SqlDialect, qualifier: string | null, name: string): Node {
  return { type: 'column_ref', table: qualifier, column: dialect === 'sqlite' ? name : { expr: { type: 'default', value: name } } };
}

export function makeLiteral(value: string | number | null): Node {
  if (value === null) return { type: 'null', value: null };
  if (typeof value === 'number') return { type: 'number', value };
  return { type: 'single_quote_string', value: value.replaceAll("'", "''") };
}

export function makeBinary(operator: string, left: Node, right: Node): Node {
  return { type: 'binary_expr', operator, left, right };
}

/** AND of the given conjuncts (undefined for none). */
export function makeAnd(conjuncts: readonly Node[]): Node | undefined {
  if (conjuncts.length === 0) return undefined;
  return conjuncts.slice(1).reduce((acc, c) => makeBinary('AND', acc, c), conjuncts[0]!);
}

export function makeRow(items: Node[]): Node {
  return { type: 'expr_list', value: items, parentheses: true };
}

export function makeLimit(count: number, offset?: number): Node {
  return offset === undefined
    ? { seperator: '', value: [{ type: 'number', value: count }] }
    : { seperator: 'offset', value: [{ type: 'number', value: count }, { type: 'number', value: offset }] };
}

/** A select-list item. */
export function makeSelectItem(dialect: SqlDialect, expr: Node, as: string | null = null): Node {
  return dialect === 'postgres' ? { type: 'expr', expr, as } : { expr, as };
}

export function clone<T>(v: T): T {
  return structuredClone(v);
}

// ---- reading clauses ----

/** WHERE (or any boolean) split on top-level AND. Parenthesised ANDs are split too. */
export function conjunctsOf(expr: Node | null | undefined): Node[] {
  if (!isNode(expr)) return [];
  if (expr.type === 'binary_expr' && String(expr.operator).toUpperCase() === 'AND') return [...conjunctsOf(expr.left), ...conjunctsOf(expr.right)];
  return [expr];
}

/** OR split on top level. */
export function disjunctsOf(expr: Node): Node[] {
  if (expr.type === 'binary_expr' && String(expr.operator).toUpperCase() === 'OR') return [...disjunctsOf(expr.left), ...disjunctsOf(expr.right)];
  return [expr];
}

export interface LimitClause {
  limit: number | null;
  offset: number | null;
  /** True when LIMIT/OFFSET hold something other than number literals (parameters, expressions). */
  dynamic: boolean;
}

/** LIMIT and OFFSET as numbers; `LIMIT a, b` (SQLite) means OFFSET a LIMIT b. */
export function limitOf(select: Node): LimitClause {
  const l = select.limit;
  if (!isNode(l) || !Array.isArray(l.value) || l.value.length === 0) return { limit: null, offset: null, dynamic: false };
  const nums = (l.value as Node[]).map((v) => (v.type === 'number' ? Number(v.value) : NaN));
  const dynamic = nums.some((n) => Number.isNaN(n));
  let limit: number | null;
  let offset: number | null;
  if (l.seperator === ',') [offset, limit] = [nums[0] ?? null, nums[1] ?? null];
  else if (l.seperator === 'offset') [limit, offset] = [nums[0] ?? null, nums[1] ?? null];
  else if (nums.length === 1 && /^\s*$/.test(String(l.seperator ?? ''))) [limit, offset] = [nums[0] ?? null, null];
  else [limit, offset] = [nums[0] ?? null, nums[1] ?? null];
  // SQLite: a negative LIMIT means no limit.
  if (limit !== null && !Number.isNaN(limit) && limit < 0) limit = null;
  return { limit: limit !== null && Number.isNaN(limit) ? null : limit, offset: offset !== null && Number.isNaN(offset) ? null : offset, dynamic };
}

/** Visits an expression tree depth-first; subqueries are reported, not entered. */
export function walkExpression(expr: Node | null | undefined, visit: (n: Node) => void, onSubquery?: (select: Node) => void): void {
  if (!isNode(expr)) return;
  const sub = selectOf(expr);
  if (sub) {
    onSubquery?.(sub);
    return;
  }
  visit(expr);
  for (const [key, v] of Object.entries(expr)) {
    if (key === 'loc') continue;
    const items = Array.isArray(v) ? v : [v];
    for (const item of items) {
      if (!isNode(item)) continue;
      const s = selectOf(item);
      if (s) onSubquery?.(s);
      else walkExpression(item, visit, onSubquery);
    }
  }
}

/** Column references inside an expression (not inside its subqueries). */
export function columnRefsIn(expr: Node | null | undefined): Node[] {
  const refs: Node[] = [];
  walkExpression(expr, (n) => {
    if (n.type === 'column_ref' && columnName(n) !== undefined) refs.push(n);
  });
  return refs;
}

export function containsSubquery(expr: Node | null | undefined): boolean {
  let found = false;
  walkExpression(expr, () => {}, () => (found = true));
  return found;
}

export function hasAggregate(expr: Node | null | undefined): boolean {
  let found = false;
  walkExpression(expr, (n) => {
    if (n.type === 'aggr_func' && !isNode(n.over)) found = true;
  });
  return found;
}

export function hasWindow(expr: Node | null | undefined): boolean {
  let found = false;
  walkExpression(expr, (n) => {
    if (n.type === 'window_func' || (isNode(n.over) && (n.type === 'function' || n.type === 'aggr_func'))) found = true;
  });
  return found;
}

/** The select-list entries (the parser uses the string '*' for a bare `SELECT *` in some grammars). */
export function selectItems(select: Node): Node[] {
  const cols = select.columns;
  if (cols === '*') return [{ expr: { type: 'column_ref', table: null, column: '*' }, as: null }];
  return Array.isArray(cols) ? cols.filter(isNode) : [];
}

export function groupByOf(select: Node): Node[] {
  const g = select.groupby;
  if (Array.isArray(g)) return g.filter(isNode);
  if (isNode(g) && Array.isArray(g.columns)) return g.columns.filter(isNode);
  return [];
}

export function isDistinct(select: Node): boolean {
  const d = select.distinct;
  if (typeof d === 'string') return d.toUpperCase() === 'DISTINCT';
  return isNode(d) && typeof d.type === 'string' && d.type.toUpperCase() === 'DISTINCT';
}

export function orderByOf(select: Node): Node[] {
  return Array.isArray(select.orderby) ? select.orderby.filter(isNode) : [];
}
