import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { Database as SqliteDatabase } from 'better-sqlite3';
import { WorkbenchError } from '../../../shared/api/errors.ts';
import { StaticCatalog, type TableInfo } from '../catalog.ts';
import { AsyncMutex } from '../../store/async-mutex.ts';
import type { EqpRow } from '../plan/sqlite-plan.ts';
import type { QueryEngine, RawPlan, RowSet, Scratch } from './engine.ts';
import { readSqliteStats, readSqliteTables } from './sqlite-catalog.ts';

/** Databases up to this size are copied whole into memory for verification runs. */
export const DEFAULT_MAX_COPY_BYTES = 64 * 1024 * 1024;

const q = (name: string) => `"${name.replaceAll('"', '""')}"`;

interface Snapshot {
  dataVersion: number;
  tables: Map<string, TableInfo>;
  stats: Map<string, number[]>;
  tableRows: Map<string, number>;
  ndv: Map<string, number>;
  scratch: SqliteDatabase | null;
  scratchHasData: boolean;
}

/**
 * A SQLite database, opened read-only. Plans come from EXPLAIN QUERY PLAN on that
 * connection; verification runs on an in-memory copy (the whole database when it is at
 * most `maxCopyBytes`, else its schema and statistics only) inside a transaction that is
 * rolled back. The copy is refreshed when the database changes (PRAGMA data_version).
 */
export class SqliteEngine implements QueryEngine {
  readonly dialect = 'sqlite' as const;
  readonly display: string;
  readonly #db: SqliteDatabase;
  readonly #maxCopyBytes: number;
  readonly #ownsDb: boolean;
  /** One scratch session at a time, and no refresh of the copy while one runs. */
  readonly #lock = new AsyncMutex();
  #snapshot: Snapshot | undefined;

  constructor(db: SqliteDatabase, options: { display?: string; maxCopyBytes?: number; ownsDb?: boolean } = {}) {
    this.#db = db;
    this.display = options.display ?? db.name;
    this.#maxCopyBytes = options.maxCopyBytes ?? DEFAULT_MAX_COPY_BYTES;
    this.#ownsDb = options.ownsDb ?? false;
  }

  /** Opens an existing SQLite file read-only. */
  static openFile(file: string, options: { maxCopyBytes?: number } = {}): SqliteEngine {
    if (!existsSync(file)) throw new WorkbenchError('NOT_FOUND', `no SQLite database at ${file}`, { db: file });
    let db: SqliteDatabase;
    try {
      db = new Database(file, { readonly: true, fileMustExist: true });
      db.prepare('SELECT count(*) AS n FROM sqlite_schema').get();
    } catch (e) {
      throw new WorkbenchError('BAD_INPUT', `--db ${file} is not a readable SQLite database: ${(e as Error).message}`, { db: file });
    }
    return new SqliteEngine(db, { display: file, ...options, ownsDb: true });
  }

  #dataVersion(): number {
    return Number(this.#db.pragma('data_version', { simple: true }));
  }

