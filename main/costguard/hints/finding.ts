import { hintDocsLink, type Hint, type HintType } from '../../../shared/api/costguard.ts';
import type { StaticCatalog } from '../catalog.ts';
import type { Scratch } from '../engine/engine.ts';
import type { PlanReading } from '../plan/plan.ts';
import { conjunctsOf, isNode, makeAnd, type Node, type SqlDialect } from '../sql/ast.ts';
import type { ParsedSelect } from '../sql/parse.ts';
import type { QueryShape, Scope, ShapeReader } from '../sql/shape.ts';

/**
 * What a detector reports: a hint for the user, and zero or more fixes the rewrite composer
 * may apply (each verified before it is kept).
 */

export interface Fix {
  type: HintType;
  /** 'same-rows' fixes must return the same rows (checked on the scratch data); 'changes-rows' fixes say how they differ. */
  effect: 'same-rows' | 'changes-rows';
  /** Statements to run before the query (CREATE INDEX …). */
  ddl: string[];
  /** Edits the working AST in place; false when it no longer applies. May use the scratch data (keyset cursors). */
  apply?: (ast: Node, ctx: FixContext) => boolean | Promise<boolean>;
  /** Projection narrowing: the output columns kept (the original is compared on these). */
  keptColumns?: string[];
  note: string;
}

export interface FixContext {
  parsed: ParsedSelect;
  scratch: Scratch;
  print(ast: Node): string;
}

export interface Finding {
  hint: Hint;
  fixes: Fix[];
}

export interface AnalyzerOptions {
  /** Results estimated above this many rows without a LIMIT are "unbounded". */
  unboundedRows: number;
  /** OFFSET at or above this is "offset paging". */
  offsetThreshold: number;
  /** A predicate matching at most this share of a table is selective enough to index. */
  selectiveShare: number;
  /** The LIMIT a rewrite adds to an unbounded query. */
  defaultLimit: number;
  /** Row cap for verification runs (more rows → the fix is not verified). */
  compareRowCap: number;
  /** Queries whose plan cost is above this are not run for verification (the fix is not verified). */
  maxVerifyCost: number;
}

export const DEFAULT_OPTIONS: AnalyzerOptions = {
  unboundedRows: 500,
  offsetThreshold: 100,
  selectiveShare: 0.1,
  defaultLimit: 100,
  compareRowCap: 20_000,
  maxVerifyCost: 2_000_000,
};

export interface DetectContext {
  dialect: SqlDialect;
  parsed: ParsedSelect;
  shape: QueryShape;
  reader: ShapeReader;
  catalog: StaticCatalog;
  plan: PlanReading;
  options: AnalyzerOptions;
  /** Plan of a candidate query on the real database (EXPLAIN only); undefined when it does not plan. */
  planOf(sql: string): Promise<PlanReading | undefined>;
  /** Share of a table's rows a single-table predicate matches (scratch data or statistics); undefined when unknown. */
  shareMatching(table: string, alias: string, predicateSql: string): Promise<number | undefined>;
  /** Average stored width in bytes of a column (scratch data or statistics); undefined when unknown. */
  columnWidth(table: string, column: string): Promise<number | undefined>;
  print(ast: Node): string;
  printExpr(expr: Node): string;
}

export type Detector = (ctx: DetectContext) => Promise<Finding[]>;

export function hint(type: HintType, severity: Hint['severity'], message: string, suggested: string, fragment: string | null = null): Hint {
  return { type, message, severity, suggested, docs: hintDocsLink(type), fragment };
}

// ---- locating scopes in a cloned AST ----

export type AstPath = Array<string | number>;

/** The path of keys from root to target (by identity), or undefined. */
export function pathTo(root: unknown, target: unknown, path: AstPath = []): AstPath | undefined {
  if (root === target) return path;
  if (Array.isArray(root)) {
    for (let i = 0; i < root.length; i++) {
      const p = pathTo(root[i], target, [...path, i]);
      if (p) return p;
    }
  } else if (isNode(root)) {
    for (const [k, v] of Object.entries(root)) {
      if (k === 'loc' || typeof v !== 'object' || v === null) continue;
      const p = pathTo(v, target, [...path, k]);
      if (p) return p;
    }
  }
  return undefined;
}

export function atPath(root: unknown, path: AstPath): Node | undefined {
  let cur: unknown = root;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[key];
  }
  return isNode(cur) ? cur : undefined;
}

/** Path to a scope's select, for fixes applied to a clone. */
export function scopePath(ctx: DetectContext, scope: Scope): AstPath | undefined {
  return pathTo(ctx.parsed.ast, scope.select);
}

const sameNode = (a: Node, b: Node) => JSON.stringify(a) === JSON.stringify(b);

/** Replaces the WHERE conjunct equal to `old` with `replacement` (several conjuncts, ANDed). */
export function replaceConjunct(select: Node, old: Node, replacement: Node[]): boolean {
  const list = conjunctsOf(select.where);
  const at = list.findIndex((c) => sameNode(c, old));
  if (at === -1) return false;
  list.splice(at, 1, ...replacement);
  select.where = makeAnd(list) ?? null;
  return true;
}

export function addConjuncts(select: Node, extra: Node[]): void {
  select.where = makeAnd([...conjunctsOf(select.where), ...extra]) ?? null;
}

/** Quotes an identifier only when it needs it. */
export function ident(name: string): string {
  return /^[a-z_][a-z0-9_]*$/.test(name) ? name : `"${name.replaceAll('"', '""')}"`;
}

/** A fresh index name on `table` for `columns` that no existing index uses. */
export function indexName(catalog: StaticCatalog, table: string, parts: string[]): string {
  const base = `${table}_${parts.map((p) => p.replace(/[^a-z0-9]+/g, '_')).join('_')}_idx`.replace(/_+/g, '_');
  const taken = new Set(catalog.tables().flatMap((t) => t.indexes.map((i) => i.name)));
  let name = base;
  for (let n = 2; taken.has(name); n++) name = `${base}${n}`;
  return name;
}
