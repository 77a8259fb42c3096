import type { Catalog } from '../catalog.ts';
import {
  columnName,
  columnQualifier,
  columnRefsIn,
  conjunctsOf,
  functionArgs,
  functionName,
  groupByOf,
  isNode,
  isStarColumn,
  literalValue,
  selectItems,
  selectOf,
  walkExpression,
  type Node,
} from './ast.ts';

/**
 * The structure of a SELECT the detectors and the cost model reason about: scopes (the top
 * query, each derived table, CTE, view body and expression subquery), what each scope
 * reads (FROM items), and its predicates classified by shape.
 */

export type FromKind = 'table' | 'view' | 'derived' | 'cte';

export interface FromItem {
  /** The name the query (and the SQLite plan) uses for it: its alias, else its name. Lower-case. */
  alias: string;
  kind: FromKind;
  /** Table, view or CTE name (lower-case); null for a derived table. */
  name: string | null;
  /** The body of a derived table, CTE or view. */
  select: Node | null;
  /** The join keyword ('INNER JOIN', 'LEFT JOIN', 'CROSS JOIN', …); null for the first item or a comma. */
  join: string | null;
  on: Node | null;
  using: string[] | null;
  /** The FROM entry in the AST (to edit). */
  node: Node;
}

export type ScopeRole = 'top' | 'derived' | 'cte' | 'view' | 'compound' | 'subquery';

export interface Scope {
  select: Node;
  role: ScopeRole;
  /** Alias of the derived table / name of the CTE or view this scope is the body of. */
  name: string | null;
  from: FromItem[];
  where: Node[];
  outer: Scope | null;
}

export type PredicateKind = 'eq' | 'range' | 'between' | 'in' | 'like-prefix' | 'like-other' | 'null' | 'ne' | 'or' | 'join-eq' | 'other';

export interface ColumnUse {
  alias: string;
  column: string;
}

export interface Predicate {
  node: Node;
  scope: Scope;
  kind: PredicateKind;
  /** FROM-item aliases (of this scope) the predicate references. */
  aliases: string[];
  columns: ColumnUse[];
  /** For IN lists: the number of values. */
  inCount: number;
  /** True when the predicate compares a function of a column (not the bare column). */
  onExpression: boolean;
  /** Where it came from. */
  source: 'where' | 'on';
}

export interface QueryShape {
  top: Scope;
  scopes: Scope[];
  predicates: Predicate[];
  catalog: Catalog;
}

const lower = (s: string) => s.toLowerCase();

function cteMap(select: Node, inherited: Map<string, Node>): Map<string, Node> {
  const map = new Map(inherited);
  if (Array.isArray(select.with)) {
    for (const w of select.with) {
      const name = w?.name?.value;
      const body = selectOf(w?.stmt);
      if (typeof name === 'string' && body) map.set(lower(name), body);
    }
  }
  return map;
}

/** Parses view bodies lazily (through the caller-supplied parser, which knows the dialect). */
export type ViewParser = (sql: string) => Node | undefined;

function fromItems(select: Node, ctes: Map<string, Node>, catalog: Catalog, parseView: ViewParser): FromItem[] {
  if (!Array.isArray(select.from)) return [];
  const items: FromItem[] = [];
  for (const f of select.from) {
    if (!isNode(f)) continue;
    const join = typeof f.join === 'string' ? f.join.toUpperCase() : null;
    const on = isNode(f.on) ? f.on : null;
    const using = Array.isArray(f.using) ? f.using.map((u: unknown) => lower(String(isNode(u) ? u.value : u))) : null;
    const sub = selectOf(f.expr);
    if (sub) {
      items.push({ alias: lower(String(f.as ?? 'subquery')), kind: 'derived', name: null, select: sub, join, on, using, node: f });
      continue;
    }
    if (typeof f.table !== 'string') continue;
    const name = lower(f.table);
    const alias = lower(String(f.as ?? f.table));
    const cte = f.db ? undefined : ctes.get(name);
    if (cte) {
      items.push({ alias, kind: 'cte', name, select: cte, join, on, using, node: f });
      continue;
    }
    const info = catalog.table(name);
    if (info?.kind === 'view' && info.viewSql) {
      items.push({ alias, kind: 'view', name, select: parseView(info.viewSql) ?? null, join, on, using, node: f });
      continue;
    }
    items.push({ alias, kind: 'table', name, select: null, join, on, using, node: f });
  }
  return items;
}

