import { closeSync, existsSync, fsyncSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { WorkbenchError } from '../../shared/api/errors.ts';
import { readAppliedMigrations } from './migrate.ts';
import { SqliteClient } from './sqlite-client.ts';

/** `20261128T120000000Z`: sortable, and legal in file names on every platform (no colons). */
export function backupStamp(at: Date): string {
  return at.toISOString().replace(/[-:.]/g, '');
}

/** `<file>.backup-v<from>-<stamp>.sqlite` */
export function backupPathFor(file: string, fromVersion: number, at: Date): string {
  return `${file}.backup-v${fromVersion}-${backupStamp(at)}.sqlite`;
}

async function schemaVersionOf(file: string): Promise<number> {
  const db = await SqliteClient.open(file, { readonly: true });
  try {
    const check = await db.get<{ quick_check: string }>('PRAGMA quick_check');
    if (check?.quick_check !== 'ok') throw new Error(`integrity check failed: ${check?.quick_check ?? 'no answer'}`);
    return (await readAppliedMigrations(db)).length;
  } finally {
    await db.close();
  }
}

/**
 * Writes a consistent copy of an open store with SQLite's online backup API, then reopens
 * the copy to prove it is readable and at `fromVersion`. A backup that cannot be proven
 * stops the migration that asked for it.
 */
export async function writeSqliteBackup(client: SqliteClient, fromVersion: number, at: Date): Promise<string> {
  let path = backupPathFor(client.file, fromVersion, at);
  for (let n = 2; existsSync(path); n += 1) path = backupPathFor(client.file, fromVersion, at).replace(/\.sqlite$/, `-${n}.sqlite`);
  try {
    await client.backupTo(path);
    selfContained(path);
    const version = await schemaVersionOf(path);
    if (version !== fromVersion) throw new Error(`the copy is at schema v${version}, expected v${fromVersion}`);
  } catch (e) {
    removeDatabaseFiles(path);
    throw new WorkbenchError('UNAVAILABLE', `could not back up ${client.file} before migrating; nothing was changed: ${(e as Error).message}`, {
      file: client.file,
    });
  }
  return path;
}

/**
 * The copy carries the store's WAL flag; switching it to a rollback journal makes it one
 * self-contained file that can be opened read-only (or copied by hand) without -wal/-shm
 * files appearing beside it. The store is switched back to WAL when it is opened.
 */
function selfContained(path: string): void {
  const db = new Database(path, { fileMustExist: true });
  try {
    db.pragma('journal_mode = DELETE');
  } finally {
    db.close();
  }
}

/** The database file and its WAL companions. */
function removeDatabaseFiles(file: string): void {
  for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]) rmSync(f, { force: true });
}

function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } catch {
    // Some platforms cannot fsync a directory; the rename is still atomic.
  } finally {
    closeSync(fd);
  }
}

export interface RestoreReport {
  targetPath: string;
  /** The schema version of the restored store (it is migrated again on next open). */
  schemaVersion: number;
}

/**
 * Puts a backup back in place of a store. The store must be CLOSED in every process.
 *
 * 1. The backup is copied with the online backup API to `<target>.restore-tmp` and the copy
 *    is checked (quick_check, schema version), so a bad backup never replaces anything.
 * 2. The target's `-wal` and `-shm` files are deleted: a WAL left from the old file would be
 *    replayed onto the restored one and corrupt it.
 * 3. The copy is renamed over the target (atomic on one file system) and the folder synced.
 */
export async function restoreSqliteBackup(backupPath: string, targetPath: string): Promise<RestoreReport> {
  if (!existsSync(backupPath) || !statSync(backupPath).isFile()) {
    throw new WorkbenchError('NOT_FOUND', `backup ${backupPath} does not exist`, { backupPath });
  }
  if (!existsSync(dirname(targetPath))) {
    throw new WorkbenchError('BAD_INPUT', `targetPath: folder ${dirname(targetPath)} does not exist`, { targetPath });
  }
  const tmp = `${targetPath}.restore-tmp`;
  removeDatabaseFiles(tmp);
  let schemaVersion: number;
  try {
    const source = await SqliteClient.open(backupPath, { readonly: true });
    try {
      await source.backupTo(tmp);
    } finally {
      await source.close();
    }
    schemaVersion = await schemaVersionOf(tmp);
    // Closing the last connection checkpointed the copy; nothing may trail it.
    rmSync(`${tmp}-wal`, { force: true });
    rmSync(`${tmp}-shm`, { force: true });
    fsyncPath(tmp);
  } catch (e) {
    removeDatabaseFiles(tmp);
    throw new WorkbenchError('BAD_INPUT', `backup ${backupPath} is not a readable workbench store: ${(e as Error).message}`, {
      backupPath,
    });
  }
  rmSync(`${targetPath}-wal`, { force: true });
  rmSync(`${targetPath}-shm`, { force: true });
  rmSync(`${targetPath}-journal`, { force: true });
  renameSync(tmp, targetPath);
  fsyncPath(dirname(targetPath));
  return { targetPath, schemaVersion };
}
