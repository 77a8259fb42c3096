import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Pool, PoolClient, PoolConfig, QueryConfig, QueryResult } from 'pg';
import { PlaceholderError, toPostgresPlaceholders } from './placeholders.ts';
import { SqlError } from './sql-client.ts';
import type { SqlClient, SqlErrorKind, SqlValue } from './sql-client.ts';
import { bindParams, safeNumber, TransactionScope, TxState } from './sql-values.ts';
import type { DriverValue } from './sql-values.ts';

export interface PostgresClientOptions {
  /** Most connections the pool opens (default 10). */
  max?: number;
  /** How long to wait for a connection before failing with kind `unavailable` (default 10 s). */
  connectionTimeoutMs?: number;
}

const OID = {
  bool: 16,
  int8: 20,
  json: 114,
  date: 1082,
  timestamp: 1114,
  timestamptz: 1184,
  numeric: 1700,
  jsonb: 3802,
} as const;

const TIMESTAMP = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?$/;

/**
 * Text parsers that make PostgreSQL rows look like SQLite rows (see SqlClient): a pool-local
 * table, so the process-wide pg.types stays untouched for anyone else.
 */
const parsers: Record<number, (text: string) => unknown> = {
  [OID.int8]: (text) => safeNumber(BigInt(text)),
  [OID.numeric]: (text) => (/^-?\d+$/.test(text) ? safeNumber(BigInt(text)) : Number(text)),
  [OID.bool]: (text) => (text === 't' ? 1 : 0),
  // SQLite keeps JSON as TEXT; so do rows from here (parse where you read it).
  [OID.json]: (text) => text,
  [OID.jsonb]: (text) => text,
  [OID.date]: (text) => text,
  [OID.timestamptz]: (text) => {
    const parsed: unknown = pg.types.getTypeParser(OID.timestamptz, 'text')(text);
    return parsed instanceof Date && !Number.isNaN(parsed.getTime()) ? parsed.toISOString() : text;
  },
  // A timestamp without time zone is read as UTC (pg's default reads it as local time).
  [OID.timestamp]: (text) => {
    const m = TIMESTAMP.exec(text);
    if (!m) return text;
    const ms = Number((m[7] ?? '0').padEnd(3, '0').slice(0, 3));
    return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), ms)).toISOString();
  },
};

const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    const own = format === 'binary' ? undefined : parsers[oid];
    return own ?? pg.types.getTypeParser(oid, format ?? 'text');
  },
};

/** SQLSTATE → kind. Class 08 (connection exception) and 57P0x (shutdown) mean the server is gone. */
function kindOf(code: string): SqlErrorKind {
  if (code === '23505') return 'unique';
  if (code === '23514') return 'check';
  if (code === '23503') return 'foreign_key';
  if (code === '23502') return 'not_null';
  if (code === '22P05' || code === '22021') return 'bad_value';
  if (code.startsWith('08') || code.startsWith('57P0')) return 'unavailable';
  return 'other';
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE']);

export function toPgSqlError(e: unknown): SqlError {
  if (e instanceof SqlError) return e;
  if (e instanceof PlaceholderError) return new SqlError('misuse', 'postgres', e.message, { cause: e });
  if (!(e instanceof Error)) return new SqlError('other', 'postgres', String(e));
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string') {
    const kind = NETWORK_CODES.has(code) ? 'unavailable' : kindOf(code);
    return new SqlError(kind, 'postgres', e.message, { cause: e, driverCode: code });
  }
  if (/timeout exceeded when trying to connect|Connection terminated/i.test(e.message)) {
    return new SqlError('unavailable', 'postgres', e.message, { cause: e });
  }
  if (/Cannot use a pool after calling end/.test(e.message)) return new SqlError('closed', 'postgres', e.message, { cause: e });
  return new SqlError('other', 'postgres', e.message, { cause: e });
}

/** A 64-bit advisory-lock key from a name: stable across processes and releases. */
export function advisoryLockKey(name: string): string {
  return createHash('sha256').update(name, 'utf8').digest().readBigInt64BE(0).toString();
}

type Queryable = Pick<PoolClient, 'query'>;

async function query(on: Queryable, sql: string, params: readonly SqlValue[] | undefined): Promise<QueryResult> {
  try {
    const { text, count } = toPostgresPlaceholders(sql);
    const values = bindParams('postgres', params);
    if (count !== values.length) {
      throw new SqlError('misuse', 'postgres', `statement has ${count} placeholder(s) but ${values.length} parameter(s) were given`);
    }
    // Always the extended protocol: one statement per call, as on SQLite. (pg supports
    // queryMode; @types/pg does not declare it yet.)
    const config: QueryConfig<DriverValue[]> & { queryMode: 'extended' } = { text, values, queryMode: 'extended' };
    return await on.query(config);
  } catch (e) {
    throw toPgSqlError(e);
  }
}

async function exec(on: Queryable, sql: string): Promise<void> {
  try {
    await on.query(sql);
  } catch (e) {
    throw toPgSqlError(e);
  }
}

