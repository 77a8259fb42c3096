import Database from 'better-sqlite3';
import type { Database as SqliteDatabase, Statement } from 'better-sqlite3';
import { AsyncMutex } from './async-mutex.ts';
import { SqlError } from './sql-client.ts';
import type { SqlClient, SqlErrorKind, SqlValue } from './sql-client.ts';
import { bindParams, safeNumber, TransactionScope, TxState } from './sql-values.ts';

export interface SqliteClientOptions {
  /**
   * How long a statement waits for another connection's write lock before failing with
   * SqlError kind `busy`. The wait is asynchronous (retry with backoff), not SQLite's
   * blocking busy handler: a blocking wait would freeze the event loop, and with it the
   * very transaction that holds the lock when both connections live in one process.
   */
  busyTimeoutMs?: number;
  readonly?: boolean;
}

const STATEMENT_CACHE_SIZE = 256;

/** SQLite over better-sqlite3: one connection, WAL, synchronous=NORMAL, foreign keys on. */
export class SqliteClient implements SqlClient {
  readonly dialect = 'sqlite' as const;
  readonly file: string;
  readonly #db: SqliteDatabase;
  readonly #mutex = new AsyncMutex();
  readonly #scope = new TransactionScope('sqlite');
  readonly #statements = new Map<string, Statement>();
  readonly #busyTimeoutMs: number;
  #closed = false;

  private constructor(file: string, db: SqliteDatabase, busyTimeoutMs: number) {
    this.file = file;
    this.#db = db;
    this.#busyTimeoutMs = busyTimeoutMs;
  }

