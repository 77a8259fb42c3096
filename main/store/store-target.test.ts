import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WorkbenchError } from '../../shared/api/errors.ts';
import { describePostgresUrl, resolveStoreTarget } from './store-target.ts';

function errorOf(fn: () => unknown): WorkbenchError {
  try {
    fn();
  } catch (e) {
    if (e instanceof WorkbenchError) return e;
    throw e;
  }
  throw new Error('expected a WorkbenchError');
}

describe('resolveStoreTarget', () => {
  it('uses <dataDir>/workbench.sqlite when no URL is given', () => {
    expect(resolveStoreTarget({ dataDir: '/var/lib/wb' })).toEqual({
      kind: 'sqlite',
      file: resolve('/var/lib/wb/workbench.sqlite'),
      location: { kind: 'sqlite', display: resolve('/var/lib/wb/workbench.sqlite') },
    });
  });

  it('uses PostgreSQL for postgres:// and postgresql:// URLs and never displays the password', () => {
    expect(resolveStoreTarget({ dataDir: '/d', databaseUrl: 'postgres://wb:s3cret@db.internal:6543/workbench?sslmode=require' })).toEqual({
      kind: 'postgres',
      connectionString: 'postgres://wb:s3cret@db.internal:6543/workbench?sslmode=require',
      location: { kind: 'postgres', display: 'db.internal:6543/workbench' },
    });
    expect(describePostgresUrl('postgresql://wb:pw@127.0.0.1/team')).toBe('127.0.0.1:5432/team');
    expect(describePostgresUrl('POSTGRES://alice@localhost')).toBe('localhost:5432/alice');
    expect(describePostgresUrl('postgres:///wb?host=/var/run/postgresql&port=5433')).toBe('/var/run/postgresql:5433/wb');
  });

  it('rejects bad URLs with BAD_INPUT naming databaseUrl, without echoing the URL', () => {
    const cases: [string, string][] = [
      ['mysql://root:hunter2@h/db', 'databaseUrl: unsupported scheme "mysql:"; expected postgres:// or postgresql://'],
      ['hunter2', 'databaseUrl: not a URL; expected postgres://user@host:port/database'],
      ['', 'databaseUrl: empty; leave it unset to use the embedded SQLite store'],
      ['postgres://u:hunter2@h:99999/db', 'databaseUrl: not a valid URL; expected postgres://user@host:port/database'],
      ['postgres://u:hunter2@h/db/extra', 'databaseUrl: the path must be just the database name'],
      ['postgres://u:hunter2@h/db?port=0', 'databaseUrl: port "0" is not a TCP port'],
    ];
    for (const [url, message] of cases) {
      const err = errorOf(() => resolveStoreTarget({ dataDir: '/d', databaseUrl: url }));
      expect([err.code, err.message, err.details]).toEqual(['BAD_INPUT', message, { field: 'databaseUrl' }]);
      expect(err.message).not.toContain('hunter2');
    }
  });

  it('requires a data folder', () => {
    const err = errorOf(() => resolveStoreTarget({ dataDir: ' ' }));
    expect([err.code, err.message]).toEqual(['BAD_INPUT', 'dataDir: a data folder is required']);
  });
});
