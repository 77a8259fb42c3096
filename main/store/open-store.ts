import { existsSync, mkdirSync } from 'node:fs';
import { WorkbenchError } from '../../shared/api/errors.ts';
import { migrate } from './migrate.ts';
import { MIGRATIONS } from './migrations/index.ts';
import type { Migration } from './migrations/migration.ts';
import { PostgresClient } from './postgres-client.ts';
import { isSqlError } from './sql-client.ts';
import type { SqlClient } from './sql-client.ts';
import { SqlStore } from './sql-store.ts';
import { SqliteClient } from './sqlite-client.ts';
import { writeSqliteBackup } from './sqlite-backup.ts';
import type { Store } from './store.ts';
import { resolveStoreTarget } from './store-target.ts';

export interface OpenStoreOptions {
  /** A postgres:// or postgresql:// URL for the shared team store; absent → embedded SQLite. */
  databaseUrl?: string;
  /** The data folder; the SQLite store is `<dataDir>/workbench.sqlite`. */
  dataDir: string;
  /** The migration registry (tests inject their own); default: every migration of this build. */
  migrations?: readonly Migration[];
  /** Clock for schema_migrations.applied_at and the backup file name; default: the wall clock. */
  now?: () => Date;
}

/**
 * Opens the store the configuration names and brings its schema up to date. An existing
 * SQLite store with pending migrations is first backed up next to itself
 * (`MigrationReport.backupPath`).
 */
export async function openStore(options: OpenStoreOptions): Promise<Store> {
  const target = resolveStoreTarget(options);
  const migrations = options.migrations ?? MIGRATIONS;
  const now = options.now ?? (() => new Date());

  let client: SqlClient;
  if (target.kind === 'sqlite') {
    mkdirSync(options.dataDir, { recursive: true });
    const existed = existsSync(target.file);
    const sqlite = await openClient(() => SqliteClient.open(target.file), target.location.display);
    client = sqlite;
    try {
      const migration = await migrate(sqlite, {
        migrations,
        now,
        beforeMigrate: async (from) => (existed && from > 0 ? writeSqliteBackup(sqlite, from, now()) : null),
      });
      return new SqlStore(client, target.location, migration);
    } catch (e) {
      await client.close();
      throw e;
    }
  }

  client = await openClient(() => PostgresClient.open(target.connectionString), target.location.display);
  try {
    const migration = await migrate(client, { migrations, now });
    return new SqlStore(client, target.location, migration);
  } catch (e) {
    await client.close();
    throw e;
  }
}

async function openClient<C extends SqlClient>(open: () => Promise<C>, display: string): Promise<C> {
  try {
    return await open();
  } catch (e) {
    if (isSqlError(e)) {
      throw new WorkbenchError('UNAVAILABLE', `cannot open the store at ${display}: ${e.message}`, { store: display, kind: e.kind });
    }
    throw e;
  }
}
