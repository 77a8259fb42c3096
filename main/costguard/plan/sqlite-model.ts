import { indexesLeadingWith, isUniqueColumn, type Catalog } from '../catalog.ts';
import { columnName, disjunctsOf, hasAggregate, isDistinct, isNode, limitOf, selectItems, groupByOf, type Node } from '../sql/ast.ts';
import type { Predicate, QueryShape, Scope, ShapeReader } from '../sql/shape.ts';
import type { BlockKey, ConstraintTerm, SqliteCostModel } from './sqlite-plan.ts';

/** SQLite's own assumption for a table without statistics: about a million rows. */
export const DEFAULT_TABLE_ROWS = 1_048_576;
/** SQLite's default for an index key without statistics: ten rows per key. */
const DEFAULT_ROWS_PER_KEY = 10;

/** Fixed selectivities for predicate shapes the statistics say nothing about. */
export const SELECTIVITY = {
  eq: 0.1,
  range: 0.25,
  between: 1 / 16,
  likePrefix: 0.1,
  likeOther: 0.25,
  isNull: 0.1,
  notEqual: 0.9,
  other: 0.25,
} as const;

/** The SQLite plan-cost model's questions, answered from the query's shape and the catalog. */
export class ShapeCostModel implements SqliteCostModel {
  readonly #shape: QueryShape;
  readonly #reader: ShapeReader;
  readonly #catalog: Catalog;
  readonly #tables = new Map<string, string>();
  readonly #byAlias = new Map<string, Predicate[]>();

  constructor(shape: QueryShape, reader: ShapeReader) {
    this.#shape = shape;
    this.#reader = reader;
    this.#catalog = shape.catalog;
    for (const scope of shape.scopes) {
      for (const item of scope.from) if (item.kind === 'table' && !this.#tables.has(item.alias)) this.#tables.set(item.alias, item.name!);
    }
    for (const p of shape.predicates) {
      for (const a of p.aliases) {
        const list = this.#byAlias.get(a) ?? [];
        list.push(p);
        this.#byAlias.set(a, list);
      }
    }
  }

  tableOf(alias: string): string | undefined {
    return this.#tables.get(alias) ?? (this.#catalog.table(alias)?.kind === 'table' ? alias : undefined);
  }

  rowCount(table: string): number {
    return this.#catalog.table(table)?.rowCount ?? DEFAULT_TABLE_ROWS;
  }

  /** Distinct values of a base column: from statistics when an index leads with it, else counted, else unknown. */
  ndv(table: string, column: string): number | undefined {
    const info = this.#catalog.table(table);
    if (!info) return undefined;
    const n = this.rowCount(table);
    if (isUniqueColumn(info, column)) return n;
    for (const idx of indexesLeadingWith(info, column)) {
      const stat = this.#catalog.indexStat(idx.name);
      if (stat && stat.length > 1 && stat[1]! > 0) return Math.max(1, n / stat[1]!);
    }
    return this.#catalog.ndv(table, column);
  }

  indexRows(index: string, table: string, terms: ConstraintTerm[]): number {
    const n = this.rowCount(table);
    const info = this.#catalog.table(table);
    const idx = info?.indexes.find((i) => i.name === index.toLowerCase());
    const stat = this.#catalog.indexStat(index);
    let k = 0;
    while (k < terms.length && terms[k]!.op === '=') k++;
    let rows: number;
    if (k === 0) rows = n;
    else if (stat && stat.length > k) rows = stat[k]!;
    else if (idx?.unique && k >= idx.columns.length) rows = 1;
    else {
      rows = n;
      for (const t of terms.slice(0, k)) {
        const d = this.ndv(table, t.column);
        rows = d ? rows / d : Math.min(rows, DEFAULT_ROWS_PER_KEY);
      }
    }
    for (const _t of terms.slice(k)) rows *= SELECTIVITY.range;
    return Math.max(rows, 1);
  }

  inListFactor(alias: string, column: string): number {
    for (const p of this.#byAlias.get(alias) ?? []) {
      if (p.kind === 'in' && p.columns.some((c) => c.alias === alias && (c.column === column || column === '*rowid*'))) return Math.max(1, p.inCount);
    }
    return 1;
  }

  filterSelectivity(alias: string, bound: ReadonlySet<string>, consumedTerms: ReadonlySet<string>): number {
    let sel = 1;
    // A rowid search consumes the predicate on the INTEGER PRIMARY KEY column that aliases it.
    const rowidAlias = consumedTerms.has('rowid') ? this.#catalog.table(this.tableOf(alias) ?? '')?.rowidAlias : undefined;
    const consumed = rowidAlias ? new Set([...consumedTerms, rowidAlias]) : consumedTerms;
    for (const p of this.#byAlias.get(alias) ?? []) {
      // A join predicate applies at the last of its tables to be bound.
      if (!p.aliases.every((a) => a === alias || bound.has(a))) continue;
      if (consumed.has('*or*') && p.kind === 'or') continue;
      const usesConsumed = p.columns.some((c) => c.alias === alias && consumed.has(c.column));
      if (usesConsumed && ['eq', 'in', 'range', 'between', 'like-prefix', 'join-eq', 'null'].includes(p.kind) && !p.onExpression) continue;
      sel *= this.selectivity(p, alias);
    }
    return sel;
  }

  #baseOf(alias: string, column: string, scope: Scope): { table: string; column: string } | undefined {
    const item = scope.from.find((f) => f.alias === alias);
    return item ? this.#reader.baseColumn(item, column) : undefined;
  }

