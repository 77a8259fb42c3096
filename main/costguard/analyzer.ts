import { createHash } from 'node:crypto';
import type { Hint, HintPayload, HintType, QueryDialect, Rewrite, RewriteStep } from '../../shared/api/costguard.ts';
import { WorkbenchError } from '../../shared/api/errors.ts';
import type { StaticCatalog } from './catalog.ts';
import { analyzeCypher, looksLikeCypher } from './cypher/cypher-analyzer.ts';
import type { QueryEngine, RawPlan, RowSet, Scratch } from './engine/engine.ts';
import { detectCartesianJoin } from './hints/cartesian-join.ts';
import { DEFAULT_OPTIONS, type AnalyzerOptions, type DetectContext, type Detector, type Finding, type Fix, type FixContext } from './hints/finding.ts';
import { detectFunctionOnColumn } from './hints/function-on-column.ts';
import { detectLeadingWildcard } from './hints/leading-wildcard.ts';
import { detectMissingIndex } from './hints/missing-index.ts';
import { detectOrAcrossColumns } from './hints/or-across-columns.ts';
import { detectOrderByRandom } from './hints/order-by-random.ts';
import { detectPushdown } from './hints/pushdown.ts';
import { detectOffsetPaging, detectUnboundedResult, lastPart } from './hints/result-size.ts';
import { detectSelectStar } from './hints/select-star.ts';
import { isCheaper, roundCost, type PlanReading } from './plan/plan.ts';
import { readPostgresPlan } from './plan/postgres-plan.ts';
import { readPlan } from './plan/read-plan.ts';
import { clone, groupByOf, isDistinct, isNode, selectItems, type Node, type SqlDialect } from './sql/ast.ts';
import { parseSelect, printExpression, printSelect, type ParsedSelect } from './sql/parse.ts';
import { ShapeReader, type QueryShape } from './sql/shape.ts';
import { sameRows } from './verify/row-compare.ts';

/** Detectors, in the order their hints are listed (within a severity). */
export const DETECTORS: ReadonlyArray<[HintType, Detector]> = [
  ['cartesian-join', detectCartesianJoin],
  ['unbounded-result', detectUnboundedResult],
  ['offset-paging', detectOffsetPaging],
  ['predicate-pushdown', detectPushdown],
  ['missing-index', detectMissingIndex],
  ['function-on-indexed-column', detectFunctionOnColumn],
  ['leading-wildcard-like', detectLeadingWildcard],
  ['or-across-columns', detectOrAcrossColumns],
  ['order-by-random', detectOrderByRandom],
  ['select-star', detectSelectStar],
];

/** Fixes are tried in this order: the ones that keep the rows first, then the ones that change them. */
const FIX_ORDER: readonly HintType[] = [
  'predicate-pushdown',
  'function-on-indexed-column',
  'or-across-columns',
  'missing-index',
  'select-star',
  'cartesian-join',
  'order-by-random',
  'offset-paging',
  'unbounded-result',
];

const SEVERITY_RANK: Record<Hint['severity'], number> = { critical: 0, warning: 1, info: 2 };

/** A stable id for a query: the same text and dialect always get the same id. */
export function queryIdOf(dialect: QueryDialect, sql: string): string {
  return `q_${createHash('sha256').update(`${dialect}\u0000${sql.trim()}`).digest('hex').slice(0, 16)}`;
}

/** Table names the query reads (FROM entries, at any depth), lower-case. */
export function referencedTables(ast: unknown): string[] {
  const out = new Set<string>();
  const visit = (v: unknown, inFrom: boolean) => {
    if (Array.isArray(v)) {
      for (const x of v) visit(x, inFrom);
      return;
    }
    if (!isNode(v)) return;
    if (inFrom && typeof v.table === 'string') out.add(v.table.toLowerCase());
    for (const [k, x] of Object.entries(v)) if (k !== 'loc' && typeof x === 'object' && x !== null) visit(x, k === 'from');
  };
  visit(ast, false);
  return [...out].sort();
}

