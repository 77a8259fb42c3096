import type { AccessMethod, PlanAccess, PlanReading } from './plan.ts';

/**
 * SQLite's EXPLAIN QUERY PLAN, read into a tree and priced with the Cost Guard plan-cost
 * model (docs/costguard.md#the-sqlite-plan-cost-model). SQLite prints no costs, so the
 * model prices what the plan says it will do:
 *
 * - a loop over a table or index costs what it visits: a full scan N rows (N from
 *   sqlite_stat1, else a count), a search log2(N) plus the rows it matches; index entries
 *   cost 0.5 a row when the index covers the query, 1.5 when each entry also fetches its
 *   table row; nested loops multiply by the rows of the loops outside them;
 * - a temporary b-tree (ORDER BY, GROUP BY, DISTINCT) costs n·log2(n) over its input;
 * - an automatic index costs N·log2(N) to build, then searches like any index;
 * - a materialized or co-routine subquery costs its own plan once; a correlated
 *   subquery costs its plan once per outer row;
 * - a top-level LIMIT/OFFSET pro-rates the streaming part of the cost when nothing in the
 *   plan must read every row first (a sort, an aggregate).
 *
 * Row estimates use sqlite_stat1 (rows per index key), distinct counts, and fixed
 * selectivities for the predicates the plan applies as filters.
 */

export interface EqpRow {
  id: number;
  parent: number;
  detail: string;
}

/** What the model asks about the query and the database. */
export interface SqliteCostModel {
  /** Base table a plan alias reads, when it reads a table (undefined for subqueries). */
  tableOf(alias: string): string | undefined;
  /** Estimated rows in a table. */
  rowCount(table: string): number;
  /** Rows matched by equality on the first `k` key columns of an index and ranges after them. */
  indexRows(index: string, table: string, terms: ConstraintTerm[]): number;
  /** Product of the selectivities of the predicates on `alias` the plan applies as filters. */
  filterSelectivity(alias: string, bound: ReadonlySet<string>, consumed: ReadonlySet<string>): number;
  /** Multiplier for IN lists on a searched column (1 when none). */
  inListFactor(alias: string, column: string): number;
  /** Rows after the grouping / DISTINCT / aggregate of the scope a block belongs to. */
  reduceRows(block: BlockKey, rows: number): number;
  /** Whether the scope's result must be computed in full before the first row (aggregate without GROUP BY). */
  aggregates(block: BlockKey): boolean;
  /** The name SQLite gives the subquery block an alias reads (a CTE's or view's name), if it differs. */
  blockNameOf(alias: string): string | undefined;
  /** LIMIT/OFFSET of a block's scope. */
  limits(block: BlockKey): { limit: number | null; offset: number | null };
}

/** Which scope a block of the plan belongs to: the top query, a named subquery, or the n-th compound part. */
export type BlockKey = { kind: 'top' } | { kind: 'named'; name: string } | { kind: 'compound'; index: number } | { kind: 'anonymous' };

export interface ConstraintTerm {
  column: string;
  op: '=' | '>' | '<' | '>=' | '<=';
}

interface TreeNode {
  id: number;
  detail: string;
  children: TreeNode[];
}

function tree(rows: readonly EqpRow[]): TreeNode[] {
  const nodes = new Map<number, TreeNode>();
  const roots: TreeNode[] = [];
  for (const r of rows) nodes.set(r.id, { id: r.id, detail: r.detail, children: [] });
  for (const r of rows) {
    const node = nodes.get(r.id)!;
    const parent = nodes.get(r.parent);
    if (parent && r.parent !== r.id) parent.children.push(node);
    else roots.push(node);
  }
  return roots;
}

export function planLines(rows: readonly EqpRow[]): string[] {
  const out: string[] = [];
  const walk = (nodes: TreeNode[], depth: number) => {
    for (const n of nodes) {
      out.push(`${'  '.repeat(depth)}${n.detail}`);
      walk(n.children, depth + 1);
    }
  };
  walk(tree(rows), 0);
  return out;
}

const SCAN_RE = /^SCAN (.+?)(?: USING (COVERING )?INDEX (\S+))?(?: LEFT-JOIN| RIGHT-JOIN)?$/;
const SEARCH_RE = /^SEARCH (\S+) USING (?:(COVERING )?INDEX (\S+)|(INTEGER PRIMARY KEY)|(PRIMARY KEY)|AUTOMATIC (?:PARTIAL )?(COVERING )?INDEX) \((.*)\)(?: LEFT-JOIN| RIGHT-JOIN)?$/;

export function parseConstraint(text: string): ConstraintTerm[] {
  const terms: ConstraintTerm[] = [];
  for (const part of text.split(/ AND /)) {
    const m = /^(?:ANY\()?(<expr>|[^=<>()]+?)\)?(=|>=|<=|>|<)\?$/.exec(part.trim());
    if (m) terms.push({ column: m[1]!.toLowerCase(), op: m[2] as ConstraintTerm['op'] });
  }
  return terms;
}