  #eqSelectivity(alias: string, column: string, scope: Scope): number {
    const base = this.#baseOf(alias, column, scope);
    if (!base) return SELECTIVITY.eq;
    const d = this.ndv(base.table, base.column);
    return d ? 1 / d : SELECTIVITY.eq;
  }

  selectivity(p: Predicate, alias: string): number {
    const col = p.columns.find((c) => c.alias === alias);
    switch (p.kind) {
      case 'eq':
        return col && !p.onExpression ? this.#eqSelectivity(alias, col.column, p.scope) : SELECTIVITY.eq;
      case 'in':
        return Math.min(1, Math.max(1, p.inCount) * (col ? this.#eqSelectivity(alias, col.column, p.scope) : SELECTIVITY.eq));
      case 'range':
        return SELECTIVITY.range;
      case 'between':
        return SELECTIVITY.between;
      case 'like-prefix':
        return SELECTIVITY.likePrefix;
      case 'like-other':
        return SELECTIVITY.likeOther;
      case 'null':
        return SELECTIVITY.isNull;
      case 'ne':
        return SELECTIVITY.notEqual;
      case 'join-eq': {
        let worst = 1;
        for (const c of p.columns) {
          const base = this.#baseOf(c.alias, c.column, p.scope);
          const d = base ? (this.ndv(base.table, base.column) ?? this.rowCount(base.table)) : undefined;
          if (d) worst = Math.max(worst, d);
        }
        return worst > 1 ? 1 / worst : SELECTIVITY.eq;
      }
      case 'or': {
        let keep = 1;
        for (const d of disjunctsOf(p.node)) keep *= 1 - this.selectivity(this.#reader.classify(p.scope, d, p.source), alias);
        return 1 - keep;
      }
      default:
        return SELECTIVITY.other;
    }
  }

  blockNameOf(alias: string): string | undefined {
    for (const scope of this.#shape.scopes) {
      const item = scope.from.find((f) => f.alias === alias && (f.kind === 'cte' || f.kind === 'view'));
      if (item) return item.name ?? undefined;
    }
    return undefined;
  }

  #scopeOf(block: BlockKey): Scope | undefined {
    if (block.kind === 'top') return this.#shape.top;
    if (block.kind === 'named') {
      const byName = this.#shape.scopes.find((s) => s.name === block.name && s.role !== 'top');
      if (byName) return byName;
      for (const scope of this.#shape.scopes) {
        const item = scope.from.find((f) => f.alias === block.name && f.select);
        if (item) return this.#shape.scopes.find((s) => s.select === item.select);
      }
      return undefined;
    }
    if (block.kind === 'compound') return this.#shape.scopes.filter((s) => s.role === 'compound')[block.index - 1];
    return undefined;
  }

  #columnNdv(scope: Scope, expr: Node): number | undefined {
    if (expr.type !== 'column_ref' || !columnName(expr)) return undefined;
    const r = this.#reader.resolve(scope, expr);
    if (!r) return undefined;
    const base = this.#reader.baseColumn(r.item, r.column);
    return base ? this.ndv(base.table, base.column) : undefined;
  }

  reduceRows(block: BlockKey, rows: number): number {
    const scope = this.#scopeOf(block);
    if (!scope) return rows;
    const groups = groupByOf(scope.select);
    if (groups.length > 0) {
      let product = 1;
      for (const g of groups) {
        const d = this.#columnNdv(scope, isNode(g.expr) ? g.expr : g);
        product *= d ?? Math.max(1, rows / 10);
      }
      return Math.max(1, Math.min(rows, product));
    }
    if (this.aggregates(block)) return 1;
    if (isDistinct(scope.select)) {
      let product = 1;
      for (const item of selectItems(scope.select)) {
        const d = isNode(item.expr) ? this.#columnNdv(scope, item.expr) : undefined;
        if (d === undefined) return rows;
        product *= d;
      }
      return Math.max(1, Math.min(rows, product));
    }
    return rows;
  }

  aggregates(block: BlockKey): boolean {
    const scope = this.#scopeOf(block);
    if (!scope || groupByOf(scope.select).length > 0) return false;
    return selectItems(scope.select).some((i) => hasAggregate(i.expr));
  }

  limits(block: BlockKey): { limit: number | null; offset: number | null } {
    const scope = this.#scopeOf(block);
    if (!scope) return { limit: null, offset: null };
    const l = limitOf(scope.select);
    return { limit: l.limit, offset: l.offset };
  }
}
