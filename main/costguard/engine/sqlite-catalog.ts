import type { Database } from 'better-sqlite3';
import type { ForeignKey, IndexInfo, TableInfo } from '../catalog.ts';

/** Reads a SQLite database's schema and sqlite_stat1 (names lower-cased). */

interface SchemaRow {
  name: string;
  type: string;
  sql: string | null;
}

const q = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** The key expressions of an index, from its CREATE INDEX text (top-level commas inside the key list). */
export function indexKeyTexts(createSql: string): string[] {
  const open = createSql.indexOf('(');
  if (open === -1) return [];
  const keys: string[] = [];
  let depth = 0;
  let start = open + 1;
  let quote: string | null = null;
  for (let i = open; i < createSql.length; i++) {
    const c = createSql[i]!;
    if (quote) {
      if (c === quote) quote = null;
      continue;
    }
    if (c === "'" || c === '"' || c === '`') quote = c;
    else if (c === '(') depth++;
    else if (c === ')') {
      depth--;
      if (depth === 0) {
        keys.push(createSql.slice(start, i).trim());
        break;
      }
    } else if (c === ',' && depth === 1) {
      keys.push(createSql.slice(start, i).trim());
      start = i + 1;
    }
  }
  return keys;
}

export function readSqliteTables(db: Database): TableInfo[] {
  const rows = db.prepare("SELECT name, type, sql FROM sqlite_schema WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name").all() as SchemaRow[];
  const indexSql = new Map(
    (db.prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL").all() as SchemaRow[]).map((r) => [r.name.toLowerCase(), r.sql ?? '']),
  );
  return rows.map((r) => readTable(db, r, indexSql));
}

function readTable(db: Database, row: SchemaRow, indexSql: Map<string, string>): TableInfo {
  const cols = db.prepare(`PRAGMA table_xinfo(${q(row.name)})`).all() as Array<{ name: string; type: string; pk: number; hidden: number }>;
  const columns = cols.filter((c) => c.hidden === 0 || c.hidden === undefined).map((c) => c.name.toLowerCase());
  const pk = cols.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk);
  const withoutRowid = /\bWITHOUT\s+ROWID\b/i.test(row.sql ?? '');
  const rowidAlias = row.type === 'table' && !withoutRowid && pk.length === 1 && pk[0]!.type.toUpperCase() === 'INTEGER' ? pk[0]!.name.toLowerCase() : null;
  const indexes: IndexInfo[] = [];
  const foreignKeys: ForeignKey[] = [];
  if (row.type === 'table') {
    const list = db.prepare(`PRAGMA index_list(${q(row.name)})`).all() as Array<{ name: string; unique: number; origin: string; partial: number }>;
    for (const idx of list) {
      const xinfo = db.prepare(`PRAGMA index_xinfo(${q(idx.name)})`).all() as Array<{ seqno: number; cid: number; name: string | null; key: number }>;
      const keys = xinfo.filter((x) => x.key === 1).sort((a, b) => a.seqno - b.seqno);
      const texts = indexKeyTexts(indexSql.get(idx.name.toLowerCase()) ?? '');
      indexes.push({
        name: idx.name.toLowerCase(),
        table: row.name.toLowerCase(),
        columns: keys.map((k) => (k.cid === -2 || k.name === null ? null : k.name.toLowerCase())),
        expressions: keys.map((k, i) => (k.cid === -2 ? (texts[i] ?? '') : '')),
        unique: idx.unique === 1,
        partial: idx.partial === 1,
        primaryKey: idx.origin === 'pk',
      });
    }
    const fks = db.prepare(`PRAGMA foreign_key_list(${q(row.name)})`).all() as Array<{ id: number; seq: number; table: string; from: string; to: string | null }>;
    const byId = new Map<number, ForeignKey>();
    for (const fk of fks.sort((a, b) => a.id - b.id || a.seq - b.seq)) {
      const entry = byId.get(fk.id) ?? { columns: [], refTable: fk.table.toLowerCase(), refColumns: [] };
      entry.columns.push(fk.from.toLowerCase());
      entry.refColumns.push((fk.to ?? 'rowid').toLowerCase());
      byId.set(fk.id, entry);
    }
    foreignKeys.push(...byId.values());
  }
  indexes.sort((a, b) => a.name.localeCompare(b.name));
  return {
    name: row.name.toLowerCase(),
    kind: row.type === 'view' ? 'view' : 'table',
    columns,
    columnTypes: Object.fromEntries(cols.map((c) => [c.name.toLowerCase(), c.type])),
    primaryKey: pk.map((c) => c.name.toLowerCase()),
    rowidAlias,
    indexes,
    foreignKeys,
    rowCount: null,
    viewSql: row.type === 'view' ? viewBody(row.sql ?? '') : null,
  };
}

/** The SELECT of a CREATE VIEW statement. */
export function viewBody(createSql: string): string | null {
  const m = /^\s*CREATE\s+(?:TEMP(?:ORARY)?\s+)?VIEW\s+(?:IF\s+NOT\s+EXISTS\s+)?(?:"(?:[^"]|"")+"|\S+)\s*(?:\([^)]*\)\s*)?AS\s+([\s\S]*)$/i.exec(createSql);
  return m ? m[1]!.trim().replace(/;\s*$/, '') : null;
}

/** sqlite_stat1 as index → numbers, plus table → rows (from any of its entries). */
export function readSqliteStats(db: Database): { indexes: Map<string, number[]>; tableRows: Map<string, number> } {
  const indexes = new Map<string, number[]>();
  const tableRows = new Map<string, number>();
  const has = db.prepare("SELECT 1 FROM sqlite_schema WHERE name = 'sqlite_stat1'").get();
  if (!has) return { indexes, tableRows };
  for (const r of db.prepare('SELECT tbl, idx, stat FROM sqlite_stat1').all() as Array<{ tbl: string; idx: string | null; stat: string }>) {
    const nums = r.stat
      .split(' ')
      .map(Number)
      .filter((n) => Number.isFinite(n));
    if (nums.length === 0) continue;
    tableRows.set(r.tbl.toLowerCase(), nums[0]!);
    if (r.idx) indexes.set(r.idx.toLowerCase(), nums);
  }
  return { indexes, tableRows };
}
