import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkbenchError } from '../../shared/api/errors.ts';
import { createDemoShopSqlite } from '../../fixtures/costguard/demo-shop-db.ts';
import { Analyzer, queryIdOf, referencedTables } from './analyzer.ts';
import { SqliteEngine } from './engine/sqlite-engine.ts';
import { hint, type Detector } from './hints/finding.ts';
import { makeBinary, makeColumn, makeLiteral } from './sql/ast.ts';
import { parseSelect } from './sql/parse.ts';

async function rejection(p: Promise<unknown>): Promise<WorkbenchError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(WorkbenchError);
  return e as WorkbenchError;
}

describe('Analyzer on a SQLite file', () => {
  let dir: string;
  let file: string;
  let engine: SqliteEngine;
  let analyzer: Analyzer;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'wb-costguard-'));
    file = join(dir, 'shop.sqlite');
    (await createDemoShopSqlite(file)).close();
    engine = SqliteEngine.openFile(file);
    analyzer = new Analyzer(engine);
  });
  afterAll(async () => {
    await engine?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives byte-identical payloads for the same query', async () => {
    const sql = "SELECT * FROM orders WHERE date(created_at) = '2024-05-01'";
    const a = JSON.stringify(await analyzer.analyze(sql));
    const b = JSON.stringify(await analyzer.analyze(sql));
    expect(a).toBe(b);
    expect(JSON.parse(a).queryId).toBe(queryIdOf('sqlite', sql));
  });

  it('changes nothing in the database it analyzes (indexes are tried on the scratch copy)', async () => {
    const before = new Database(file, { readonly: true });
    const schema = () => before.prepare('SELECT type, name FROM sqlite_schema ORDER BY name').all();
    const count = () => before.prepare('SELECT count(*) AS n FROM orders').get();
    const s0 = schema();
    const c0 = count();
    const p = await analyzer.analyze('SELECT id FROM orders WHERE total_cents = 2222 OR currency = 7');
    expect(p.rewrite?.ddl.length).toBeGreaterThan(0);
    expect(schema()).toEqual(s0);
    expect(count()).toEqual(c0);
    before.close();
  });

  it('rejects what it cannot plan, with typed errors', async () => {
    expect((await rejection(analyzer.analyze('SELECT id FROM no_such_table'))).message).toBe('sql: SQLite rejected the query: no such table: no_such_table');
    expect((await rejection(analyzer.analyze('UPDATE orders SET status = 1'))).message).toBe('sql: only SELECT statements are analyzed, got UPDATE');
    const dialect = await rejection(analyzer.analyze('SELECT 1 AS x', 'postgres'));
    expect(dialect.message).toBe('dialect: the database is SQLite; a postgres query cannot be planned on it');
    expect(dialect.details).toEqual({ where: 'dialect', database: 'sqlite' });
  });

  it('does not push a filter into a subquery whose LIMIT would change', async () => {
    const p = await analyzer.analyze('SELECT s.id FROM (SELECT id, customer_id FROM orders ORDER BY created_at LIMIT 100) s WHERE s.customer_id = 5');
    expect(p.hints.map((h) => h.type)).not.toContain('predicate-pushdown');
  });

  it('says nothing about pushdown when the planner already pushes the filter', async () => {
    const p = await analyzer.analyze('SELECT s.customer_id, s.n FROM (SELECT customer_id, count(*) AS n FROM orders GROUP BY customer_id) s WHERE s.customer_id = 42');
    expect(p.hints).toEqual([]);
  });

  it('serves analyses that overlap (one scratch session at a time)', async () => {
    const queries = ['SELECT id FROM orders WHERE total_cents = 2001', "SELECT id, status FROM orders WHERE status = 'paid'", 'SELECT id FROM orders ORDER BY created_at LIMIT 20 OFFSET 500'];
    const together = await Promise.all(queries.map((q) => analyzer.analyze(q)));
    const oneByOne = [];
    for (const q of queries) oneByOne.push(await analyzer.analyze(q));
    expect(together).toEqual(oneByOne);
    expect(together.every((p) => p.rewrite !== null)).toBe(true);
  });

  it('analyzes Cypher without the database', async () => {
    const p = await analyzer.analyze('MATCH (a)-[*]->(b) RETURN b');
    expect(p.costModel).toBe('cypher-pattern');
  });

  it('lists the tables a query reads, at any depth', () => {
    expect(referencedTables(parseSelect('WITH x AS (SELECT id FROM orders) SELECT c.id FROM customers c JOIN x ON x.id = c.id WHERE EXISTS (SELECT 1 FROM events e WHERE e.customer_id = c.id)', 'sqlite').ast)).toEqual([
      'customers',
      'events',
      'orders',
      'x',
    ]);
  });
});

