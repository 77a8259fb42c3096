import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HintPayload, HintType } from '../../../shared/api/costguard.ts';
import { createDemoShopSqlite, loadDemoShopPostgres } from '../../../fixtures/costguard/demo-shop-db.ts';
import { Analyzer } from '../analyzer.ts';
import { PostgresEngine } from '../engine/postgres-engine.ts';
import { SqliteEngine } from '../engine/sqlite-engine.ts';
import { createTempPostgres, type TempPostgres } from '../../store/temp-postgres.ts';
import { skipStoreKind } from '../../store/testing/store-targets.ts';

/**
 * One query per hint type over the demo shop, on SQLite and on PostgreSQL: the exact hint
 * and the exact verified rewrite (or why none is offered).
 */

interface Expected {
  type: HintType;
  sql: string;
  severity: 'info' | 'warning' | 'critical';
  /** Exact message, or a pattern where the number is PostgreSQL's own cost estimate. */
  message: string | RegExp;
  suggested: string;
  fragment: string | null;
  rewrite: { sql: string; ddl: string[]; changesResults: boolean; steps: HintType[] } | null;
  rejected?: Array<{ type: HintType; reason: string | RegExp }>;
}

const SQLITE: Expected[] = [
  {
    type: 'select-star',
    sql: "SELECT * FROM products WHERE sku = 'SKU-00042'",
    severity: 'info',
    message: 'SELECT * reads every column, including wide ones (description); list only the columns the caller uses.',
    suggested: 'SELECT id, sku, name, category, price_cents, created_at …',
    fragment: '*',
    rewrite: null,
    rejected: [{ type: 'select-star', reason: "the rewrite's plan is not cheaper than the original (10.14 vs 10.14)" }],
  },
  {
    type: 'unbounded-result',
    sql: "SELECT id, status FROM orders WHERE status = 'paid'",
    severity: 'warning',
    message: 'No LIMIT: the plan expects about 1000 rows, all sent to the caller.',
    suggested: '… ORDER BY <key> LIMIT 100',
    fragment: null,
    rewrite: { sql: `SELECT "id", "status" FROM "orders" WHERE "status" = 'paid' LIMIT 100`, ddl: [], changesResults: true, steps: ['unbounded-result'] },
  },
  {
    type: 'offset-paging',
    sql: 'SELECT id, created_at FROM orders ORDER BY created_at LIMIT 20 OFFSET 2000',
    severity: 'critical',
    message: 'OFFSET 2000 makes the database read and discard 2000 rows before it returns 20; deeper pages cost more.',
    suggested: 'WHERE (created_at, id) > (<last row of the previous page>) ORDER BY created_at, id LIMIT 20',
    fragment: 'OFFSET 2000',
    rewrite: {
      sql: `SELECT "id", "created_at" FROM "orders" WHERE ("created_at", "id") > ('2024-09-07T14:03:43.015Z', 100) ORDER BY "created_at" ASC, "id" ASC LIMIT 20`,
      ddl: [],
      changesResults: true,
      steps: ['offset-paging'],
    },
  },
  {
    type: 'predicate-pushdown',
    sql: 'WITH x AS MATERIALIZED (SELECT id, customer_id, total_cents FROM orders) SELECT id, total_cents FROM x WHERE customer_id = 43',
    severity: 'warning',
    message: 'The filter "customer_id" = 43 is applied after CTE x has read all its rows; inside it the plan would cost 23 instead of 12000.',
    suggested: 'move "customer_id" = 43 into the CTE x',
    fragment: '"customer_id" = 43',
    rewrite: {
      sql: 'WITH "x" AS MATERIALIZED (SELECT "id", "customer_id", "total_cents" FROM "orders" WHERE "customer_id" = 43) SELECT "id", "total_cents" FROM "x" WHERE "customer_id" = 43',
      ddl: [],
      changesResults: false,
      steps: ['predicate-pushdown'],
    },
  },
  {
    type: 'missing-index',
    sql: 'SELECT id, customer_id FROM orders WHERE total_cents = 1234',
    severity: 'warning',
    message: 'Full scan of orders (6000 rows) for "total_cents" = 1234, which matches 0.00% of them; no index starts with total_cents.',
    suggested: 'CREATE INDEX orders_total_cents_idx ON orders (total_cents)',
    fragment: '"total_cents" = 1234',
    rewrite: { sql: 'SELECT "id", "customer_id" FROM "orders" WHERE "total_cents" = 1234', ddl: ['CREATE INDEX orders_total_cents_idx ON orders (total_cents)'], changesResults: false, steps: ['missing-index'] },
  },
  {
    type: 'function-on-indexed-column',
    sql: "SELECT id, email FROM customers WHERE lower(email) = 'user0042@example.com'",
    severity: 'warning',
    message: `lower("email") = 'user0042@example.com' wraps the indexed column email in lower(…), so the index on email cannot be used and customers is scanned.`,
    suggested: 'CREATE INDEX customers_lower_email_idx ON customers (lower("email"))',
    fragment: 'lower("email")',
    rewrite: {
      sql: `SELECT "id", "email" FROM "customers" WHERE lower("email") = 'user0042@example.com'`,
      ddl: ['CREATE INDEX customers_lower_email_idx ON customers (lower("email"))'],
      changesResults: false,
      steps: ['function-on-indexed-column'],
    },
  },
  {
    type: 'leading-wildcard-like',
    sql: "SELECT id FROM customers WHERE email LIKE '%42@example.com'",
    severity: 'warning',
    message: `"email" LIKE '%42@example.com' starts with a wildcard, so no index on email can help and customers is scanned row by row.`,
    suggested: "CREATE VIRTUAL TABLE customers_email_fts USING fts5(email, content=customers, tokenize='trigram'), then WHERE rowid IN (SELECT rowid FROM customers_email_fts WHERE email MATCH …)",
    fragment: `"email" LIKE '%42@example.com'`,
    rewrite: null,
  },
  {
    type: 'order-by-random',
    sql: 'SELECT id, name FROM products ORDER BY random() LIMIT 5',
    severity: 'warning',
    message: 'ORDER BY random() numbers and sorts every row of products to return 5.',
    suggested: 'WHERE id >= <random key> ORDER BY id LIMIT 5',
    fragment: 'random()',
    rewrite: {
      sql: 'SELECT "id", "name" FROM "products" WHERE "id" >= abs(random()) % ((SELECT MAX("id") FROM "products") + 1) ORDER BY "id" ASC LIMIT 5',
      ddl: [],
      changesResults: true,
      steps: ['order-by-random'],
    },
  },
  {
    type: 'cartesian-join',
    sql: "SELECT o.id, c.email FROM orders o, customers c WHERE o.status = 'paid'",
    severity: 'critical',
    message: 'o and c are joined with no condition between them: every row is paired with every row (about 12000000 combinations).',
    suggested: 'add the join condition: o.customer_id = c.id',
    fragment: 'o, c',
    rewrite: {
      sql: `SELECT "o"."id", "c"."email" FROM "orders" AS "o", "customers" AS "c" WHERE "o"."status" = 'paid' AND "o"."customer_id" = "c"."id" LIMIT 100`,
      ddl: [],
      changesResults: true,
      steps: ['cartesian-join', 'unbounded-result'],
    },
  },
  {
    type: 'or-across-columns',
    sql: 'SELECT id FROM orders WHERE customer_id = 5 OR total_cents = 300',
    severity: 'warning',
    message: '"customer_id" = 5 OR "total_cents" = 300 is an OR across customer_id, total_cents: no single index serves it, so orders is scanned.',
    suggested: 'CREATE INDEX orders_total_cents_idx ON orders (total_cents)',
    fragment: '"customer_id" = 5 OR "total_cents" = 300',
    rewrite: { sql: 'SELECT "id" FROM "orders" WHERE "customer_id" = 5 OR "total_cents" = 300', ddl: ['CREATE INDEX orders_total_cents_idx ON orders (total_cents)'], changesResults: false, steps: ['or-across-columns'] },
  },
];

