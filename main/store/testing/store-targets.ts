import type { StoreKind } from '../store.ts';
import { createTempPostgres, postgresSkipped } from '../temp-postgres.ts';
import { createTempSqlite } from './temp-sqlite.ts';

/**
 * One place that knows how to give a test a fresh, empty location for each kind of store:
 * `describe.each(STORE_KINDS)` plus `skipStoreKind(kind)` and `createStoreLocation(kind)`.
 */
export const STORE_KINDS: readonly StoreKind[] = ['sqlite', 'postgres'];

/** Only PostgreSQL may be skipped, and only when WORKBENCH_SKIP_POSTGRES=1 says so. */
export function skipStoreKind(kind: StoreKind, env: NodeJS.ProcessEnv = process.env): boolean {
  return kind === 'postgres' && postgresSkipped(env);
}

export interface TestStoreLocation {
  readonly kind: StoreKind;
  /** openStore's dataDir (a temp folder for both kinds). */
  readonly dataDir: string;
  /** openStore's databaseUrl (PostgreSQL only). */
  readonly databaseUrl: string | undefined;
  /** SQLite file path, or the PostgreSQL database name. */
  readonly name: string;
  /** Removes the folder and drops the database. */
  cleanup(): Promise<void>;
}

/** A fresh empty location; PostgreSQL being unreachable throws PostgresUnreachableError. */
export async function createStoreLocation(kind: StoreKind): Promise<TestStoreLocation> {
  const dir = createTempSqlite();
  if (kind === 'sqlite') {
    return { kind, dataDir: dir.dataDir, databaseUrl: undefined, name: dir.file, cleanup: async () => dir.remove() };
  }
  let db;
  try {
    db = await createTempPostgres();
  } catch (e) {
    dir.remove();
    throw e;
  }
  return {
    kind,
    dataDir: dir.dataDir,
    databaseUrl: db.url,
    name: db.database,
    cleanup: async () => {
      try {
        await db.drop();
      } finally {
        dir.remove();
      }
    },
  };
}