describe('the verifier', () => {
  let engine: SqliteEngine;
  beforeAll(async () => {
    engine = new SqliteEngine(await createDemoShopSqlite(), { ownsDb: true });
  });
  afterAll(async () => engine?.close());

  /** A detector whose "same rows" fix quietly drops rows: the verifier must refuse it. */
  const lying: Detector = async (ctx) => [
    {
      hint: hint('missing-index', 'warning', 'test', 'test'),
      fixes: [
        {
          type: 'missing-index',
          effect: 'same-rows',
          ddl: [],
          note: 'drops rows',
          apply: (ast) => {
            ast.where = makeBinary('=', makeColumn(ctx.dialect, null, 'id'), makeLiteral(3));
            return true;
          },
        },
      ],
    },
  ];

  it('refuses a fix that claims the same rows and returns fewer', async () => {
    const p = await new Analyzer(engine, {}, [['missing-index', lying]]).analyze("SELECT id, customer_id FROM orders WHERE status = 'refunded' AND id < 40");
    expect(p.rewrite).toBeNull();
    expect(p.rejected).toEqual([{ type: 'missing-index', reason: 'the rewrite returns different rows: 6 rows before, 1 after' }]);
  });

  it('does not count an empty result as proof that a changed query keeps the rows', async () => {
    const p = await new Analyzer(engine, {}, [['missing-index', lying]]).analyze('SELECT id FROM orders WHERE total_cents = 1');
    expect(p.rejected).toEqual([{ type: 'missing-index', reason: 'cannot verify the rows: the query returns no rows on this data' }]);
  });

  it('refuses a fix whose rewrite does not parse', async () => {
    const broken: Detector = async () => [
      {
        hint: hint('select-star', 'info', 'test', 'test'),
        fixes: [
          {
            type: 'select-star',
            effect: 'same-rows',
            ddl: [],
            note: 'breaks the query',
            apply: (ast) => {
              ast.columns = [{ expr: { type: 'column_ref', table: null, column: 'x' }, as: 'select' }];
              ast.from = [{ table: 'orders WHERE', as: null }];
              return true;
            },
          },
        ],
      },
    ];
    const p = await new Analyzer(engine, {}, [['select-star', broken]]).analyze('SELECT id FROM orders WHERE id = 1');
    expect(p.rewrite).toBeNull();
    expect(p.rejected[0]!.reason).toMatch(/^the rewrite does (not parse|not plan): /);
  });

  it('refuses a fix that is not cheaper', async () => {
    const p = await new Analyzer(engine).analyze("SELECT * FROM products WHERE sku = 'SKU-00042'");
    expect(p.rejected).toEqual([{ type: 'select-star', reason: "the rewrite's plan is not cheaper than the original (10.14 vs 10.14)" }]);
  });

  it('on a database too large to copy, plans on schema and statistics alone and does not claim same rows', async () => {
    const small = new SqliteEngine(await createDemoShopSqlite(), { ownsDb: true, maxCopyBytes: 1 });
    try {
      const analyzer = new Analyzer(small);
      const p = await analyzer.analyze('SELECT id, customer_id FROM orders WHERE total_cents = 1234');
      // No rows to count on: the share is unknown, so no index is claimed; the plan itself is the real one.
      expect(p.plan).toEqual(['SCAN orders']);
      const pushed = await analyzer.analyze('WITH x AS MATERIALIZED (SELECT id, customer_id FROM orders) SELECT id FROM x WHERE customer_id = 42');
      expect(pushed.hints.map((h) => h.type)).toEqual(['predicate-pushdown']);
      expect(pushed.rewrite).toBeNull();
      expect(pushed.rejected).toEqual([{ type: 'predicate-pushdown', reason: 'cannot verify the rows: no scratch data, or the query is too costly to run' }]);
    } finally {
      await small.close();
    }
  });
});
