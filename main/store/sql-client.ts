export type Dialect = 'sqlite' | 'postgres';
export type SqlValue = string | number | bigint | boolean | null | Uint8Array;

/**
 * A dialect-neutral SQL client. Statements use `?` placeholders; the PostgreSQL client
 * rewrites them to `$n` (a `?` inside a string literal, quoted identifier, comment or
 * dollar-quoted body is left alone). Rows come back as plain objects with column names as
 * keys, with the same shapes on both dialects:
 *
 * - integers are numbers (bigint only beyond Number.MAX_SAFE_INTEGER), NUMERIC is a number;
 * - PostgreSQL `timestamptz` comes back as an ISO-8601 UTC string with milliseconds
 *   (`2026-11-28T12:00:00.000Z`), the form SQLite stores as TEXT;
 * - BLOB / bytea come back as Buffers; booleans are bound as 1/0.
 *
 * Portable SQL keeps unquoted column names lower-case snake_case (PostgreSQL folds
 * unquoted aliases to lower case) and aliases every computed column (`count(*) AS n`).
 * Failures throw `SqlError` with a dialect-neutral `kind`.
 */
export interface SqlClient {
  readonly dialect: Dialect;
  all<T = Record<string, unknown>>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  get<T = Record<string, unknown>>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined>;
  run(sql: string, params?: readonly SqlValue[]): Promise<{ changes: number }>;
  /** Several statements, no parameters (migrations). */
  exec(sql: string): Promise<void>;
  /**
   * Runs fn inside one transaction on one connection; commits if it resolves, rolls back if
   * it throws. Use only the `tx` client inside fn: calling the outer client from inside fn
   * throws (SqlError kind `misuse`) instead of deadlocking. `tx.transaction` nests as a
   * SAVEPOINT.
   *
   * SQLite: transactions on the connection are serialised and begin with BEGIN IMMEDIATE,
   * so a read-then-write inside is safe. PostgreSQL: READ COMMITTED on one pooled
   * connection; a read-then-write that must not race another connection calls
   * `tx.lock(name)` first.
   */
  transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T>;
  /**
   * Inside a transaction: takes an exclusive lock named `name`, held until the outermost
   * transaction ends (PostgreSQL: `pg_advisory_xact_lock`; SQLite: nothing to do, the
   * transaction already holds the database write lock). Outside a transaction: throws.
   */
  lock(name: string): Promise<void>;
  close(): Promise<void>;
}

/** What went wrong, the same on both dialects. */
export type SqlErrorKind =
  | 'unique' // a PRIMARY KEY or UNIQUE constraint
  | 'check' // a CHECK constraint
  | 'foreign_key'
  | 'not_null'
  | 'busy' // SQLite: the database stayed locked by another connection past the busy timeout
  | 'bad_value' // a parameter no dialect can store (undefined, NUL in text, NaN)
  | 'misuse' // the client was used wrongly (outer client inside its own transaction, lock outside one)
  | 'closed'
  | 'unavailable' // PostgreSQL: cannot connect
  | 'other';

export class SqlError extends Error {
  readonly code = 'SQL_ERROR';
  readonly kind: SqlErrorKind;
  readonly dialect: Dialect;
  /** The driver's own error code (e.g. SQLITE_CONSTRAINT_CHECK, 23514), when there is one. */
  readonly driverCode: string | undefined;

  constructor(kind: SqlErrorKind, dialect: Dialect, message: string, options: { cause?: unknown; driverCode?: string } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SqlError';
    this.kind = kind;
    this.dialect = dialect;
    this.driverCode = options.driverCode;
  }
}

export function isSqlError(e: unknown, kind?: SqlErrorKind): e is SqlError {
  return e instanceof SqlError && (kind === undefined || e.kind === kind);
}
