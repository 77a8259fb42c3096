import { copyFileSync, existsSync, readdirSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WorkbenchError } from '../../shared/api/errors.ts';
import { MIGRATIONS } from './migrations/index.ts';
import type { Migration } from './migrations/migration.ts';
import { openStore } from './open-store.ts';
import { backupPathFor, restoreSqliteBackup } from './sqlite-backup.ts';
import { SqliteClient } from './sqlite-client.ts';
import type { Store } from './store.ts';
import { createTempSqlite } from './testing/temp-sqlite.ts';
import type { TempSqlite } from './testing/temp-sqlite.ts';

const AT = new Date('2026-11-28T12:00:00.000Z');

/** Test-only v2: changes data and schema, so a restore has something to undo. */
// The test migration comes after whatever the build registers.
const N = MIGRATIONS.length;
const V2: Migration = {
  version: N + 1,
  name: 'test_rewrite_titles',
  sqlite: "UPDATE evidence SET title = 'CHANGED'; DELETE FROM settings; ALTER TABLE actors ADD COLUMN nickname TEXT;",
  postgres: "UPDATE evidence SET title = 'CHANGED'; DELETE FROM settings; ALTER TABLE actors ADD COLUMN nickname TEXT;",
};

async function snapshot(store: Store): Promise<unknown> {
  const sql = store.sql;
  return {
    schema: await sql.all("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name"),
    migrations: await sql.all('SELECT version, name, applied_at FROM schema_migrations ORDER BY version'),
    actors: await sql.all('SELECT * FROM actors ORDER BY id'),
    roles: await sql.all('SELECT * FROM actor_roles ORDER BY actor_id, role'),
    evidence: await sql.all('SELECT * FROM evidence ORDER BY id'),
    audit: await sql.all('SELECT * FROM audit_events ORDER BY seq'),
    settings: await sql.all('SELECT * FROM settings ORDER BY key'),
  };
}

async function errorOf(p: Promise<unknown>): Promise<WorkbenchError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!(e instanceof WorkbenchError)) throw new Error(`expected a WorkbenchError, got ${String(e)}`);
  return e;
}

describe('SQLite backup before migration, and restore', () => {
  let dir: TempSqlite;
  afterEach(() => dir?.remove());

  it('[sqlite] backs up a v1 store before a data-changing v2, and restoring brings back every row exactly', async () => {
    dir = createTempSqlite();
    const v1 = await openStore({ dataDir: dir.dataDir, now: () => AT });
    expect(v1.migration.backupPath).toBeNull();
    await v1.upsertActor({ id: 'alice', displayName: 'Alice', tenant: 'acme', region: 'us-west-2', roles: ['auditor'] }, '2026-11-01T09:00:00.000Z');
    await v1.insertEvidence({
      id: 'ev-1',
      title: 'Original title',
      kind: 'sbom',
      labels: { tenant: 'acme', region: 'us-west-2', sensitivity: 'internal', purpose: 'security' },
      sha256: null,
      createdAt: '2026-11-02T10:00:00.000Z',
    });
    await v1.appendAuditEvent({
      at: '2026-11-03T10:00:00.000Z',
      actorId: 'alice',
      action: 'evidence.read',
      resourceType: 'evidence',
      resourceId: 'ev-1',
      decision: 'allow',
      payload: { reason: 'ok' },
    });
    await v1.setSetting('ui.theme', { dark: true });
    const before = await snapshot(v1);
    await v1.close();

    const v2 = await openStore({ dataDir: dir.dataDir, migrations: [...MIGRATIONS, V2], now: () => AT });
    const expectedBackup = `${dir.file}.backup-v${N}-20261128T120000000Z.sqlite`;
    expect(backupPathFor(dir.file, N, AT)).toBe(expectedBackup);
    expect(v2.migration).toEqual({ from: N, to: N + 1, applied: [N + 1], backupPath: expectedBackup });
    // One self-contained file: no -wal/-shm beside the backup, so it can also be copied by hand.
    expect(readdirSync(dir.dataDir).filter((f) => f.startsWith(basename(expectedBackup)))).toEqual([basename(expectedBackup)]);
    expect((await v2.getEvidence('ev-1'))?.title).toBe('CHANGED');
    expect(await v2.getSetting('ui.theme')).toBeUndefined();
    // A crash would leave a WAL of the migrated file behind; keep one to prove restore discards it.
    await v2.setSetting('written.after.migration', 1);
    copyFileSync(`${dir.file}-wal`, `${dir.dataDir}/stale-wal`);
    await v2.close();
    copyFileSync(`${dir.dataDir}/stale-wal`, `${dir.file}-wal`);

    expect(await restoreSqliteBackup(expectedBackup, dir.file)).toEqual({ targetPath: dir.file, schemaVersion: N });
    expect(existsSync(`${dir.file}-wal`)).toBe(false);
    expect(readdirSync(dir.dataDir).filter((f) => f.includes('restore-tmp'))).toEqual([]);

    const restored = await openStore({ dataDir: dir.dataDir, now: () => AT });
    try {
      expect(restored.migration).toEqual({ from: N, to: N, applied: [], backupPath: null });
      expect(await snapshot(restored)).toEqual(before);
      expect(await restored.verifyAuditChain()).toEqual({ ok: true, checked: 1, firstBrokenSeq: null, reason: null });
    } finally {
      await restored.close();
    }
    // The backup itself is untouched (still one file) and still restorable.
    expect(readdirSync(dir.dataDir).filter((f) => f.startsWith(basename(expectedBackup)))).toEqual([basename(expectedBackup)]);
  });

  it('[sqlite] writes no backup for a new store or one already up to date', async () => {
    dir = createTempSqlite();
    const first = await openStore({ dataDir: dir.dataDir, now: () => AT });
    await first.close();
    const again = await openStore({ dataDir: dir.dataDir, now: () => AT });
    await again.close();
    expect([first.migration.backupPath, again.migration.backupPath]).toEqual([null, null]);
    expect(readdirSync(dir.dataDir).filter((f) => f.includes('backup'))).toEqual([]);
  });

  it('[sqlite] refuses to restore a missing or unreadable backup and leaves the target alone', async () => {
    dir = createTempSqlite();
    const store = await openStore({ dataDir: dir.dataDir, now: () => AT });
    await store.setSetting('k', 'kept');
    await store.close();

    const missing = await errorOf(restoreSqliteBackup(`${dir.dataDir}/nope.sqlite`, dir.file));
    expect([missing.code, missing.message]).toEqual(['NOT_FOUND', `backup ${dir.dataDir}/nope.sqlite does not exist`]);

    const junk = `${dir.dataDir}/junk.sqlite`;
    writeFileSync(junk, 'this is not a database, just some bytes that are long enough to have a header '.repeat(20));
    const bad = await errorOf(restoreSqliteBackup(junk, dir.file));
    expect([bad.code, bad.message.startsWith(`backup ${junk} is not a readable workbench store: `)]).toEqual(['BAD_INPUT', true]);

    const noFolder = await errorOf(restoreSqliteBackup(junk, `${dir.dataDir}/missing/workbench.sqlite`));
    expect(noFolder.code).toBe('BAD_INPUT');

    const check = await SqliteClient.open(dir.file);
    try {
      expect(await check.get('SELECT value FROM settings WHERE key = ?', ['k'])).toEqual({ value: '"kept"' });
    } finally {
      await check.close();
    }
    expect(readdirSync(dir.dataDir).sort()).toEqual(['junk.sqlite', basename(dir.file)]);
  });
});
