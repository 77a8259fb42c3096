import { resolve } from 'node:path';
import { WorkbenchError } from '../../shared/api/errors.ts';
import type { StoreLocation } from './store.ts';

/** Which store a configuration names, worked out before anything is opened. */
export type StoreTarget =
  | { kind: 'sqlite'; file: string; location: StoreLocation }
  | { kind: 'postgres'; connectionString: string; location: StoreLocation };

export const SQLITE_FILE_NAME = 'workbench.sqlite';

/**
 * No URL → the embedded SQLite file `<dataDir>/workbench.sqlite`; a postgres:// or
 * postgresql:// URL → that PostgreSQL database. Anything else is BAD_INPUT; no message
 * ever repeats the URL, which may carry a password.
 */
export function resolveStoreTarget(options: { databaseUrl?: string | undefined; dataDir: string }): StoreTarget {
  const { databaseUrl, dataDir } = options;
  if (typeof dataDir !== 'string' || dataDir.trim() === '') {
    throw new WorkbenchError('BAD_INPUT', 'dataDir: a data folder is required', { field: 'dataDir' });
  }
  if (databaseUrl === undefined) {
    const file = resolve(dataDir, SQLITE_FILE_NAME);
    return { kind: 'sqlite', file, location: { kind: 'sqlite', display: file } };
  }
  return { kind: 'postgres', connectionString: databaseUrl, location: { kind: 'postgres', display: describePostgresUrl(databaseUrl) } };
}

/** `host:port/database` of a PostgreSQL URL, for display (never the user's password). */
export function describePostgresUrl(databaseUrl: string): string {
  const bad = (why: string): never => {
    throw new WorkbenchError('BAD_INPUT', `databaseUrl: ${why}`, { field: 'databaseUrl' });
  };
  if (typeof databaseUrl !== 'string' || databaseUrl.trim() === '') bad('empty; leave it unset to use the embedded SQLite store');
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(databaseUrl)?.[1]?.toLowerCase();
  if (scheme !== 'postgres' && scheme !== 'postgresql') {
    bad(
      scheme === undefined
        ? 'not a URL; expected postgres://user@host:port/database'
        : `unsupported scheme "${scheme}:"; expected postgres:// or postgresql://`,
    );
  }
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    return bad('not a valid URL; expected postgres://user@host:port/database');
  }
  // libpq also takes the host (a socket folder) and port as query parameters.
  const host = url.hostname || url.searchParams.get('host') || 'localhost';
  const port = url.port || url.searchParams.get('port') || '5432';
  if (!/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535) bad(`port "${port}" is not a TCP port`);
  const path = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (path.includes('/')) bad('the path must be just the database name');
  // pg connects to a database named like the user when the URL names none.
  const database = path || decodeURIComponent(url.username) || 'postgres';
  return `${host}:${port}/${database}`;
}
