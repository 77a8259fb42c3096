import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { indexKeyTexts, readSqliteStats, readSqliteTables, viewBody } from './sqlite-catalog.ts';

describe('reading a SQLite schema', () => {
  it('reads tables, keys, indexes (expression keys too), foreign keys and views', () => {
    const db = new Database(':memory:');
    db.exec(`
      CREATE TABLE a (id INTEGER PRIMARY KEY, email TEXT NOT NULL, n INTEGER);
      CREATE UNIQUE INDEX a_email ON a (email);
      CREATE INDEX a_lower ON a (lower(email), n) WHERE n > 0;
      CREATE TABLE b (id TEXT PRIMARY KEY, a_id INTEGER REFERENCES a (id)) WITHOUT ROWID;
      CREATE VIEW v AS SELECT id, email FROM a WHERE n > 1;
      INSERT INTO a (email, n) VALUES ('x', 1), ('y', 2);
      ANALYZE;`);
    const [a, b, v] = readSqliteTables(db);
    expect(a).toMatchObject({ name: 'a', kind: 'table', columns: ['id', 'email', 'n'], primaryKey: ['id'], rowidAlias: 'id', foreignKeys: [] });
    expect(a!.indexes).toEqual([
      { name: 'a_email', table: 'a', columns: ['email'], expressions: [''], unique: true, partial: false, primaryKey: false },
      { name: 'a_lower', table: 'a', columns: [null, 'n'], expressions: ['lower(email)', ''], unique: false, partial: true, primaryKey: false },
    ]);
    expect(b).toMatchObject({ name: 'b', rowidAlias: null, primaryKey: ['id'], foreignKeys: [{ columns: ['a_id'], refTable: 'a', refColumns: ['id'] }] });
    expect(v).toMatchObject({ name: 'v', kind: 'view', viewSql: 'SELECT id, email FROM a WHERE n > 1' });
    expect(readSqliteStats(db).indexes.get('a_email')).toEqual([2, 1]);
    db.close();
  });

  it('splits index keys on top-level commas only', () => {
    expect(indexKeyTexts('CREATE INDEX i ON t (substr(a, 1, 3), "b,c" DESC, coalesce(d, \'x,y\'))')).toEqual(['substr(a, 1, 3)', '"b,c" DESC', "coalesce(d, 'x,y')"]);
    expect(viewBody('CREATE VIEW IF NOT EXISTS "my view" (a, b) AS SELECT 1, 2;')).toBe('SELECT 1, 2');
  });
});
