import { WorkbenchError } from '../../shared/api/errors.ts';
import type { Migration } from './migrations/migration.ts';
import { validateRegistry } from './migrations/migration.ts';
import type { SqlClient } from './sql-client.ts';
import type { MigrationReport } from './store.ts';

const SCHEMA_MIGRATIONS = {
  sqlite: `CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  applied_at TEXT NOT NULL
) STRICT`,
  postgres: `CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  applied_at TIMESTAMPTZ(3) NOT NULL
)`,
} as const;

const MIGRATION_LOCK = 'workbench.schema_migrations';

export interface AppliedMigration {
  version: number;
  name: string;
  appliedAt: string;
}

export interface MigrateOptions {
  migrations: readonly Migration[];
  /** When each migration is recorded as applied. */
  now: () => Date;
  /**
   * Called once pending migrations are known and before any is applied, with the current
   * version; returns the path of a backup it wrote, or null. Throwing stops the migration.
   */
  beforeMigrate?: (from: number, pending: readonly Migration[]) => Promise<string | null>;
}

async function hasMigrationTable(sql: SqlClient): Promise<boolean> {
  const row =
    sql.dialect === 'sqlite'
      ? await sql.get("SELECT 1 AS present FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'")
      : await sql.get("SELECT 1 AS present WHERE to_regclass('schema_migrations') IS NOT NULL");
  return row !== undefined;
}

/** The migrations recorded in the store, in order; [] for a store never migrated. */
export async function readAppliedMigrations(sql: SqlClient): Promise<AppliedMigration[]> {
  if (!(await hasMigrationTable(sql))) return [];
  const rows = await sql.all<{ version: number; name: string; applied_at: string }>(
    'SELECT version, name, applied_at FROM schema_migrations ORDER BY version',
  );
  return rows.map((r) => ({ version: r.version, name: r.name, appliedAt: r.applied_at }));
}

/**
 * The store's schema version, after checking that what it records agrees with this
 * build's registry: a store from a newer build, or one whose history differs, is refused
 * rather than half-understood.
 */
export function checkApplied(applied: readonly AppliedMigration[], migrations: readonly Migration[]): number {
  const latest = migrations.length;
  applied.forEach((a, i) => {
    if (a.version !== i + 1) {
      throw new WorkbenchError('UNAVAILABLE', `store schema history has a gap: expected migration v${i + 1}, found v${a.version}`, {
        version: a.version,
      });
    }
    if (a.version > latest) {
      throw new WorkbenchError(
        'UNAVAILABLE',
        `store schema is v${applied.length}, newer than this build knows (v${latest}); open it with a newer Compliance Workbench`,
        { storeVersion: applied.length, buildVersion: latest },
      );
    }
    const known = migrations[i]!;
    if (known.name !== a.name) {
      throw new WorkbenchError(
        'UNAVAILABLE',
        `store migration v${a.version} is "${a.name}" but this build's v${a.version} is "${known.name}"`,
        { version: a.version, storeName: a.name, buildName: known.name },
      );
    }
  });
  return applied.length;
}

/**
 * Brings the store to the registry's latest version. All pending migrations run in ONE
 * transaction with their schema_migrations rows, under a lock, so a failure leaves the
 * store exactly as it was and two processes opening one database migrate it once.
 */
export async function migrate(sql: SqlClient, options: MigrateOptions): Promise<MigrationReport> {
  const { migrations } = options;
  validateRegistry(migrations);
  const from = checkApplied(await readAppliedMigrations(sql), migrations);
  const pending = migrations.slice(from);
  if (pending.length === 0) return { from, to: from, applied: [], backupPath: null };

  const backupPath = options.beforeMigrate ? await options.beforeMigrate(from, pending) : null;
  let current = from;
  let running: Migration | undefined;
  try {
    const applied = await sql.transaction(async (tx) => {
      await tx.lock(MIGRATION_LOCK);
      await tx.exec(SCHEMA_MIGRATIONS[tx.dialect]);
      // Another process may have migrated between the first look and the lock.
      current = checkApplied(await readAppliedMigrations(tx), migrations);
      const done: number[] = [];
      for (const m of migrations.slice(current)) {
        running = m;
        await tx.exec(m[tx.dialect]);
        await tx.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [
          m.version,
          m.name,
          options.now().toISOString(),
        ]);
        done.push(m.version);
      }
      return done;
    });
    return { from, to: current + applied.length, applied, backupPath };
  } catch (e) {
    if (e instanceof WorkbenchError) throw e;
    const what = running ? `migration v${running.version} (${running.name})` : 'migration';
    throw new WorkbenchError('UNAVAILABLE', `${what} failed on ${sql.dialect}, nothing was changed: ${(e as Error).message}`, {
      ...(running ? { version: running.version } : {}),
      backupPath,
    });
  }
}