  static async open(file: string, options: SqliteClientOptions = {}): Promise<SqliteClient> {
    const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
    let db: SqliteDatabase;
    try {
      // timeout 0: SQLite never blocks the thread; waits happen in retryBusy instead.
      db = new Database(file, { timeout: 0, readonly: options.readonly ?? false });
    } catch (e) {
      throw toSqlError(e);
    }
    const client = new SqliteClient(file, db, busyTimeoutMs);
    try {
      await client.#retryBusy(() => {
        if (!options.readonly) db.pragma('journal_mode = WAL');
        db.pragma('synchronous = NORMAL');
        db.pragma('foreign_keys = ON');
        db.pragma('busy_timeout = 0');
      });
    } catch (e) {
      db.close();
      throw e;
    }
    return client;
  }

  all<T = Record<string, unknown>>(sql: string, params?: readonly SqlValue[]): Promise<T[]> {
    return this.#outside(() => this.#all<T>(sql, params));
  }

  async get<T = Record<string, unknown>>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined> {
    return (await this.all<T>(sql, params))[0];
  }

  run(sql: string, params?: readonly SqlValue[]): Promise<{ changes: number }> {
    return this.#outside(() => this.#run(sql, params));
  }

  exec(sql: string): Promise<void> {
    return this.#outside(() => this.#exec(sql));
  }

  async lock(_name: string): Promise<void> {
    throw new SqlError('misuse', 'sqlite', 'lock() is only meaningful inside a transaction: call it on the tx client');
  }

  async transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T> {
    this.#scope.assertOutside();
    return this.#mutex.run(async () => {
      this.#assertOpen();
      await this.#retryBusy(() => this.#exec('BEGIN IMMEDIATE'));
      const state = new TxState('sqlite');
      try {
        const result = await this.#scope.run(() => fn(this.#txClient(state, 0)));
        state.ended = true;
        this.#exec('COMMIT');
        return result;
      } catch (e) {
        state.ended = true;
        if (this.#db.inTransaction) this.#exec('ROLLBACK');
        throw e;
      }
    });
  }

  /**
   * Copies the database with SQLite's online backup API (consistent even in WAL mode),
   * between statements of this connection, never inside a transaction of it.
   */
  backupTo(destination: string): Promise<void> {
    return this.#outside(async () => {
      try {
        await this.#db.backup(destination);
      } catch (e) {
        throw toSqlError(e);
      }
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#scope.assertOutside();
    return this.#mutex.run(() => {
      if (this.#closed) return;
      this.#closed = true;
      this.#statements.clear();
      this.#db.close();
    });
  }

  /** A statement from outside any transaction: waits its turn, retries while another connection holds the lock. */
  async #outside<T>(fn: () => T | Promise<T>): Promise<T> {
    this.#scope.assertOutside();
    return this.#mutex.run(() => {
      this.#assertOpen();
      return this.#retryBusy(fn);
    });
  }

  #txClient(state: TxState, depth: number): SqlClient {
    const guard = <T>(fn: () => T): Promise<T> => {
      try {
        state.assertOpen();
        this.#assertOpen();
        return Promise.resolve(fn());
      } catch (e) {
        return Promise.reject(e);
      }
    };
    const tx: SqlClient = {
      dialect: 'sqlite',
      all: <T>(sql: string, params?: readonly SqlValue[]) => guard(() => this.#all<T>(sql, params)),
      get: async <T>(sql: string, params?: readonly SqlValue[]) => (await guard(() => this.#all<T>(sql, params)))[0],
      run: (sql, params) => guard(() => this.#run(sql, params)),
      exec: (sql) => guard(() => this.#exec(sql)),
      // The transaction began with BEGIN IMMEDIATE: it already holds the only write lock.
      lock: () => guard(() => undefined),
      transaction: async <T>(fn: (inner: SqlClient) => Promise<T>): Promise<T> => {
        state.assertOpen();
        const name = `sp_${depth + 1}`;
        this.#exec(`SAVEPOINT ${name}`);
        const inner = new TxState('sqlite');
        try {
          const result = await fn(this.#txClient(inner, depth + 1));
          inner.ended = true;
          this.#exec(`RELEASE ${name}`);
          return result;
        } catch (e) {
          inner.ended = true;
          this.#exec(`ROLLBACK TO ${name}`);
          this.#exec(`RELEASE ${name}`);
          throw e;
        }
      },
      close: () => Promise.reject(new SqlError('misuse', 'sqlite', 'close the outer client, not a transaction')),
    };
    return tx;
  }

  #statement(sql: string): Statement {
    let stmt = this.#statements.get(sql);
    if (stmt) {
      // Refresh its place in the least-recently-used order.
      this.#statements.delete(sql);
    } else {
      stmt = this.#db.prepare(sql);
      if (stmt.reader) stmt.safeIntegers(true);
      if (this.#statements.size >= STATEMENT_CACHE_SIZE) {
        const oldest = this.#statements.keys().next().value;
        if (oldest !== undefined) this.#statements.delete(oldest);
      }
    }
    this.#statements.set(sql, stmt);
    return stmt;
  }

  #all<T>(sql: string, params: readonly SqlValue[] | undefined): T[] {
    try {
      const stmt = this.#statement(sql);
      const values = bindParams('sqlite', params);
      if (!stmt.reader) {
        // PostgreSQL answers a statement without result columns with no rows; so do we.
        stmt.run(...values);
        return [];
      }
      return (stmt.all(...values) as Record<string, unknown>[]).map(normalizeRow) as T[];
    } catch (e) {
      throw toSqlError(e);
    }
  }

  #run(sql: string, params: readonly SqlValue[] | undefined): { changes: number } {
    try {
      const info = this.#statement(sql).run(...bindParams('sqlite', params));
      return { changes: info.changes };
    } catch (e) {
      throw toSqlError(e);
    }
  }

  #exec(sql: string): void {
    try {
      this.#db.exec(sql);
    } catch (e) {
      throw toSqlError(e);
    }
  }

  #assertOpen(): void {
    if (this.#closed) throw new SqlError('closed', 'sqlite', `the SQLite store ${this.file} is closed`);
  }

  async #retryBusy<T>(fn: () => T | Promise<T>): Promise<T> {
    const deadline = Date.now() + this.#busyTimeoutMs;
    let delay = 1;
    for (;;) {
      try {
        return await fn();
      } catch (e) {
        const err = toSqlError(e);
        if (err.kind !== 'busy' || Date.now() >= deadline) throw err;
        await new Promise((resolve) => setTimeout(resolve, delay));
        delay = Math.min(delay * 2, 50);
      }
    }
  }
}

/** Integers were read as bigints (no silent precision loss); hand them out as numbers where safe. */
function normalizeRow(row: Record<string, unknown>): Record<string, unknown> {
  for (const key in row) {
    const value = row[key];
    if (typeof value === 'bigint') row[key] = safeNumber(value);
  }
  return row;
}

const KIND_BY_CODE: Record<string, SqlErrorKind> = {
  SQLITE_CONSTRAINT_PRIMARYKEY: 'unique',
  SQLITE_CONSTRAINT_UNIQUE: 'unique',
  SQLITE_CONSTRAINT_CHECK: 'check',
  SQLITE_CONSTRAINT_FOREIGNKEY: 'foreign_key',
  SQLITE_CONSTRAINT_NOTNULL: 'not_null',
};

export function toSqlError(e: unknown): SqlError {
  if (e instanceof SqlError) return e;
  if (!(e instanceof Error)) return new SqlError('other', 'sqlite', String(e));
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string') {
    const kind = KIND_BY_CODE[code] ?? (code.startsWith('SQLITE_BUSY') ? 'busy' : 'other');
    return new SqlError(kind, 'sqlite', e.message, { cause: e, driverCode: code });
  }
  if (e instanceof RangeError && /parameter/.test(e.message)) return new SqlError('misuse', 'sqlite', e.message, { cause: e });
  if (/connection is not open/.test(e.message)) return new SqlError('closed', 'sqlite', e.message, { cause: e });
  return new SqlError('other', 'sqlite', e.message, { cause: e });
}
