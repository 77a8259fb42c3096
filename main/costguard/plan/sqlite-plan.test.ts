import { describe, expect, it } from 'vitest';
import { parseConstraint, planLines, SqlitePlanPricer, type BlockKey, type ConstraintTerm, type EqpRow, type SqliteCostModel } from './sqlite-plan.ts';

/** A model with fixed answers, so the pricing rules show plainly. */
function model(over: Partial<SqliteCostModel> & { rows?: Record<string, number>; limit?: number | null; offset?: number | null } = {}): SqliteCostModel {
  const rows = over.rows ?? { t: 1024, u: 256 };
  return {
    tableOf: (alias) => (alias in rows ? alias : undefined),
    rowCount: (table) => rows[table] ?? 0,
    indexRows: over.indexRows ?? ((_i: string, _t: string, terms: ConstraintTerm[]) => (terms.some((x) => x.op === '=') ? 4 : 100)),
    filterSelectivity: over.filterSelectivity ?? (() => 1),
    inListFactor: () => 1,
    reduceRows: over.reduceRows ?? ((_b: BlockKey, r: number) => r),
    aggregates: over.aggregates ?? (() => false),
    blockNameOf: () => undefined,
    limits: (b) => (b.kind === 'top' ? { limit: over.limit ?? null, offset: over.offset ?? null } : { limit: null, offset: null }),
  };
}

const rows = (...details: Array<[number, number, string]>): EqpRow[] => details.map(([id, parent, detail]) => ({ id, parent, detail }));

describe('the SQLite plan-cost model', () => {
  it('prices a full scan at the table rows', () => {
    const p = new SqlitePlanPricer(model()).price(rows([2, 0, 'SCAN t']));
    expect(p.cost).toBe(1024);
    expect(p.rows).toBe(1024);
    expect(p.accesses).toEqual([{ alias: 't', table: 't', method: 'full-scan', index: null, covering: false, constraint: null, rows: 1024 }]);
  });

  it('prices an index search at log2(N) plus 1.5 per matched row (0.5 when covering)', () => {
    expect(new SqlitePlanPricer(model()).price(rows([3, 0, 'SEARCH t USING INDEX i (a=?)'])).cost).toBe(10 + 4 * 1.5);
    expect(new SqlitePlanPricer(model()).price(rows([3, 0, 'SEARCH t USING COVERING INDEX i (a=?)'])).cost).toBe(10 + 4 * 0.5);
    expect(new SqlitePlanPricer(model()).price(rows([3, 0, 'SEARCH t USING INTEGER PRIMARY KEY (rowid=?)'])).cost).toBe(11);
  });

  it('multiplies an inner loop by the rows of the loops outside it', () => {
    const p = new SqlitePlanPricer(model()).price(rows([3, 0, 'SCAN u'], [5, 0, 'SEARCH t USING INDEX i (a=?)']));
    expect(p.cost).toBe(256 + 256 * (10 + 6));
    expect(p.rows).toBe(256 * 4);
  });

  it('adds n·log2(n) for a temporary b-tree and lets it block LIMIT pro-rating', () => {
    const sorted = new SqlitePlanPricer(model({ limit: 10 })).price(rows([2, 0, 'SCAN t'], [9, 0, 'USE TEMP B-TREE FOR ORDER BY']));
    expect(sorted.cost).toBeCloseTo(1024 + 1024 * Math.log2(1025), 6);
    expect(sorted.sorts).toEqual(['ORDER BY']);
    expect(sorted.rows).toBe(10);
    const streamed = new SqlitePlanPricer(model({ limit: 10, offset: 118 })).price(rows([2, 0, 'SCAN t']));
    expect(streamed.cost).toBe(128);
    expect(streamed.rows).toBe(10);
  });

  it('prices a materialized subquery once and its scan at its rows', () => {
    const p = new SqlitePlanPricer(model()).price(rows([2, 0, 'MATERIALIZE x'], [4, 2, 'SCAN t'], [20, 0, 'SCAN x']));
    expect(p.cost).toBe(1024 + 1024);
    expect(p.accesses.map((a) => a.method)).toEqual(['full-scan', 'subquery-scan']);
  });

  it('prices a correlated subquery once per outer row', () => {
    const p = new SqlitePlanPricer(model()).price(rows([2, 0, 'SCAN u'], [5, 0, 'CORRELATED SCALAR SUBQUERY 1'], [9, 5, 'SEARCH t USING COVERING INDEX i (a=?)']));
    expect(p.cost).toBe(256 + 256 * 12);
  });

  it('builds an automatic index once', () => {
    const p = new SqlitePlanPricer(model()).price(rows([2, 0, 'SCAN u'], [4, 0, 'SEARCH t USING AUTOMATIC COVERING INDEX (a=?)']));
    expect(p.accesses[1]).toMatchObject({ method: 'automatic-index', alias: 't' });
    expect(p.cost).toBeCloseTo(1024 * 10 + 256 + 256 * (10 + 102.4 * 0.5), 6);
  });

  it('reads constraints, including expression keys', () => {
    expect(parseConstraint('customer_id=? AND occurred_at>? AND occurred_at<?')).toEqual([
      { column: 'customer_id', op: '=' },
      { column: 'occurred_at', op: '>' },
      { column: 'occurred_at', op: '<' },
    ]);
    expect(parseConstraint('<expr>=?')).toEqual([{ column: '<expr>', op: '=' }]);
  });

  it('prints the plan as an indented tree', () => {
    expect(planLines(rows([2, 0, 'MATERIALIZE x'], [4, 2, 'SCAN t'], [20, 0, 'SCAN x']))).toEqual(['MATERIALIZE x', '  SCAN t', 'SCAN x']);
  });
});
