/** A plan as the detectors see it, whichever database produced it. */

export type AccessMethod =
  /** Every row of the table (SQLite `SCAN t`, PostgreSQL `Seq Scan`). */
  | 'full-scan'
  /** Every entry of an index (SQLite `SCAN t USING INDEX i`, PostgreSQL index scan without a condition). */
  | 'index-scan'
  /** A range or point lookup through an index. */
  | 'index-search'
  /** A lookup by rowid / integer primary key. */
  | 'rowid-search'
  /** SQLite built a throw-away index for this query. */
  | 'automatic-index'
  /** Reading the rows of a subquery, CTE or view body. */
  | 'subquery-scan';

export interface PlanAccess {
  /** The name the plan uses: the alias, else the table name (lower-case). */
  alias: string;
  /** The base table, when the access reads one. */
  table: string | null;
  method: AccessMethod;
  index: string | null;
  covering: boolean;
  /** The index condition as the plan prints it (`customer_id=?`, `(status = 'paid'::text)`). */
  constraint: string | null;
  /** Estimated rows this access produces per execution. */
  rows: number;
}

export interface PlanReading {
  dialect: 'sqlite' | 'postgres';
  /** SQLite: the Cost Guard plan-cost model (docs/costguard.md#the-sqlite-plan-cost-model); PostgreSQL: the planner's total cost. */
  cost: number;
  /** Estimated result rows. */
  rows: number;
  accesses: PlanAccess[];
  /** Sorts the plan performs: 'ORDER BY', 'GROUP BY', 'DISTINCT', … */
  sorts: string[];
  /** The plan, one line per node, indented by depth. */
  lines: string[];
}

/** Rounds a cost for display and comparison (two decimals; plans are estimates). */
export function roundCost(n: number): number {
  return Math.round(n * 100) / 100;
}

/** True when `after` is cheaper than `before` by more than rounding noise. */
export function isCheaper(after: number, before: number): boolean {
  return roundCost(after) < roundCost(before) && before - after > Math.max(1e-6, before * 1e-4);
}

/** The accesses that read a whole table or index. */
export function fullScans(plan: PlanReading): PlanAccess[] {
  return plan.accesses.filter((a) => a.method === 'full-scan' || a.method === 'index-scan');
}