interface BlockResult {
  /** Cost paid once whatever the LIMIT (materializing, sorting, building indexes). */
  fixed: number;
  /** Cost of producing rows one by one (pro-rated by a LIMIT). */
  streaming: number;
  rows: number;
  blocking: boolean;
}

const log2 = (n: number) => Math.log2(Math.max(2, n));

export class SqlitePlanPricer {
  readonly #model: SqliteCostModel;
  readonly #subRows = new Map<string, number>();
  readonly accesses: PlanAccess[] = [];
  readonly sorts: string[] = [];

  constructor(model: SqliteCostModel) {
    this.#model = model;
  }

  price(rows: readonly EqpRow[]): PlanReading {
    const top = this.#block(tree(rows), { kind: 'top' }, true);
    const { limit, offset } = this.#model.limits({ kind: 'top' });
    let cost = top.fixed + top.streaming;
    let outRows = top.rows;
    if (limit !== null || (offset ?? 0) > 0) {
      const wanted = (limit ?? Infinity) + (offset ?? 0);
      if (!top.blocking && top.rows > 0 && Number.isFinite(wanted)) cost = top.fixed + top.streaming * Math.min(1, wanted / top.rows);
      outRows = Math.max(0, Math.min(limit ?? Infinity, top.rows - (offset ?? 0)));
    }
    return { dialect: 'sqlite', cost, rows: outRows, accesses: this.accesses, sorts: this.sorts, lines: planLines(rows) };
  }

  #block(nodes: TreeNode[], key: BlockKey, isTop = false): BlockResult {
    // A compound query's parts are blocks of their own.
    if (nodes.length === 1 && (nodes[0]!.detail === 'COMPOUND QUERY' || nodes[0]!.detail.startsWith('MERGE ('))) {
      return this.#compound(nodes[0]!, key);
    }
    let fixed = 0;
    let streaming = 0;
    let outer = 1;
    let blocking = false;
    const bound = new Set<string>();
    for (const node of nodes) {
      const d = node.detail;
      if (d.startsWith('CO-ROUTINE ') || d.startsWith('MATERIALIZE ')) {
        const name = d.replace(/^(CO-ROUTINE|MATERIALIZE) /, '').toLowerCase();
        const sub = this.#block(node.children, { kind: 'named', name });
        fixed += sub.fixed + sub.streaming;
        this.#subRows.set(name, sub.rows);
        continue;
      }
      if (/^(SCALAR|LIST) SUBQUERY/.test(d)) {
        const sub = this.#block(node.children, { kind: 'anonymous' });
        fixed += sub.fixed + sub.streaming;
        continue;
      }
      if (/^CORRELATED (SCALAR|LIST) SUBQUERY/.test(d)) {
        const sub = this.#block(node.children, { kind: 'anonymous' });
        streaming += outer * (sub.fixed + sub.streaming);
        continue;
      }
      if (d.startsWith('USE TEMP B-TREE FOR ')) {
        const what = d.slice('USE TEMP B-TREE FOR '.length);
        this.sorts.push(what);
        const partial = /RIGHT PART|LAST TERM|LAST \d+ TERMS/.test(what);
        fixed += (partial ? 0.5 : 1) * outer * log2(outer + 1);
        blocking = true;
        continue;
      }
      if (d === 'MULTI-INDEX OR') {
        let cost = 0;
        let rows = 0;
        let alias: string | undefined;
        for (const branch of node.children) {
          for (const leaf of branch.children) {
            const r = this.#loop(leaf.detail, bound);
            if (!r) continue;
            cost += r.cost;
            rows += r.rows;
            alias = r.alias;
          }
        }
        streaming += outer * cost;
        if (alias) {
          const sel = this.#model.filterSelectivity(alias, bound, new Set(['*or*']));
          bound.add(alias);
          outer *= Math.max(rows * sel, 1e-9);
        }
        continue;
      }
      if (d === 'SCAN CONSTANT ROW') continue;
      if (d.startsWith('BLOOM FILTER') || d.startsWith('USING ') || d === 'LEFT' || d === 'RIGHT') continue;
      const loop = this.#loop(d, bound);
      if (loop) {
        fixed += loop.fixed;
        streaming += outer * loop.cost;
        bound.add(loop.alias);
        outer *= loop.out;
        // The children of a loop (rare: IN-operator helpers) are priced once.
        if (node.children.length > 0) {
          const sub = this.#block(node.children, { kind: 'anonymous' });
          fixed += sub.fixed + sub.streaming;
        }
      }
    }
    let rows = outer;
    if (bound.size === 0 && nodes.length === 0) rows = 1;
    const reduced = this.#model.reduceRows(key, rows);
    if (this.#model.aggregates(key)) blocking = true;
    if (!isTop) {
      const { limit, offset } = this.#model.limits(key);
      const capped = Math.max(0, Math.min(limit ?? Infinity, reduced - (offset ?? 0)));
      return { fixed, streaming, rows: capped, blocking };
    }
    return { fixed, streaming, rows: reduced, blocking };
  }