/** Output column names of a select (explicit aliases, bare column names, star expanded). */
export function outputColumns(select: Node, catalog: Catalog, parseView: ViewParser, ctes: Map<string, Node> = new Map()): string[] {
  const scopeCtes = cteMap(select, ctes);
  const items = fromItems(select, scopeCtes, catalog, parseView);
  const out: string[] = [];
  for (const item of selectItems(select)) {
    const expr = item.expr;
    if (isNode(expr) && isStarColumn(expr)) {
      const q = columnQualifier(expr);
      for (const f of items) if (q === null || lower(q) === f.alias) out.push(...columnsOfItem(f, catalog, parseView, scopeCtes));
      continue;
    }
    if (typeof item.as === 'string') out.push(lower(item.as));
    else if (isNode(item.as) && typeof item.as.value === 'string') out.push(lower(item.as.value));
    else if (isNode(expr) && columnName(expr)) out.push(lower(columnName(expr)!));
    else out.push('?column?');
  }
  return out;
}

export function columnsOfItem(item: FromItem, catalog: Catalog, parseView: ViewParser, ctes: Map<string, Node> = new Map()): string[] {
  if (item.kind === 'table' || (item.kind === 'view' && !item.select)) return catalog.table(item.name!)?.columns ?? [];
  return item.select ? outputColumns(item.select, catalog, parseView, ctes) : [];
}

export class ShapeReader {
  readonly catalog: Catalog;
  readonly #parseView: ViewParser;
  readonly #columnsCache = new Map<FromItem, string[]>();

  constructor(catalog: Catalog, parseView: ViewParser) {
    this.catalog = catalog;
    this.#parseView = parseView;
  }

