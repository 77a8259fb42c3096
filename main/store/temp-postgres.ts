import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * Throw-away PostgreSQL databases: each test run, benchmark or chaos drill (audit-pack
 * chaos) gets its own database `wb_test_<pid>_<random>`, dropped afterwards (WITH (FORCE),
 * so connections a failed run left open do not keep it alive).
 */

/** Where the test server is: WORKBENCH_TEST_POSTGRES_URL, else the local trust-auth server. */
export function postgresAdminUrl(env: NodeJS.ProcessEnv = process.env): string {
  return env.WORKBENCH_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

/** True when WORKBENCH_SKIP_POSTGRES=1: the PostgreSQL half of a suite may be skipped. */
export function postgresSkipped(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.WORKBENCH_SKIP_POSTGRES === '1';
}

export interface TempPostgres {
  /** Connection string of the new database. */
  readonly url: string;
  readonly database: string;
  /** Drops the database; safe to call more than once. */
  drop(): Promise<void>;
}

export class PostgresUnreachableError extends Error {
  readonly code = 'POSTGRES_UNREACHABLE';
  constructor(where: string, cause: unknown) {
    super(
      `PostgreSQL is unreachable at ${where}: ${(cause as Error)?.message ?? String(cause)}. ` +
        'Start it (pg_ctlcluster --skip-systemctl-redirect <version> main start), point WORKBENCH_TEST_POSTGRES_URL at a server, ' +
        'or set WORKBENCH_SKIP_POSTGRES=1 to skip the PostgreSQL tests.',
      { cause },
    );
    this.name = 'PostgresUnreachableError';
  }
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

function hostOf(url: string): string {
  const u = new URL(url);
  return `${u.hostname || 'localhost'}:${u.port || '5432'}`;
}

async function admin<T>(adminUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (e) {
    await client.end().catch(() => {});
    throw new PostgresUnreachableError(hostOf(adminUrl), e);
  }
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

export function tempDatabaseName(): string {
  return `wb_test_${process.pid}_${randomBytes(4).toString('hex')}`;
}

export async function createTempPostgres(adminUrl: string = postgresAdminUrl()): Promise<TempPostgres> {
  const database = tempDatabaseName();
  await admin(adminUrl, (c) => c.query(`CREATE DATABASE ${pg.escapeIdentifier(database)}`));
  let dropped = false;
  return {
    url: withDatabase(adminUrl, database),
    database,
    async drop() {
      if (dropped) return;
      await admin(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(database)} WITH (FORCE)`));
      dropped = true;
    },
  };
}

/** Whether a database exists (tests use it to prove the drop happened). */
export async function postgresDatabaseExists(database: string, adminUrl: string = postgresAdminUrl()): Promise<boolean> {
  return admin(adminUrl, async (c) => (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [database])).rowCount === 1);
}