  #compound(node: TreeNode, key: BlockKey): BlockResult {
    let fixed = 0;
    let streaming = 0;
    let rows = 0;
    let part = 0;
    for (const child of node.children) {
      const partKey: BlockKey = part === 0 ? key : { kind: 'compound', index: part };
      const sub = this.#block(child.children, partKey);
      fixed += sub.fixed;
      streaming += sub.streaming;
      const op = child.detail;
      if (/^(EXCEPT|INTERSECT)/.test(op)) {
        fixed += sub.rows * log2(sub.rows + 1);
      } else {
        if (/USING TEMP B-TREE/.test(op)) fixed += (rows + sub.rows) * log2(rows + sub.rows + 1);
        rows += sub.rows;
      }
      part++;
    }
    const blocking = /TEMP B-TREE|MERGE/.test(node.children.map((c) => c.detail).join(' ')) || node.detail.startsWith('MERGE');
    return { fixed, streaming, rows, blocking };
  }

  /** One loop of a nested-loop join: a SCAN or SEARCH line. */
  #loop(detail: string, bound: ReadonlySet<string>): { alias: string; cost: number; fixed: number; rows: number; out: number } | undefined {
    let m = SEARCH_RE.exec(detail);
    if (m) {
      const alias = m[1]!.toLowerCase();
      const table = this.#model.tableOf(alias);
      const n = table ? this.#model.rowCount(table) : (this.#subRows.get(alias) ?? 1000);
      const terms = parseConstraint(m[7] ?? '');
      const consumed = new Set(terms.map((t) => t.column));
      let rows: number;
      let method: AccessMethod;
      let cost: number;
      let fixed = 0;
      const covering = Boolean(m[2] || m[6]);
      if (m[4] || m[5]) {
        method = 'rowid-search';
        const eq = terms.some((t) => t.op === '=');
        rows = eq ? 1 : n * Math.pow(0.25, terms.length);
        for (const t of terms) if (t.op === '=') rows *= this.#model.inListFactor(alias, t.column === 'rowid' ? '*rowid*' : t.column);
        cost = log2(n) + rows;
      } else if (m[3]) {
        method = 'index-search';
        rows = table ? this.#model.indexRows(m[3], table, terms) : n * 0.1;
        for (const t of terms) if (t.op === '=') rows *= this.#model.inListFactor(alias, t.column);
        rows = Math.min(rows, n);
        cost = log2(n) + rows * (covering ? 0.5 : 1.5);
      } else {
        method = 'automatic-index';
        rows = Math.min(n, Math.max(1, n / 10));
        fixed = n * log2(n);
        cost = log2(n) + rows * 0.5;
      }
      const matched = rows * this.#model.filterSelectivity(alias, bound, consumed);
      // An outer join keeps every outer row, matched or not.
      const out = Math.max(/ LEFT-JOIN$/.test(detail) ? Math.max(1, matched) : matched, 1e-9);
      this.accesses.push({ alias, table: table ?? null, method, index: m[3] ?? null, covering, constraint: m[7] ?? null, rows });
      return { alias, cost, fixed, rows, out };
    }
    m = SCAN_RE.exec(detail);
    if (m) {
      const alias = m[1]!.toLowerCase();
      const table = this.#model.tableOf(alias);
      const block = this.#model.blockNameOf(alias);
      const sub = this.#subRows.get(alias) ?? (block !== undefined ? this.#subRows.get(block) : undefined);
      const leftJoin = / LEFT-JOIN$/.test(detail);
      if (!table && sub !== undefined) {
        const matched = sub * this.#model.filterSelectivity(alias, bound, new Set());
        const out = Math.max(leftJoin ? Math.max(1, matched) : matched, 1e-9);
        this.accesses.push({ alias, table: null, method: 'subquery-scan', index: null, covering: false, constraint: null, rows: sub });
        return { alias, cost: sub, fixed: 0, rows: sub, out };
      }
      const n = table ? this.#model.rowCount(table) : (sub ?? 1000);
      const index = m[3] ?? null;
      const covering = Boolean(m[2]);
      const cost = index ? n * (covering ? 0.5 : 1.5) : n;
      const matched = n * this.#model.filterSelectivity(alias, bound, new Set());
      const out = Math.max(leftJoin ? Math.max(1, matched) : matched, 1e-9);
      this.accesses.push({ alias, table: table ?? null, method: index ? 'index-scan' : 'full-scan', index, covering, constraint: null, rows: n });
      return { alias, cost, fixed: 0, rows: n, out };
    }
    return undefined;
  }
}
