import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A throw-away data folder for a SQLite store; the twin of temp-postgres.ts. */
export interface TempSqlite {
  /** The data folder (openStore's dataDir). */
  readonly dataDir: string;
  /** Where openStore puts the database in that folder. */
  readonly file: string;
  /** Removes the folder and everything in it; safe to call more than once. */
  remove(): void;
}

export function createTempSqlite(prefix = 'wb-test-'): TempSqlite {
  const dataDir = mkdtempSync(join(tmpdir(), prefix));
  return {
    dataDir,
    file: join(dataDir, 'workbench.sqlite'),
    remove() {
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
