import type { StaticCatalog } from '../catalog.ts';
import type { EqpRow } from '../plan/sqlite-plan.ts';
import type { PgPlanNode } from '../plan/postgres-plan.ts';
import type { SqlDialect } from '../sql/ast.ts';

/**
 * A database the analyzer can ask about: its catalog and the plans of queries — never
 * running the query itself on it. Everything that runs a query or creates an index goes
 * through `scratch`: an in-memory copy (SQLite) or a transaction that is always rolled
 * back (PostgreSQL).
 */

export type RawPlan = { dialect: 'sqlite'; rows: EqpRow[] } | { dialect: 'postgres'; plan: PgPlanNode };

export interface RowSet {
  columns: string[];
  rows: unknown[][];
}

export interface Scratch {
  /** False when the scratch copy holds the schema and statistics but no rows (a database too large to copy). */
  readonly hasData: boolean;
  explain(sql: string): Promise<RawPlan>;
  /** Applies the DDL for the duration of fn, then undoes it (whatever fn does). */
  withDdl<T>(ddl: readonly string[], fn: () => Promise<T>): Promise<T>;
  /** The catalog as the scratch database now stands (indexes created by withDdl, their statistics). */
  catalog(base: StaticCatalog): Promise<StaticCatalog>;
  /** Runs a read-only query; 'over-cap' when it returns more than `cap` rows. */
  rows(sql: string, cap: number): Promise<RowSet | 'over-cap'>;
}

export interface QueryEngine {
  readonly dialect: SqlDialect;
  /** Where the database is, for reports (never a password). */
  readonly display: string;
  /** The schema of the named tables (and every view, for pushdown), with row counts. */
  catalog(tables: readonly string[]): Promise<StaticCatalog>;
  /** Fills distinct counts of the given base columns into the catalog (statistics, else the scratch copy). */
  fillNdv(catalog: StaticCatalog, columns: ReadonlyArray<{ table: string; column: string }>): Promise<void>;
  /** Average stored width of a column in bytes (statistics, else a sample of the scratch copy); undefined when unknown. */
  columnWidth(table: string, column: string): Promise<number | undefined>;
  /** The plan of a query on the real database: EXPLAIN only, never executed. */
  explain(sql: string): Promise<RawPlan>;
  scratch<T>(fn: (s: Scratch) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