/** Strips LIMIT/OFFSET from the outermost query (for comparing the full result sets). */
function withoutLimit(ast: Node): Node {
  const copy = clone(ast);
  lastPart(copy).limit = null;
  return copy;
}

/**
 * Cost Guard's analyzer: parses a query, reads its real plan, runs the detectors, and
 * composes a rewrite from their fixes — each fix verified on the engine's scratch copy
 * (it parses, its plan is cheaper, and where it must keep the rows, it does).
 */
export class Analyzer {
  readonly #engine: QueryEngine | null;
  readonly #options: AnalyzerOptions;
  readonly #viewCache = new Map<string, Node | undefined>();
  readonly #detectors: ReadonlyArray<[HintType, Detector]>;

  /** `detectors` defaults to every detector; tests pass their own to exercise the verifier. */
  constructor(engine: QueryEngine | null, options: Partial<AnalyzerOptions> = {}, detectors: ReadonlyArray<[HintType, Detector]> = DETECTORS) {
    this.#engine = engine;
    this.#options = { ...DEFAULT_OPTIONS, ...options };
    this.#detectors = detectors;
  }

  async analyze(sql: string, dialect?: QueryDialect): Promise<HintPayload> {
    const chosen: QueryDialect = dialect ?? (looksLikeCypher(sql) ? 'cypher' : (this.#engine?.dialect ?? 'sqlite'));
    if (chosen === 'cypher') return analyzeCypher(sql, this.#options.defaultLimit);
    const engine = this.#engine;
    if (!engine) throw new WorkbenchError('UNAVAILABLE', 'no database to plan SQL against; only Cypher can be analyzed without one');
    if (engine.dialect !== chosen) {
      throw new WorkbenchError('BAD_INPUT', `dialect: the database is ${engine.dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL'}; a ${chosen} query cannot be planned on it`, {
        where: 'dialect',
        database: engine.dialect,
      });
    }
    return this.#analyzeSql(engine, sql, chosen);
  }

  #reader(catalog: StaticCatalog, dialect: SqlDialect): ShapeReader {
    return new ShapeReader(catalog, (viewSql) => {
      const key = `${dialect}:${viewSql}`;
      if (!this.#viewCache.has(key)) {
        try {
          this.#viewCache.set(key, parseSelect(viewSql, dialect).ast);
        } catch {
          this.#viewCache.set(key, undefined);
        }
      }
      const ast = this.#viewCache.get(key);
      return ast ? clone(ast) : undefined;
    });
  }

  /** The catalog of the tables the query reads, and of the tables the views it reads read. */
  async #catalogFor(engine: QueryEngine, ast: Node, dialect: SqlDialect): Promise<StaticCatalog> {
    const wanted = new Set(referencedTables(ast));
    let catalog = await engine.catalog([...wanted]);
    for (let round = 0; round < 4; round++) {
      const before = wanted.size;
      for (const name of [...wanted]) {
        const t = catalog.table(name);
        if (t?.kind !== 'view' || !t.viewSql) continue;
        try {
          for (const inner of referencedTables(parseSelect(t.viewSql, dialect).ast)) wanted.add(inner);
        } catch {
          // A view the parser cannot read is planned as the database plans it; its tables stay unknown.
        }
      }
      if (wanted.size === before) break;
      catalog = await engine.catalog([...wanted]);
    }
    return catalog;
  }

  async #analyzeSql(engine: QueryEngine, sql: string, dialect: SqlDialect): Promise<HintPayload> {
    const parsed = parseSelect(sql, dialect);
    const catalog = await this.#catalogFor(engine, parsed.ast, dialect);
    const reader = this.#reader(catalog, dialect);
    const shape = reader.read(parsed.ast);
    await engine.fillNdv(catalog, statColumns(shape, reader));
    const raw = await engine.explain(sql);
    const plan = readPlan(raw, shape, reader);
    const print = (ast: Node) => printSelect(parsed, ast);
    const printExpr = (expr: Node) => printExpression(dialect, expr);

    const shares = new Map<string, number | undefined>();
    const ctx: DetectContext = {
      dialect,
      parsed,
      shape,
      reader,
      catalog,
      plan,
      options: this.#options,
      print,
      printExpr,
      planOf: async (candidate) => {
        try {
          const p = parseSelect(candidate, dialect);
          const r = this.#reader(catalog, dialect);
          return readPlan(await engine.explain(candidate), r.read(p.ast), r);
        } catch {
          return undefined;
        }
      },
      shareMatching: async (table, alias, predicateSql) => {
        const key = `${table} ${alias} ${predicateSql}`;
        if (!shares.has(key)) shares.set(key, await shareOf(engine, catalog, table, alias, predicateSql));
        return shares.get(key);
      },
      columnWidth: (table, column) => engine.columnWidth(table, column),
    };

    const findings: Array<{ type: HintType; finding: Finding }> = [];
    for (const [type, detect] of this.#detectors) for (const finding of await detect(ctx)) findings.push({ type, finding });

    const hints = findings
      .map((f, i) => ({ hint: f.finding.hint, i }))
      .sort((a, b) => SEVERITY_RANK[a.hint.severity] - SEVERITY_RANK[b.hint.severity] || a.i - b.i)
      .map((x) => x.hint);

    const { rewrite, rejected } = await this.#compose(engine, parsed, catalog, raw, findings.map((f) => f.finding), print);
    return {
      queryId: queryIdOf(dialect, sql),
      dialect,
      costModel: dialect === 'postgres' ? 'postgres-planner' : 'sqlite-plan-model',
      estimatedCost: roundCost(plan.cost),
      estimatedRows: roundCost(plan.rows),
      plan: plan.lines,
      hints,
      rewrite,
      rejected,
    };
  }

  async #compose(
    engine: QueryEngine,
    parsed: ParsedSelect,
    catalog: StaticCatalog,
    raw: RawPlan,
    findings: Finding[],
    print: (ast: Node) => string,
  ): Promise<{ rewrite: Rewrite | null; rejected: Array<{ type: HintType; reason: string }> }> {
    const rejected: Array<{ type: HintType; reason: string }> = [];
    const groups = findings
      .filter((f) => f.fixes.length > 0)
      .sort((a, b) => FIX_ORDER.indexOf(a.fixes[0]!.type) - FIX_ORDER.indexOf(b.fixes[0]!.type));
    if (groups.length === 0) return { rewrite: null, rejected };
    const dialect = parsed.dialect;

    return engine.scratch(async (scratch) => {
      const price = async (sql: string, ddl: readonly string[]): Promise<PlanReading> => {
        const p = parseSelect(sql, dialect);
        return scratch.withDdl(ddl, async () => {
          const cat = ddl.length > 0 ? await scratch.catalog(catalog) : catalog;
          const r = this.#reader(cat, dialect);
          return readPlan(await scratch.explain(sql), r.read(p.ast), r);
        });
      };
      // The printer must reproduce the query: same plan for the printed original.
      const printed = print(parsed.ast);
      let baseline: PlanReading;
      try {
        baseline = await price(printed, []);
      } catch (e) {
        for (const g of groups) rejected.push({ type: g.fixes[0]!.type, reason: `the printed query does not plan: ${(e as Error).message}` });
        return { rewrite: null, rejected };
      }
      if (planSignature(raw) !== readingSignature(baseline)) {
        for (const g of groups) rejected.push({ type: g.fixes[0]!.type, reason: 'the SQL printer changed the plan of this query; no rewrite is offered' });
        return { rewrite: null, rejected };
      }

      let current = clone(parsed.ast);
      let currentDdl: string[] = [];
      let currentCost = baseline.cost;
      const steps: RewriteStep[] = [];
      let originalRows: RowSet | 'over-cap' | 'unavailable' | undefined;
      const fctx: FixContext = { parsed, scratch, print };

      const rowsOfOriginal = async (): Promise<RowSet | 'over-cap' | 'unavailable'> => {
        if (originalRows === undefined) {
          if (!scratch.hasData) originalRows = 'unavailable';
          else if (baseline.cost > this.#options.maxVerifyCost) originalRows = 'unavailable';
          else {
            // Estimate first: a result far over the cap is not worth reading to find out.
            const full = print(withoutLimit(parsed.ast));
            const estimate = await price(full, []).catch(() => undefined);
            if (estimate && estimate.rows > this.#options.compareRowCap * 4) originalRows = 'over-cap';
            else originalRows = await scratch.rows(full, this.#options.compareRowCap);
          }
        }
        return originalRows;
      };

      for (const group of groups) {
        let lastReason = '';
        let accepted = false;
        for (const fix of group.fixes) {
          const outcome = await this.#tryFix(fix, { current, currentDdl, currentCost, scratch, fctx, print, price, rowsOfOriginal, dialect });
          if (typeof outcome === 'string') {
            lastReason = outcome;
            continue;
          }
          current = outcome.ast;
          currentDdl = outcome.ddl;
          steps.push({ type: fix.type, effect: fix.effect, costBefore: roundCost(currentCost), costAfter: roundCost(outcome.cost), note: fix.note });
          currentCost = outcome.cost;
          accepted = true;
          break;
        }
        if (!accepted) rejected.push({ type: group.fixes[0]!.type, reason: lastReason });
      }

      if (steps.length === 0) return { rewrite: null, rejected };
      if (!isCheaper(currentCost, baseline.cost)) {
        for (const s of steps) rejected.push({ type: s.type, reason: `the rewrite's plan is not cheaper than the original (${roundCost(currentCost)} vs ${roundCost(baseline.cost)})` });
        return { rewrite: null, rejected };
      }
      const sqlText = print(current);
      const script = [...currentDdl.map((d) => `${d};`), `${sqlText};`].join('\n');
      return {
        rewrite: {
          sql: sqlText,
          ddl: currentDdl,
          script,
          estimatedCost: roundCost(currentCost),
          changesResults: steps.some((s) => s.effect === 'changes-rows'),
          steps,
        },
        rejected,
      };
    });
  }

  async #tryFix(
    fix: Fix,
    s: {
      current: Node;
      currentDdl: string[];
      currentCost: number;
      scratch: Scratch;
      fctx: FixContext;
      print: (ast: Node) => string;
      price: (sql: string, ddl: readonly string[]) => Promise<PlanReading>;
      rowsOfOriginal: () => Promise<RowSet | 'over-cap' | 'unavailable'>;
      dialect: SqlDialect;
    },
  ): Promise<string | { ast: Node; ddl: string[]; cost: number }> {
    const candidate = clone(s.current);
    try {
      if (fix.apply && !(await fix.apply(candidate, s.fctx))) return 'the fix does not apply to the query as rewritten so far';
    } catch (e) {
      return `the fix could not be built: ${(e as Error).message}`;
    }
    const sql = s.print(candidate);
    try {
      parseSelect(sql, s.dialect);
    } catch (e) {
      return `the rewrite does not parse: ${(e as Error).message}`;
    }
    const ddl = [...s.currentDdl, ...fix.ddl];
    let plan: PlanReading;
    try {
      plan = await s.price(sql, ddl);
    } catch (e) {
      return `the rewrite does not plan: ${(e as Error).message}`;
    }
    const sameCostAllowed = fix.type === 'select-star';
    if (isCheaper(plan.cost, s.currentCost)) {
      // cheaper: go on to the rows check
    } else if (!(sameCostAllowed && roundCost(plan.cost) <= roundCost(s.currentCost))) {
      return `the plan is not cheaper (${roundCost(s.currentCost)} → ${roundCost(plan.cost)})`;
    }
    if (fix.effect === 'same-rows') {
      const before = await s.rowsOfOriginal();
      if (before === 'unavailable') return 'cannot verify the rows: no scratch data, or the query is too costly to run';
      if (before === 'over-cap') return 'cannot verify the rows: the query returns too many rows to compare';
      // An empty result proves nothing about a changed query; an index alone cannot change rows.
      if (before.rows.length === 0 && sql !== s.print(s.current)) return 'cannot verify the rows: the query returns no rows on this data';
      let after: RowSet | 'over-cap';
      try {
        after = await s.scratch.withDdl(ddl, () => s.scratch.rows(s.print(withoutLimit(candidate)), before.rows.length + 1));
      } catch (e) {
        return `the rewrite fails to run: ${(e as Error).message}`;
      }
      if (after === 'over-cap') return 'the rewrite returns more rows than the original';
      const verdict = sameRows(before, after, fix.keptColumns);
      if (verdict !== true) return `the rewrite returns different rows: ${verdict}`;
    }
    return { ast: candidate, ddl, cost: plan.cost };
  }
}

/** The plan's shape as text: what the round-trip check compares. */
function planSignature(raw: RawPlan): string {
  return raw.dialect === 'sqlite' ? raw.rows.map((r) => r.detail).join('\n') : readPostgresPlan(raw.plan).lines.join('\n');
}

function readingSignature(plan: PlanReading): string {
  return plan.dialect === 'sqlite' ? plan.lines.map((l) => l.trim()).join('\n') : plan.lines.join('\n');
}

/** Base columns whose distinct counts the cost model and detectors use. */
function statColumns(shape: QueryShape, reader: ShapeReader): Array<{ table: string; column: string }> {
  const out = new Map<string, { table: string; column: string }>();
  const add = (scope: QueryShape['scopes'][number], alias: string, column: string) => {
    const item = scope.from.find((f) => f.alias === alias);
    const base = item ? reader.baseColumn(item, column) : undefined;
    if (base) out.set(`${base.table}.${base.column}`, base);
  };
  for (const p of shape.predicates) for (const c of p.columns) add(p.scope, c.alias, c.column);
  for (const scope of shape.scopes) {
    const exprs = [...groupByOf(scope.select).map((g) => (isNode(g.expr) ? g.expr : g)), ...(isDistinct(scope.select) ? selectItems(scope.select).map((i) => i.expr) : [])];
    for (const e of exprs) {
      if (!isNode(e) || e.type !== 'column_ref') continue;
      const r = reader.resolve(scope, e);
      if (r) add(r.scope, r.item.alias, r.column);
    }
  }
  return [...out.values()].sort((a, b) => `${a.table}.${a.column}`.localeCompare(`${b.table}.${b.column}`));
}

/** Share of a table's rows a predicate matches: counted on the SQLite scratch copy, or PostgreSQL's estimate. */
async function shareOf(engine: QueryEngine, catalog: StaticCatalog, table: string, alias: string, predicateSql: string): Promise<number | undefined> {
  const rows = catalog.table(table)?.rowCount;
  if (!rows) return undefined;
  const from = `${quote(table)}${alias !== table ? ` AS ${quote(alias)}` : ''}`;
  try {
    if (engine.dialect === 'postgres') {
      const raw = await engine.explain(`SELECT 1 FROM ${from} WHERE ${predicateSql}`);
      return raw.dialect === 'postgres' ? Math.min(1, raw.plan['Plan Rows'] / rows) : undefined;
    }
    return await engine.scratch(async (s) => {
      if (!s.hasData) return undefined;
      const res = await s.rows(`SELECT count(*) AS n FROM ${from} WHERE ${predicateSql}`, 1);
      return res === 'over-cap' ? undefined : Math.min(1, Number(res.rows[0]?.[0] ?? 0) / rows);
    });
  } catch {
    return undefined;
  }
}

function quote(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