  columnsOf(item: FromItem): string[] {
    let cols = this.#columnsCache.get(item);
    if (!cols) {
      cols = columnsOfItem(item, this.catalog, this.#parseView);
      this.#columnsCache.set(item, cols);
    }
    return cols;
  }

  /** The FROM item of `scope` (or an outer scope) a column reference belongs to. */
  resolve(scope: Scope, ref: Node): { item: FromItem; column: string; scope: Scope } | undefined {
    const name = columnName(ref);
    if (!name) return undefined;
    const column = lower(name);
    const q = columnQualifier(ref);
    for (let s: Scope | null = scope; s; s = s.outer) {
      if (q !== null) {
        const item = s.from.find((f) => f.alias === lower(q));
        if (item) return { item, column, scope: s };
        continue;
      }
      const owners = s.from.filter((f) => this.columnsOf(f).includes(column));
      if (owners.length === 1) return { item: owners[0]!, column, scope: s };
      if (owners.length === 0 && s.from.length === 1 && s === scope) return { item: s.from[0]!, column, scope: s };
      if (owners.length > 1) return undefined;
    }
    return undefined;
  }

  /**
   * The base-table column behind a column of a FROM item, following derived tables, CTEs
   * and views through plain column projections.
   */
  baseColumn(item: FromItem, column: string, depth = 0): { table: string; column: string } | undefined {
    if (depth > 8) return undefined;
    if (item.kind === 'table') return { table: item.name!, column };
    if (!item.select) return undefined;
    const inner = this.scopeFor(item.select, 'derived', null, null);
    for (const si of selectItems(item.select)) {
      const expr = si.expr;
      if (!isNode(expr)) continue;
      if (isStarColumn(expr)) {
        const q = columnQualifier(expr);
        for (const f of inner.from) {
          if ((q === null || lower(q) === f.alias) && this.columnsOf(f).includes(column)) return this.baseColumn(f, column, depth + 1);
        }
        continue;
      }
      const out = typeof si.as === 'string' ? lower(si.as) : columnName(expr) ? lower(columnName(expr)!) : undefined;
      if (out !== column) continue;
      const r = this.resolve(inner, expr);
      return r ? this.baseColumn(r.item, r.column, depth + 1) : undefined;
    }
    return undefined;
  }

  scopeFor(select: Node, role: ScopeRole, name: string | null, outer: Scope | null, ctes: Map<string, Node> = new Map()): Scope {
    const scopeCtes = cteMap(select, ctes);
    return { select, role, name, from: fromItems(select, scopeCtes, this.catalog, this.#parseView), where: conjunctsOf(select.where), outer };
  }

  /** Every scope of the query, top first, and every predicate classified. */
  read(top: Node): QueryShape {
    const scopes: Scope[] = [];
    const predicates: Predicate[] = [];
    const visit = (select: Node, role: ScopeRole, name: string | null, outer: Scope | null, ctes: Map<string, Node>) => {
      const scope = this.scopeFor(select, role, name, outer, ctes);
      scopes.push(scope);
      const scopeCtes = cteMap(select, ctes);
      // CTE bodies first: they are their own scopes (not nested in this one's FROM).
      if (Array.isArray(select.with)) {
        for (const w of select.with) {
          const body = selectOf(w?.stmt);
          if (body) visit(body, 'cte', lower(String(w?.name?.value ?? 'cte')), null, scopeCtes);
        }
      }
      for (const item of scope.from) {
        if (item.kind === 'derived' && item.select) visit(item.select, 'derived', item.alias, null, scopeCtes);
        if (item.kind === 'view' && item.select) visit(item.select, 'view', item.name, null, new Map());
      }
      for (const c of scope.where) predicates.push(this.classify(scope, c, 'where'));
      for (const item of scope.from) for (const c of conjunctsOf(item.on)) predicates.push(this.classify(scope, c, 'on'));
      const onSub = (sub: Node) => visit(sub, 'subquery', null, scope, scopeCtes);
      for (const c of [select.where, select.having, ...selectItems(select).map((i) => i.expr), ...scope.from.map((f) => f.on)]) walkExpression(c, () => {}, onSub);
      if (isNode(select._next)) visit(select._next, 'compound', null, outer, ctes);
    };
    visit(top, 'top', null, null, new Map());
    return { top: scopes[0]!, scopes, predicates, catalog: this.catalog };
  }

  classify(scope: Scope, node: Node, source: 'where' | 'on'): Predicate {
    const refs = columnRefsIn(node);
    const columns: ColumnUse[] = [];
    for (const r of refs) {
      const res = this.resolve(scope, r);
      if (res && res.scope === scope) columns.push({ alias: res.item.alias, column: res.column });
    }
    const aliases = [...new Set(columns.map((c) => c.alias))].sort();
    const op = String(node.operator ?? '').toUpperCase();
    let kind: PredicateKind = 'other';
    let inCount = 0;
    let onExpression = false;
    const isCol = (n: unknown) => isNode(n) && n.type === 'column_ref' && columnName(n) !== undefined;
    const isConst = (n: unknown) => isNode(n) && (literalValue(n) !== undefined || n.type === 'param' || n.type === 'var' || (n.type === 'expr_list' && Array.isArray(n.value) && n.value.every((v: Node) => literalValue(v) !== undefined)));
    if (node.type === 'binary_expr') {
      const l = node.left as Node;
      const r = node.right as Node;
      if (op === 'OR') kind = 'or';
      else if (op === '=' || op === '==' || op === 'IS' && isNode(r) && r.type !== 'null') {
        if (isCol(l) && isCol(r)) kind = aliases.length > 1 ? 'join-eq' : 'other';
        else if ((isCol(l) && isConst(r)) || (isCol(r) && isConst(l))) kind = 'eq';
        else if (isConst(r) || isConst(l)) {
          kind = 'eq';
          onExpression = true;
        }
      } else if (op === 'IS' || op === 'IS NOT') kind = isNode(r) && r.type === 'null' ? (op === 'IS' ? 'null' : 'ne') : 'other';
      else if (['<', '>', '<=', '>='].includes(op)) {
        kind = 'range';
        const rowValues = l.type === 'expr_list' && r.type === 'expr_list';
        onExpression = !rowValues && !isCol(l) && !isCol(r);
      } else if (op === 'BETWEEN') {
        kind = 'between';
        onExpression = !isCol(l);
      } else if (op === 'IN') {
        const list = isNode(r) && r.type === 'expr_list' && Array.isArray(r.value) ? r.value : [];
        kind = list.length > 0 && list.every((v: Node) => !selectOf(v)) ? 'in' : 'other';
        inCount = list.length;
        onExpression = !isCol(l);
      } else if (op === 'LIKE' || op === 'ILIKE' || op === 'GLOB') {
        const pattern = isNode(r) ? literalValue(r)?.value : undefined;
        const wild = op === 'GLOB' ? /^[*?[]/ : /^[%_]/;
        kind = typeof pattern === 'string' && !wild.test(pattern) ? 'like-prefix' : 'like-other';
        onExpression = !isCol(l);
      } else if (op === '!=' || op === '<>' || op === 'NOT LIKE' || op === 'NOT IN') kind = 'ne';
    }
    if (node.type === 'function' && functionName(node) === 'not') {
      const inner = functionArgs(node)[0];
      if (inner) kind = 'ne';
    }
    return { node, scope, kind, aliases, columns, inCount, onExpression, source };
  }
}

/** Group-by columns of a scope, resolved. */
export function groupColumns(reader: ShapeReader, scope: Scope): ColumnUse[] {
  const out: ColumnUse[] = [];
  for (const g of groupByOf(scope.select)) {
    const expr = isNode(g.expr) ? g.expr : g;
    const r = expr.type === 'column_ref' ? reader.resolve(scope, expr) : undefined;
    if (r) out.push({ alias: r.item.alias, column: r.column });
  }
  return out;
}
