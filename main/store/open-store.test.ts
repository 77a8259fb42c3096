import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WorkbenchError } from '../../shared/api/errors.ts';
import { openStore } from './open-store.ts';
import { createTempSqlite } from './testing/temp-sqlite.ts';
import type { TempSqlite } from './testing/temp-sqlite.ts';

async function errorOf(p: Promise<unknown>): Promise<WorkbenchError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!(e instanceof WorkbenchError)) throw new Error(`expected a WorkbenchError, got ${String(e)}`);
  return e;
}

describe('openStore', () => {
  let dir: TempSqlite;
  afterEach(() => dir?.remove());

  it('[sqlite] creates the data folder and <dataDir>/workbench.sqlite when no URL is given', async () => {
    dir = createTempSqlite();
    const dataDir = join(dir.dataDir, 'nested', 'data');
    const store = await openStore({ dataDir });
    try {
      expect(store.location).toEqual({ kind: 'sqlite', display: join(dataDir, 'workbench.sqlite') });
      expect(store.sql.dialect).toBe('sqlite');
      expect(existsSync(join(dataDir, 'workbench.sqlite'))).toBe(true);
    } finally {
      await store.close();
    }
  });

  it('rejects a URL that is not PostgreSQL as BAD_INPUT, before touching anything', async () => {
    dir = createTempSqlite();
    const err = await errorOf(openStore({ dataDir: dir.dataDir, databaseUrl: 'mysql://root:hunter2@db/wb' }));
    expect([err.code, err.message]).toEqual(['BAD_INPUT', 'databaseUrl: unsupported scheme "mysql:"; expected postgres:// or postgresql://']);
    expect(existsSync(dir.file)).toBe(false);
  });

  it('[postgres] reports an unreachable server as UNAVAILABLE, naming host:port/db and never the password', async () => {
    dir = createTempSqlite();
    const err = await errorOf(openStore({ dataDir: dir.dataDir, databaseUrl: 'postgres://wb:hunter2@127.0.0.1:1/team' }));
    expect(err.code).toBe('UNAVAILABLE');
    expect(err.message.startsWith('cannot open the store at 127.0.0.1:1/team: ')).toBe(true);
    expect(JSON.stringify(err.toPayload())).not.toContain('hunter2');
  });
});
