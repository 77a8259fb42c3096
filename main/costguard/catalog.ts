/**
 * What the analyzer knows about the database's schema and statistics: tables, views,
 * columns, indexes, foreign keys, row counts and distinct counts. Names are lower-case.
 */

export interface IndexInfo {
  name: string;
  table: string;
  /** Key columns in order; null for an expression key. */
  columns: Array<string | null>;
  /** The key expressions' text (for expression keys), in order; '' for plain columns. */
  expressions: string[];
  unique: boolean;
  partial: boolean;
  primaryKey: boolean;
}

export interface ForeignKey {
  columns: string[];
  refTable: string;
  refColumns: string[];
}

export interface TableInfo {
  name: string;
  kind: 'table' | 'view';
  columns: string[];
  /** Declared type of each column, as the database prints it. */
  columnTypes: Record<string, string>;
  primaryKey: string[];
  /** SQLite: the INTEGER PRIMARY KEY column that aliases the rowid. */
  rowidAlias: string | null;
  indexes: IndexInfo[];
  foreignKeys: ForeignKey[];
  /** Estimated rows (statistics or a count on the scratch copy); null when unknown. */
  rowCount: number | null;
  /** A view's defining SELECT. */
  viewSql: string | null;
}

export interface Catalog {
  readonly dialect: 'sqlite' | 'postgres';
  table(name: string): TableInfo | undefined;
  /** SQLite sqlite_stat1 numbers for an index: [rows, rows per key of 1 column, of 2 columns, …]. */
  indexStat(index: string): number[] | undefined;
  /** Distinct values of a column, when known (statistics, or counted on the scratch copy). */
  ndv(table: string, column: string): number | undefined;
}

/** The index whose key starts with `column` (plain column keys only), best first (unique, then shortest). */
export function indexesLeadingWith(table: TableInfo, column: string): IndexInfo[] {
  return table.indexes
    .filter((i) => !i.partial && i.columns[0] === column)
    .sort((a, b) => Number(b.unique) - Number(a.unique) || a.columns.length - b.columns.length || a.name.localeCompare(b.name));
}

/** True when some index has `column` as a key column (any position) or it is the rowid alias. */
export function isIndexedColumn(table: TableInfo, column: string): boolean {
  return table.rowidAlias === column || table.indexes.some((i) => i.columns.includes(column));
}

/** True when `column` leads some index (or is the rowid alias): an equality on it can be searched. */
export function isLeadingIndexed(table: TableInfo, column: string): boolean {
  return table.rowidAlias === column || indexesLeadingWith(table, column).length > 0;
}

/** True when the column alone is unique (primary key of one column, or a one-column unique index). */
export function isUniqueColumn(table: TableInfo, column: string): boolean {
  if (table.rowidAlias === column) return true;
  if (table.primaryKey.length === 1 && table.primaryKey[0] === column) return true;
  return table.indexes.some((i) => i.unique && !i.partial && i.columns.length === 1 && i.columns[0] === column);
}

/** A catalog over fixed tables and statistics (tests, and the engines' cached snapshots). */
export class StaticCatalog implements Catalog {
  readonly dialect: 'sqlite' | 'postgres';
  readonly #tables: Map<string, TableInfo>;
  readonly #stats: Map<string, number[]>;
  readonly #ndv: Map<string, number>;

  constructor(dialect: 'sqlite' | 'postgres', tables: Iterable<TableInfo>, stats: Map<string, number[]> = new Map(), ndv: Map<string, number> = new Map()) {
    this.dialect = dialect;
    this.#tables = new Map([...tables].map((t) => [t.name, t]));
    this.#stats = stats;
    this.#ndv = ndv;
  }

  table(name: string): TableInfo | undefined {
    return this.#tables.get(name.toLowerCase());
  }

  tables(): TableInfo[] {
    return [...this.#tables.values()];
  }

  indexStat(index: string): number[] | undefined {
    return this.#stats.get(index.toLowerCase());
  }

  ndv(table: string, column: string): number | undefined {
    return this.#ndv.get(`${table.toLowerCase()}.${column.toLowerCase()}`);
  }

  /** The same catalog with some tables and index statistics replaced (distinct counts kept). */
  derive(tables: Iterable<TableInfo>, stats: Map<string, number[]>): StaticCatalog {
    const merged = new Map(this.#tables);
    for (const t of tables) merged.set(t.name, { ...t, rowCount: t.rowCount ?? merged.get(t.name)?.rowCount ?? null });
    return new StaticCatalog(this.dialect, merged.values(), new Map([...this.#stats, ...stats]), this.#ndv);
  }

  setNdv(table: string, column: string, n: number): void {
    this.#ndv.set(`${table.toLowerCase()}.${column.toLowerCase()}`, n);
  }

  hasNdv(table: string, column: string): boolean {
    return this.#ndv.has(`${table.toLowerCase()}.${column.toLowerCase()}`);
  }
}