const POSTGRES: Expected[] = [
  {
    type: 'select-star',
    sql: "SELECT * FROM products WHERE sku = 'SKU-00042'",
    severity: 'info',
    message: 'SELECT * reads every column, including wide ones (description); list only the columns the caller uses.',
    suggested: 'SELECT id, sku, name, category, price_cents, created_at …',
    fragment: '*',
    rewrite: null,
    rejected: [{ type: 'select-star', reason: /^the rewrite's plan is not cheaper than the original \(([\d.]+) vs \1\)$/ }],
  },
  {
    type: 'unbounded-result',
    sql: "SELECT id, status FROM orders WHERE status = 'paid'",
    severity: 'warning',
    message: /^No LIMIT: the plan expects about \d+ rows, all sent to the caller\.$/,
    suggested: '… ORDER BY <key> LIMIT 100',
    fragment: null,
    rewrite: { sql: `SELECT id, status FROM "orders" WHERE status = 'paid' LIMIT 100`, ddl: [], changesResults: true, steps: ['unbounded-result'] },
  },
  {
    type: 'offset-paging',
    sql: 'SELECT id, created_at FROM orders ORDER BY created_at LIMIT 20 OFFSET 2000',
    severity: 'critical',
    message: 'OFFSET 2000 makes the database read and discard 2000 rows before it returns 20; deeper pages cost more.',
    suggested: 'WHERE (created_at, id) > (<last row of the previous page>) ORDER BY created_at, id LIMIT 20',
    fragment: 'OFFSET 2000',
    rewrite: {
      sql: `SELECT id, created_at FROM "orders" WHERE (created_at, id) > ('2024-09-07T14:03:43.015Z', 100) ORDER BY created_at ASC, id ASC LIMIT 20`,
      ddl: [],
      changesResults: true,
      steps: ['offset-paging'],
    },
  },
  {
    type: 'predicate-pushdown',
    sql: 'WITH x AS MATERIALIZED (SELECT id, customer_id, total_cents FROM orders) SELECT id, total_cents FROM x WHERE customer_id = 43',
    severity: 'warning',
    message: /^The filter customer_id = 43 is applied after CTE x has read all its rows; inside it the plan would cost \d+ instead of \d+\.$/,
    suggested: 'move customer_id = 43 into the CTE x',
    fragment: 'customer_id = 43',
    rewrite: {
      sql: 'WITH "x" AS MATERIALIZED (SELECT id, customer_id, total_cents FROM "orders" WHERE customer_id = 43) SELECT id, total_cents FROM "x" WHERE customer_id = 43',
      ddl: [],
      changesResults: false,
      steps: ['predicate-pushdown'],
    },
  },
  {
    type: 'missing-index',
    sql: 'SELECT id, customer_id FROM orders WHERE total_cents = 1234',
    severity: 'warning',
    message: /^Full scan of orders \(6000 rows\) for total_cents = 1234, which matches [\d.]+% of them; no index starts with total_cents\.$/,
    suggested: 'CREATE INDEX orders_total_cents_idx ON orders (total_cents)',
    fragment: 'total_cents = 1234',
    rewrite: { sql: 'SELECT id, customer_id FROM "orders" WHERE total_cents = 1234', ddl: ['CREATE INDEX orders_total_cents_idx ON orders (total_cents)'], changesResults: false, steps: ['missing-index'] },
  },
  {
    type: 'function-on-indexed-column',
    sql: "SELECT id, status FROM orders WHERE date(created_at) = '2024-05-01'",
    severity: 'warning',
    message: `date(created_at) = '2024-05-01' wraps the indexed column created_at in date(…), so the index on created_at cannot be used and orders is scanned.`,
    suggested: "created_at >= '2024-05-01' AND created_at < '2024-05-02'",
    fragment: 'date(created_at)',
    rewrite: { sql: `SELECT id, status FROM "orders" WHERE created_at >= '2024-05-01' AND created_at < '2024-05-02'`, ddl: [], changesResults: false, steps: ['function-on-indexed-column'] },
  },
  {
    type: 'leading-wildcard-like',
    sql: "SELECT id FROM customers WHERE email LIKE '%42@example.com'",
    severity: 'warning',
    message: `email LIKE '%42@example.com' starts with a wildcard, so no index on email can help and customers is scanned row by row.`,
    suggested: 'CREATE EXTENSION IF NOT EXISTS pg_trgm; CREATE INDEX customers_email_trgm_idx ON customers USING gin (email gin_trgm_ops)',
    fragment: `email LIKE '%42@example.com'`,
    rewrite: null,
  },
  {
    type: 'order-by-random',
    sql: 'SELECT id, name FROM products ORDER BY random() LIMIT 5',
    severity: 'warning',
    message: 'ORDER BY random() numbers and sorts every row of products to return 5.',
    suggested: 'WHERE id >= <random key> ORDER BY id LIMIT 5',
    fragment: 'random()',
    rewrite: {
      sql: 'SELECT id, name FROM "products" WHERE id >= floor(random() * ((SELECT MAX(id) FROM "products") + 1)) ORDER BY id ASC LIMIT 5',
      ddl: [],
      changesResults: true,
      steps: ['order-by-random'],
    },
  },
  {
    type: 'cartesian-join',
    sql: "SELECT o.id, c.email FROM orders o, customers c WHERE o.status = 'paid'",
    severity: 'critical',
    message: 'o and c are joined with no condition between them: every row is paired with every row (about 12000000 combinations).',
    suggested: 'add the join condition: o.customer_id = c.id',
    fragment: 'o, c',
    rewrite: {
      sql: `SELECT "o".id, "c".email FROM "orders" AS "o", "customers" AS "c" WHERE "o".status = 'paid' AND "o".customer_id = "c".id LIMIT 100`,
      ddl: [],
      changesResults: true,
      steps: ['cartesian-join', 'unbounded-result'],
    },
  },
  {
    type: 'or-across-columns',
    sql: 'SELECT id FROM orders WHERE customer_id = 5 OR total_cents = 300',
    severity: 'warning',
    message: 'customer_id = 5 OR total_cents = 300 is an OR across customer_id, total_cents: no single index serves it, so orders is scanned.',
    suggested: 'CREATE INDEX orders_total_cents_idx ON orders (total_cents)',
    fragment: 'customer_id = 5 OR total_cents = 300',
    rewrite: { sql: 'SELECT id FROM "orders" WHERE customer_id = 5 OR total_cents = 300', ddl: ['CREATE INDEX orders_total_cents_idx ON orders (total_cents)'], changesResults: false, steps: ['or-across-columns'] },
  },
];

function check(payload: HintPayload, e: Expected): void {
  const hint = payload.hints.find((h) => h.type === e.type);
  expect(hint, `hints: ${payload.hints.map((h) => h.type).join(', ')}`).toBeDefined();
  expect(hint).toEqual({
    type: e.type,
    severity: e.severity,
    message: typeof e.message === 'string' ? e.message : expect.stringMatching(e.message),
    suggested: e.suggested,
    docs: `docs/costguard.md#${e.type}`,
    fragment: e.fragment,
  });
  if (e.rewrite === null) expect(payload.rewrite).toBeNull();
  else {
    expect(payload.rewrite).toMatchObject({ sql: e.rewrite.sql, ddl: e.rewrite.ddl, changesResults: e.rewrite.changesResults });
    expect(payload.rewrite!.steps.map((s) => s.type)).toEqual(e.rewrite.steps);
    expect(payload.rewrite!.script).toBe([...e.rewrite.ddl.map((d) => `${d};`), `${e.rewrite.sql};`].join('\n'));
    expect(payload.rewrite!.estimatedCost).toBeLessThan(payload.estimatedCost);
    for (const s of payload.rewrite!.steps) expect(s.costAfter).toBeLessThanOrEqual(s.costBefore);
  }
  if (e.rejected) {
    expect(payload.rejected).toEqual(e.rejected.map((r) => ({ type: r.type, reason: typeof r.reason === 'string' ? r.reason : expect.stringMatching(r.reason) })));
  }
}

describe('hints on SQLite (demo shop)', () => {
  let analyzer: Analyzer;
  let engine: SqliteEngine;
  beforeAll(async () => {
    engine = new SqliteEngine(await createDemoShopSqlite(), { display: 'demo', ownsDb: true });
    analyzer = new Analyzer(engine);
  });
  afterAll(async () => engine?.close());

  it.each(SQLITE.map((e) => [e.type, e] as const))('%s', async (_type, e) => {
    check(await analyzer.analyze(e.sql), e);
  });

  it('says nothing about a well-formed query, and costs it by the model', async () => {
    const p = await analyzer.analyze('SELECT id, status, created_at FROM orders WHERE customer_id = 42 ORDER BY created_at DESC LIMIT 20');
    expect(p.hints).toEqual([]);
    expect(p.rewrite).toBeNull();
    expect(p.plan).toEqual(['SEARCH orders USING INDEX orders_customer (customer_id=?)', 'USE TEMP B-TREE FOR ORDER BY']);
    expect(p.costModel).toBe('sqlite-plan-model');
  });

  it('rewrites a date function into a range of the bare column, keeping the rows', async () => {
    const p = await analyzer.analyze("SELECT id, status FROM orders WHERE date(created_at) = '2024-05-01' LIMIT 100");
    expect(p.rewrite?.sql).toBe(`SELECT "id", "status" FROM "orders" WHERE "created_at" >= '2024-05-01' AND "created_at" < '2024-05-02' LIMIT 100`);
    expect(p.rewrite?.steps).toEqual([expect.objectContaining({ type: 'function-on-indexed-column', effect: 'same-rows' })]);
  });

  it('suggests the join-key index when a joined table is scanned once per outer row', async () => {
    const p = await analyzer.analyze("SELECT oi.id, p.name FROM order_items oi JOIN products p ON p.id = oi.product_id WHERE p.sku = 'SKU-00005'");
    expect(p.hints.map((h) => [h.type, h.suggested])).toEqual([['missing-index', 'CREATE INDEX order_items_product_id_idx ON order_items (product_id)']]);
    expect(p.rewrite?.ddl).toEqual(['CREATE INDEX order_items_product_id_idx ON order_items (product_id)']);
  });

  it('pushes a filter through a join into an aggregated view', async () => {
    const p = await analyzer.analyze('SELECT c.id, t.order_count FROM customers c LEFT JOIN customer_totals t ON t.customer_id = c.id WHERE c.id = 7');
    expect(p.hints.map((h) => h.type)).toEqual(['predicate-pushdown']);
    expect(p.rewrite?.sql).toBe(
      'SELECT "c"."id", "t"."order_count" FROM "customers" AS "c" LEFT JOIN (SELECT "customer_id", COUNT(*) AS "order_count", SUM("total_cents") AS "total_cents" FROM "orders" WHERE "customer_id" = 7 GROUP BY "customer_id") AS "t" ON "t"."customer_id" = "c"."id" WHERE "c"."id" = 7',
    );
  });
});

const skipPg = skipStoreKind('postgres');
describe.skipIf(skipPg)('hints on PostgreSQL (demo shop in a temporary database)', () => {
  let temp: TempPostgres;
  let engine: PostgresEngine;
  let analyzer: Analyzer;
  beforeAll(async () => {
    temp = await createTempPostgres();
    await loadDemoShopPostgres(temp.url);
    engine = new PostgresEngine(temp.url);
    analyzer = new Analyzer(engine);
  });
  afterAll(async () => {
    await engine?.close();
    await temp?.drop();
  });

  it.each(POSTGRES.map((e) => [e.type, e] as const))('%s', async (_type, e) => {
    check(await analyzer.analyze(e.sql, 'postgres'), e);
  });

  it("leaves the database as it was: the index built for verification was rolled back", async () => {
    await analyzer.analyze('SELECT id, customer_id FROM orders WHERE total_cents = 4321', 'postgres');
    const pg = await import('pg');
    const c = new pg.default.Client({ connectionString: temp.url });
    await c.connect();
    try {
      const r = await c.query("SELECT indexname FROM pg_indexes WHERE tablename = 'orders' ORDER BY indexname");
      expect(r.rows.map((x: { indexname: string }) => x.indexname)).toEqual(['orders_created', 'orders_customer', 'orders_pkey', 'orders_status_created']);
    } finally {
      await c.end();
    }
  });
});