  #current(): Snapshot {
    const dataVersion = this.#dataVersion();
    if (this.#snapshot && this.#snapshot.dataVersion === dataVersion) return this.#snapshot;
    this.#snapshot?.scratch?.close();
    const tables = new Map(readSqliteTables(this.#db).map((t) => [t.name, t]));
    const { indexes: stats, tableRows } = readSqliteStats(this.#db);
    const pageSize = Number(this.#db.pragma('page_size', { simple: true }));
    const pages = Number(this.#db.pragma('page_count', { simple: true }));
    const scratchHasData = pageSize * pages <= this.#maxCopyBytes;
    this.#snapshot = { dataVersion, tables, stats, tableRows, ndv: new Map(), scratch: null, scratchHasData };
    return this.#snapshot;
  }

  #scratchDb(s: Snapshot): SqliteDatabase {
    if (s.scratch) return s.scratch;
    if (s.scratchHasData) {
      const image = this.#db.serialize();
      // A WAL database's header says so; an in-memory copy must use a rollback journal.
      image[18] = 1;
      image[19] = 1;
      s.scratch = new Database(image);
    } else {
      s.scratch = schemaOnlyCopy(this.#db);
    }
    return s.scratch;
  }

  catalog(tables: readonly string[]): Promise<StaticCatalog> {
    return this.#lock.run(() => this.#catalog(tables));
  }

  #catalog(tables: readonly string[]): StaticCatalog {
    const s = this.#current();
    const wanted = new Set(tables.map((t) => t.toLowerCase()));
    const out: TableInfo[] = [];
    for (const t of s.tables.values()) {
      if (!wanted.has(t.name) && t.kind !== 'view') continue;
      out.push({ ...t, rowCount: this.#rowCount(s, t) });
    }
    return new StaticCatalog('sqlite', out, s.stats, new Map(s.ndv));
  }

  #rowCount(s: Snapshot, t: TableInfo): number | null {
    if (t.kind !== 'table') return null;
    const fromStats = s.tableRows.get(t.name);
    if (fromStats !== undefined) return fromStats;
    if (!s.scratchHasData) return null;
    const key = `${t.name}.*rows*`;
    let n = s.ndv.get(key);
    if (n === undefined) {
      n = Number((this.#scratchDb(s).prepare(`SELECT count(*) AS n FROM ${q(t.name)}`).get() as { n: number }).n);
      s.ndv.set(key, n);
    }
    return n;
  }

  fillNdv(catalog: StaticCatalog, columns: ReadonlyArray<{ table: string; column: string }>): Promise<void> {
    return this.#lock.run(() => this.#fillNdv(catalog, columns));
  }

  #fillNdv(catalog: StaticCatalog, columns: ReadonlyArray<{ table: string; column: string }>): void {
    const s = this.#current();
    for (const { table, column } of columns) {
      if (catalog.hasNdv(table, column)) continue;
      const key = `${table}.${column}`;
      let n = s.ndv.get(key);
      if (n === undefined && s.scratchHasData && s.tables.get(table)?.columns.includes(column)) {
        n = Number((this.#scratchDb(s).prepare(`SELECT count(DISTINCT ${q(column)}) AS n FROM ${q(table)}`).get() as { n: number }).n);
        s.ndv.set(key, n);
      }
      if (n !== undefined) catalog.setNdv(table, column, Math.max(1, n));
    }
  }

  columnWidth(table: string, column: string): Promise<number | undefined> {
    return this.#lock.run(() => this.#columnWidth(table, column));
  }

  #columnWidth(table: string, column: string): number | undefined {
    const s = this.#current();
    const key = `${table}.${column}.*width*`;
    if (!s.ndv.has(key)) {
      if (!s.scratchHasData || !s.tables.get(table)?.columns.includes(column)) return undefined;
      const row = this.#scratchDb(s).prepare(`SELECT avg(length(CAST(${q(column)} AS BLOB))) AS w FROM (SELECT ${q(column)} FROM ${q(table)} LIMIT 1000)`).get() as { w: number | null };
      s.ndv.set(key, row.w ?? 0);
    }
    return s.ndv.get(key);
  }

  async explain(sql: string): Promise<RawPlan> {
    return { dialect: 'sqlite', rows: explainOn(this.#db, sql) };
  }

  scratch<T>(fn: (s: Scratch) => Promise<T>): Promise<T> {
    return this.#lock.run(() => this.#scratch(fn));
  }

  async #scratch<T>(fn: (s: Scratch) => Promise<T>): Promise<T> {
    const snap = this.#current();
    const db = this.#scratchDb(snap);
    db.exec('BEGIN');
    let depth = 0;
    const session: Scratch = {
      hasData: snap.scratchHasData,
      explain: async (sql) => ({ dialect: 'sqlite', rows: explainOn(db, sql) }),
      withDdl: async (ddl, inner) => {
        const name = `cg_ddl_${++depth}`;
        db.exec(`SAVEPOINT ${name}`);
        try {
          for (const stmt of ddl) db.exec(stmt);
          // New indexes get statistics like the rest, so the planner weighs them fairly.
          if (snap.scratchHasData && snap.stats.size > 0) for (const idx of createdIndexNames(ddl)) db.exec(`ANALYZE ${q(idx)}`);
          return await inner();
        } finally {
          db.exec(`ROLLBACK TO ${name}`);
          db.exec(`RELEASE ${name}`);
          depth--;
        }
      },
      catalog: async (base) => {
        const names = new Set(base.tables().map((t) => t.name));
        const tables = readSqliteTables(db).filter((t) => names.has(t.name) && t.kind === 'table');
        return base.derive(tables, readSqliteStats(db).indexes);
      },
      rows: async (sql, cap) => {
        if (!snap.scratchHasData) throw new WorkbenchError('UNAVAILABLE', 'the database is too large to copy for verification runs');
        return readRows(db, sql, cap);
      },
    };
    try {
      return await fn(session);
    } finally {
      if (db.inTransaction) db.exec('ROLLBACK');
    }
  }

  close(): Promise<void> {
    return this.#lock.run(() => {
      this.#snapshot?.scratch?.close();
      this.#snapshot = undefined;
      if (this.#ownsDb && this.#db.open) this.#db.close();
    });
  }
}

/** Names of the indexes a list of DDL statements creates. */
export function createdIndexNames(ddl: readonly string[]): string[] {
  const out: string[] = [];
  for (const stmt of ddl) {
    const m = /^\s*CREATE\s+(?:UNIQUE\s+)?INDEX\s+(?:IF\s+NOT\s+EXISTS\s+)?("(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_]*)/i.exec(stmt);
    if (m) out.push(m[1]!.startsWith('"') ? m[1]!.slice(1, -1).replaceAll('""', '"') : m[1]!);
  }
  return out;
}

function explainOn(db: SqliteDatabase, sql: string): EqpRow[] {
  let rows: Array<{ id: number; parent: number; detail: string }>;
  try {
    rows = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as typeof rows;
  } catch (e) {
    throw new WorkbenchError('BAD_INPUT', `sql: SQLite rejected the query: ${(e as Error).message}`, { where: 'sql', dialect: 'sqlite' });
  }
  return rows.map((r) => ({ id: Number(r.id), parent: Number(r.parent), detail: String(r.detail) }));
}

function normalizeValue(v: unknown): unknown {
  if (Buffer.isBuffer(v)) return `x'${v.toString('hex')}'`;
  if (typeof v === 'bigint') return v.toString();
  return v;
}

function readRows(db: SqliteDatabase, sql: string, cap: number): RowSet | 'over-cap' {
  const stmt = db.prepare(sql);
  if (!stmt.reader || !stmt.readonly) throw new WorkbenchError('BAD_INPUT', 'sql: only read-only queries are run for verification');
  const columns = stmt.columns().map((c) => c.name);
  stmt.raw(true);
  const rows: unknown[][] = [];
  for (const row of stmt.iterate() as Iterable<unknown[]>) {
    if (rows.length >= cap) return 'over-cap';
    rows.push(row.map(normalizeValue));
  }
  return { columns, rows };
}

/** The schema and sqlite_stat1 of a database, without its rows: plans come out the same. */
function schemaOnlyCopy(source: SqliteDatabase): SqliteDatabase {
  const copy = new Database(':memory:');
  const objects = source
    .prepare("SELECT type, name, sql FROM sqlite_schema WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 ELSE 2 END, rowid")
    .all() as Array<{ type: string; name: string; sql: string }>;
  for (const o of objects) copy.exec(o.sql);
  const { indexes } = readSqliteStats(source);
  const stat1 = source.prepare("SELECT 1 FROM sqlite_schema WHERE name = 'sqlite_stat1'").get()
    ? (source.prepare('SELECT tbl, idx, stat FROM sqlite_stat1').all() as Array<{ tbl: string; idx: string | null; stat: string }>)
    : [];
  if (stat1.length > 0 || indexes.size > 0) {
    copy.exec('ANALYZE');
    copy.exec('DELETE FROM sqlite_stat1');
    const ins = copy.prepare('INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (?, ?, ?)');
    for (const r of stat1) ins.run(r.tbl, r.idx, r.stat);
    // Reload the statistics the planner uses.
    copy.exec('ANALYZE sqlite_schema');
  }
  return copy;
}
