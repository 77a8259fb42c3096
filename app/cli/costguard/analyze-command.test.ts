import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoShopSqlite, loadDemoShopPostgres } from '../../../fixtures/costguard/demo-shop-db.ts';
import { createTempPostgres, type TempPostgres } from '../../../main/store/temp-postgres.ts';
import { skipStoreKind } from '../../../main/store/testing/store-targets.ts';
import { runCli, type CliIo } from '../cli-kit.ts';
import { analyzeCommand } from './analyze-command.ts';

function capture(): CliIo & { out: string; err: string } {
  const io = { out: '', err: '', stdout: (t: string) => void (io.out += t), stderr: (t: string) => void (io.err += t) };
  return io;
}

async function costguard(argv: string[]) {
  const io = capture();
  const code = await runCli({ name: 'costguard', summary: 'test', commands: [analyzeCommand], argv: ['analyze', ...argv], io });
  return { code, out: io.out, err: io.err };
}

describe('costguard analyze', () => {
  let dir: string;
  let db: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'wb-costguard-cli-'));
    db = join(dir, 'shop.sqlite');
    (await createDemoShopSqlite(db)).close();
    writeFileSync(
      join(dir, 'queries.sql'),
      "-- costly\nSELECT id, customer_id FROM orders WHERE total_cents = 1234;\n\nSELECT id FROM orders WHERE id = 7;\nMATCH (a:Person)-[:KNOWS*]->(b) RETURN b;\nDELETE FROM orders;\n",
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints one JSON payload per query with --json, and an error line for one it cannot analyze', async () => {
    const r = await costguard(['--db', db, '--file', join(dir, 'queries.sql'), '--json']);
    const lines = r.out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(4);
    expect(lines.map((l) => l.source)).toEqual([1, 4, 5, 6].map((n) => `${join(dir, 'queries.sql')}:${n}`));
    expect((lines[0]!.hints as Array<{ type: string }>).map((h) => h.type)).toEqual(['missing-index']);
    expect((lines[0]!.rewrite as { ddl: string[] }).ddl).toEqual(['CREATE INDEX orders_total_cents_idx ON orders (total_cents)']);
    expect(lines[1]!.hints).toEqual([]);
    expect(lines[2]!.dialect).toBe('cypher');
    expect(lines[3]!.error).toEqual({ code: 'BAD_INPUT', message: 'sql: only SELECT statements are analyzed, got DELETE', details: { where: 'sql', statement: 'DELETE' } });
    expect(r.code).toBe(2);
  });

  it('prints a readable report, and --fail-on turns hints into exit 1', async () => {
    const r = await costguard(['--db', db, '--query', 'SELECT id, customer_id FROM orders WHERE total_cents = 1234', '--fail-on', 'warning']);
    expect(r.code).toBe(1);
    expect(r.out).toContain('  warning missing-index: Full scan of orders (6000 rows) for "total_cents" = 1234, which matches 0.00% of them; no index starts with total_cents.\n');
    expect(r.out).toContain('  rewrite (verified; cost 6000 → 14.05; same rows):\n');
    expect(r.out).toContain('    CREATE INDEX orders_total_cents_idx ON orders (total_cents);\n');
    const clean = await costguard(['--db', db, '--query', 'SELECT id FROM orders WHERE id = 7', '--fail-on', 'info']);
    expect(clean.code).toBe(0);
    expect(clean.out).toContain('  no hints\n');
  });

  it('says what is wrong with the command line', async () => {
    expect(await costguard(['--query', 'SELECT 1'])).toMatchObject({ code: 2, err: expect.stringContaining('costguard analyze: --db is required (a SQLite file or a postgres:// URL)') });
    expect(await costguard(['--db', db])).toMatchObject({ code: 2, err: expect.stringContaining('give exactly one of --query and --file') });
    expect(await costguard(['--db', join(dir, 'none.sqlite'), '--query', 'SELECT 1'])).toMatchObject({ code: 2, err: `costguard analyze: NOT_FOUND: no SQLite database at ${join(dir, 'none.sqlite')}\n` });
    expect(await costguard(['--db', db, '--query', 'SELECT 1', '--fail-on', 'loud'])).toMatchObject({ code: 2, err: expect.stringContaining('--fail-on must be one of info, warning, critical') });
  });

  describe.skipIf(skipStoreKind('postgres'))('against PostgreSQL', () => {
    let temp: TempPostgres;
    beforeAll(async () => {
      temp = await createTempPostgres();
      await loadDemoShopPostgres(temp.url);
    });
    afterAll(async () => temp?.drop());

    it('plans on the database the URL names', async () => {
      const r = await costguard(['--db', temp.url, '--query', "SELECT id, status FROM orders WHERE date(created_at) = '2024-05-01'", '--json']);
      expect(r.code).toBe(0);
      const p = JSON.parse(r.out) as { dialect: string; costModel: string; rewrite: { sql: string } };
      expect(p.dialect).toBe('postgres');
      expect(p.costModel).toBe('postgres-planner');
      expect(p.rewrite.sql).toBe(`SELECT id, status FROM "orders" WHERE created_at >= '2024-05-01' AND created_at < '2024-05-02'`);
    });
  });
});
