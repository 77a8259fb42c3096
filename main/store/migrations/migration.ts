/**
 * One schema step, written for both dialects. A migration that has shipped never changes:
 * later capabilities add a new file and a new line in `index.ts`.
 */
export interface Migration {
  /** 1, 2, 3, … with no gaps, in registry order. */
  readonly version: number;
  /** snake_case, recorded in schema_migrations; a store whose record disagrees refuses to open. */
  readonly name: string;
  readonly sqlite: string;
  readonly postgres: string;
}

/** Throws (a plain Error: a broken registry is a build bug, not user input) unless versions run 1..n. */
export function validateRegistry(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    const where = `migration registry entry ${i + 1}`;
    if (m.version !== i + 1) throw new Error(`${where}: version ${m.version} out of order (expected ${i + 1})`);
    if (!/^[a-z0-9_]+$/.test(m.name)) throw new Error(`${where}: name ${JSON.stringify(m.name)} must be snake_case`);
    if (m.sqlite.trim() === '' || m.postgres.trim() === '') throw new Error(`${where}: needs SQL for both sqlite and postgres`);
  });
}

/**
 * SQLite keeps timestamps as TEXT; this CHECK admits only the one form both stores return
 * (`2026-11-28T12:00:00.000Z`), so text order is time order and SQLite never holds a
 * value PostgreSQL would print differently.
 */
export function sqliteIsoCheck(column: string, nullable = false): string {
  const pattern = "'[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-6][0-9].[0-9][0-9][0-9]Z'";
  return nullable ? `CHECK (${column} IS NULL OR ${column} GLOB ${pattern})` : `CHECK (${column} GLOB ${pattern})`;
}

/** A lower-case SHA-256 hex digest, in SQLite. */
export function sqliteHexCheck(column: string, nullable = false): string {
  const test = `(length(${column}) = 64 AND ${column} NOT GLOB '*[^0-9a-f]*')`;
  return nullable ? `CHECK (${column} IS NULL OR ${test})` : `CHECK ${test}`;
}