/** PostgreSQL over a pg Pool. */
export class PostgresClient implements SqlClient {
  readonly dialect = 'postgres' as const;
  readonly #pool: Pool;
  readonly #scope = new TransactionScope('postgres');
  #closed = false;

  private constructor(pool: Pool) {
    this.#pool = pool;
  }

  /** Opens a pool and proves the server answers; an unreachable server is SqlError kind `unavailable`. */
  static async open(connectionString: string, options: PostgresClientOptions = {}): Promise<PostgresClient> {
    const config: PoolConfig = {
      connectionString,
      max: options.max ?? 10,
      connectionTimeoutMillis: options.connectionTimeoutMs ?? 10_000,
      idleTimeoutMillis: 30_000,
      application_name: 'compliance-workbench',
      // The timestamptz parser reads ISO output; a server configured otherwise must not change that.
      options: '-c DateStyle=ISO',
      types,
    };
    const pool = new pg.Pool(config);
    // An idle connection that dies (server restart) must not crash the process: the next query reconnects.
    pool.on('error', () => {});
    const client = new PostgresClient(pool);
    try {
      await client.all('SELECT 1 AS ok');
    } catch (e) {
      await pool.end().catch(() => {});
      throw e;
    }
    return client;
  }

  async all<T = Record<string, unknown>>(sql: string, params?: readonly SqlValue[]): Promise<T[]> {
    this.#check();
    return (await query(this.#pool, sql, params)).rows as T[];
  }

  async get<T = Record<string, unknown>>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined> {
    return (await this.all<T>(sql, params))[0];
  }

  async run(sql: string, params?: readonly SqlValue[]): Promise<{ changes: number }> {
    this.#check();
    return { changes: (await query(this.#pool, sql, params)).rowCount ?? 0 };
  }

  async exec(sql: string): Promise<void> {
    this.#check();
    await exec(this.#pool, sql);
  }

  async lock(_name: string): Promise<void> {
    throw new SqlError('misuse', 'postgres', 'lock() is only meaningful inside a transaction: call it on the tx client');
  }

  async transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T> {
    this.#check();
    let conn: PoolClient;
    try {
      conn = await this.#pool.connect();
    } catch (e) {
      throw toPgSqlError(e);
    }
    // A connection that dies while checked out (backend terminated, server restart) already
    // fails the query in flight; without a listener its 'error' event would crash the process.
    const onDeadConnection = (): void => {};
    conn.on('error', onDeadConnection);
    const release = (err?: Error): void => {
      conn.off('error', onDeadConnection);
      conn.release(err);
    };
    try {
      await exec(conn, 'BEGIN');
    } catch (e) {
      release(e as Error);
      throw e;
    }
    const state = new TxState('postgres');
    try {
      const result = await this.#scope.run(() => fn(txClient(conn, state, 0)));
      state.ended = true;
      await exec(conn, 'COMMIT');
      release();
      return result;
    } catch (e) {
      state.ended = true;
      try {
        await conn.query('ROLLBACK');
        release();
      } catch (rollbackError) {
        // A connection that cannot roll back is not given back to the pool.
        release(rollbackError as Error);
      }
      // Driver errors were already mapped where they happened; fn's own errors pass through.
      throw e;
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#scope.assertOutside();
    this.#closed = true;
    await this.#pool.end();
  }

  #check(): void {
    this.#scope.assertOutside();
    if (this.#closed) throw new SqlError('closed', 'postgres', 'the PostgreSQL store is closed');
  }
}

function txClient(conn: PoolClient, state: TxState, depth: number): SqlClient {
  const open = () => state.assertOpen();
  return {
    dialect: 'postgres',
    all: async <T>(sql: string, params?: readonly SqlValue[]) => {
      open();
      return (await query(conn, sql, params)).rows as T[];
    },
    get: async <T>(sql: string, params?: readonly SqlValue[]) => {
      open();
      return (await query(conn, sql, params)).rows[0] as T | undefined;
    },
    run: async (sql, params) => {
      open();
      return { changes: (await query(conn, sql, params)).rowCount ?? 0 };
    },
    exec: async (sql) => {
      open();
      await exec(conn, sql);
    },
    lock: async (name) => {
      open();
      await query(conn, 'SELECT pg_advisory_xact_lock(?::bigint) AS locked', [advisoryLockKey(name)]);
    },
    transaction: async <T>(fn: (inner: SqlClient) => Promise<T>): Promise<T> => {
      open();
      const name = `sp_${depth + 1}`;
      await exec(conn, `SAVEPOINT ${name}`);
      const inner = new TxState('postgres');
      try {
        const result = await fn(txClient(conn, inner, depth + 1));
        inner.ended = true;
        await exec(conn, `RELEASE SAVEPOINT ${name}`);
        return result;
      } catch (e) {
        inner.ended = true;
        await exec(conn, `ROLLBACK TO SAVEPOINT ${name}`);
        await exec(conn, `RELEASE SAVEPOINT ${name}`);
        throw e;
      }
    },
    close: () => Promise.reject(new SqlError('misuse', 'postgres', 'close the outer client, not a transaction')),
  };
}
