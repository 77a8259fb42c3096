import pg from 'pg';
import { WorkbenchError } from '../../../shared/api/errors.ts';
import { StaticCatalog, type ForeignKey, type IndexInfo, type TableInfo } from '../catalog.ts';
import type { PgPlanNode } from '../plan/postgres-plan.ts';
import type { QueryEngine, RawPlan, RowSet, Scratch } from './engine.ts';

/** Per-statement limit for everything Cost Guard runs on PostgreSQL (EXPLAIN, scratch runs, index builds). */
export const DEFAULT_STATEMENT_TIMEOUT_MS = 5000;

type Queryable = Pick<pg.ClientBase, 'query'>;

/** One statement, always over the extended protocol: a second statement smuggled into the text is an error, never run. */
async function one(on: Queryable, text: string, values: unknown[] = [], rowMode?: 'array'): Promise<pg.QueryResult> {
  const config = { text, values, queryMode: 'extended', ...(rowMode ? { rowMode } : {}) } as pg.QueryConfig & { queryMode: 'extended' };
  return on.query(config);
}

function rejected(e: unknown): WorkbenchError {
  return new WorkbenchError('BAD_INPUT', `sql: PostgreSQL rejected the query: ${(e as Error).message}`, { where: 'sql', dialect: 'postgres' });
}

function displayOf(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname || 'localhost'}:${u.port || '5432'}${u.pathname}`;
  } catch {
    return 'postgres';
  }
}

/**
 * A PostgreSQL database. Plans come from `EXPLAIN (FORMAT JSON)` inside a READ ONLY
 * transaction; verification runs (index builds, row comparisons) happen inside a
 * transaction that is always rolled back, each step behind a savepoint.
 */
export class PostgresEngine implements QueryEngine {
  readonly dialect = 'postgres' as const;
  readonly display: string;
  readonly #pool: pg.Pool;

  constructor(url: string, options: { statementTimeoutMs?: number } = {}) {
    this.display = displayOf(url);
    this.#pool = new pg.Pool({
      connectionString: url,
      max: 2,
      connectionTimeoutMillis: 10_000,
      idleTimeoutMillis: 10_000,
      application_name: 'compliance-workbench-costguard',
      options: `-c statement_timeout=${options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS} -c DateStyle=ISO`,
    });
    this.#pool.on('error', () => {});
  }

  async #withClient<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.#pool.connect();
    } catch (e) {
      throw new WorkbenchError('UNAVAILABLE', `cannot connect to PostgreSQL at ${this.display}: ${(e as Error).message}`, { db: this.display });
    }
    try {
      return await fn(client);
    } finally {
      client.release();
    }
  }

  async #readOnly<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    return this.#withClient(async (c) => {
      await c.query('BEGIN READ ONLY');
      try {
        return await fn(c);
      } finally {
        await c.query('ROLLBACK').catch(() => {});
      }
    });
  }

  async catalog(tables: readonly string[]): Promise<StaticCatalog> {
    return this.#readOnly(async (c) => readPgCatalog(c, tables));
  }

  async fillNdv(catalog: StaticCatalog, columns: ReadonlyArray<{ table: string; column: string }>): Promise<void> {
    const tables = [...new Set(columns.map((c) => c.table))];
    if (tables.length === 0) return;
    const res = await this.#readOnly((c) =>
      one(
        c,
        `SELECT s.tablename AS t, s.attname AS c, s.n_distinct AS nd, cl.reltuples AS rows
           FROM pg_stats s JOIN pg_class cl ON cl.relname = s.tablename AND pg_table_is_visible(cl.oid)
          WHERE s.schemaname = ANY (current_schemas(false)) AND s.tablename = ANY ($1::text[])`,
        [tables],
      ),
    );
    for (const r of res.rows as Array<{ t: string; c: string; nd: number; rows: number }>) {
      const n = r.nd >= 0 ? r.nd : -r.nd * Math.max(0, r.rows);
      if (n > 0 && !catalog.hasNdv(r.t, r.c)) catalog.setNdv(r.t, r.c, Math.max(1, Math.round(n)));
    }
  }

  async columnWidth(table: string, column: string): Promise<number | undefined> {
    const res = await this.#readOnly((c) =>
      one(c, `SELECT avg_width AS w FROM pg_stats WHERE schemaname = ANY (current_schemas(false)) AND tablename = $1 AND attname = $2`, [table, column]),
    );
    const w = (res.rows[0] as { w: number } | undefined)?.w;
    return w === undefined ? undefined : Number(w);
  }

  async explain(sql: string): Promise<RawPlan> {
    return this.#readOnly(async (c) => ({ dialect: 'postgres', plan: await explainOn(c, sql) }));
  }

  async scratch<T>(fn: (s: Scratch) => Promise<T>): Promise<T> {
    return this.#withClient(async (c) => {
      await c.query('BEGIN');
      let n = 0;
      // Each step behind a savepoint: an error must not poison the rest of the transaction.
      const guarded = async <R>(body: () => Promise<R>): Promise<R> => {
        const sp = `cg_sp_${++n}`;
        await c.query(`SAVEPOINT ${sp}`);
        try {
          const r = await body();
          await c.query(`RELEASE SAVEPOINT ${sp}`);
          return r;
        } catch (e) {
          await c.query(`ROLLBACK TO SAVEPOINT ${sp}`);
          await c.query(`RELEASE SAVEPOINT ${sp}`);
          throw e;
        }
      };
      const session: Scratch = {
        hasData: true,
        explain: (sql) => guarded(async () => ({ dialect: 'postgres' as const, plan: await explainOn(c, sql) })),
        withDdl: async (ddl, inner) => {
          const sp = `cg_ddl_${++n}`;
          await c.query(`SAVEPOINT ${sp}`);
          try {
            for (const stmt of ddl) await one(c, stmt);
            if (ddl.length > 0) await c.query('ANALYZE ' + [...new Set(ddl.map(tableOfIndexDdl).filter((t): t is string => t !== null))].join(', '));
            return await inner();
          } finally {
            await c.query(`ROLLBACK TO SAVEPOINT ${sp}`);
            await c.query(`RELEASE SAVEPOINT ${sp}`);
          }
        },
        catalog: async (base) => base,
        rows: (sql, cap) =>
          guarded(async () => {
            await one(c, `DECLARE cg_rows NO SCROLL CURSOR FOR ${sql}`);
            const res = await one(c, `FETCH FORWARD ${cap + 1} FROM cg_rows`, [], 'array');
            await c.query('CLOSE cg_rows');
            if (res.rows.length > cap) return 'over-cap' as const;
            const int8 = res.fields.map((f) => f.dataTypeID === INT8_OID);
            const set: RowSet = { columns: res.fields.map((f) => f.name), rows: (res.rows as unknown[][]).map((r) => r.map((v, i) => normalizePg(v, int8[i]!))) };
            return set;
          }),
      };
      try {
        return await fn(session);
      } finally {
        await c.query('ROLLBACK').catch(() => {});
      }
    });
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }
}

const INT8_OID = 20;

/** Row values in the same shapes SQLite gives: bigints as numbers when exact, timestamps as ISO strings. */
function normalizePg(v: unknown, int8: boolean): unknown {
  if (int8 && typeof v === 'string' && Number.isSafeInteger(Number(v))) return Number(v);
  if (v instanceof Date) return v.toISOString();
  if (Buffer.isBuffer(v)) return `x'${v.toString('hex')}'`;
  if (typeof v === 'object' && v !== null) return JSON.stringify(v);
  return v;
}

/** `CREATE INDEX … ON table (…)` → table (to ANALYZE after building it in the scratch transaction). */
function tableOfIndexDdl(stmt: string): string | null {
  const m = /\bON\s+("(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_.]*)\s*(?:USING\s+\w+\s*)?\(/i.exec(stmt);
  return m ? m[1]! : null;
}

async function explainOn(c: Queryable, sql: string): Promise<PgPlanNode> {
  try {
    const res = await one(c, `EXPLAIN (FORMAT JSON) ${sql}`);
    const plan = (res.rows[0] as Record<string, unknown>)['QUERY PLAN'] as Array<{ Plan: PgPlanNode }>;
    return plan[0]!.Plan;
  } catch (e) {
    throw rejected(e);
  }
}

interface RelRow {
  oid: number;
  name: string;
  kind: string;
  reltuples: number;
  viewdef: string | null;
}

export async function readPgCatalog(c: Queryable, tables: readonly string[]): Promise<StaticCatalog> {
  const rels = (
    await one(
      c,
      `SELECT cl.oid::int8 AS oid, cl.relname AS name, cl.relkind AS kind, cl.reltuples::float8 AS reltuples,
              CASE WHEN cl.relkind IN ('v', 'm') THEN pg_get_viewdef(cl.oid, true) END AS viewdef
         FROM pg_class cl
        WHERE cl.relkind IN ('r', 'p', 'v', 'm') AND pg_table_is_visible(cl.oid)
          AND (cl.relname = ANY ($1::text[]) OR cl.relkind IN ('v', 'm'))
        ORDER BY cl.relname`,
      [tables.map((t) => t.toLowerCase())],
    )
  ).rows as RelRow[];
  const oids = rels.map((r) => Number(r.oid));
  const attRows = (
    await one(c, `SELECT attrelid::int8 AS rel, attnum AS num, attname AS name, format_type(atttypid, atttypmod) AS type FROM pg_attribute WHERE attrelid = ANY ($1::oid[]) AND attnum > 0 AND NOT attisdropped ORDER BY attrelid, attnum`, [oids])
  ).rows as Array<{ rel: string; num: number; name: string; type: string }>;
  const idxRows = (
    await one(
      c,
      `SELECT i.indrelid::int8 AS rel, ic.relname AS name, i.indisunique AS uniq, i.indisprimary AS pk, (i.indpred IS NOT NULL) AS partial,
              i.indnkeyatts AS nkeys, i.indkey::int2[] AS keys,
              ARRAY(SELECT pg_get_indexdef(i.indexrelid, k, true) FROM generate_series(1, i.indnkeyatts) AS k) AS exprs
         FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
        WHERE i.indrelid = ANY ($1::oid[])`,
      [oids],
    )
  ).rows as Array<{ rel: string; name: string; uniq: boolean; pk: boolean; partial: boolean; nkeys: number; keys: number[]; exprs: string[] }>;
  const fkRows = (
    await one(
      c,
      `SELECT co.conrelid::int8 AS rel, rc.relname AS ref,
              ARRAY(SELECT a.attname::text FROM unnest(co.conkey) WITH ORDINALITY AS k(n, o) JOIN pg_attribute a ON a.attrelid = co.conrelid AND a.attnum = k.n ORDER BY k.o) AS cols,
              ARRAY(SELECT a.attname::text FROM unnest(co.confkey) WITH ORDINALITY AS k(n, o) JOIN pg_attribute a ON a.attrelid = co.confrelid AND a.attnum = k.n ORDER BY k.o) AS refcols
         FROM pg_constraint co JOIN pg_class rc ON rc.oid = co.confrelid
        WHERE co.contype = 'f' AND co.conrelid = ANY ($1::oid[])`,
      [oids],
    )
  ).rows as Array<{ rel: string; ref: string; cols: string[]; refcols: string[] }>;

  const out: TableInfo[] = rels.map((r) => {
    const rel = String(r.oid);
    const attByNum = new Map(attRows.filter((a) => String(a.rel) === rel).map((a) => [a.num, a.name.toLowerCase()]));
    const indexes: IndexInfo[] = idxRows
      .filter((i) => String(i.rel) === rel)
      .map((i) => {
        const keys = i.keys.slice(0, i.nkeys);
        return {
          name: i.name.toLowerCase(),
          table: r.name.toLowerCase(),
          columns: keys.map((k) => (k === 0 ? null : (attByNum.get(k) ?? null))),
          expressions: keys.map((k, n) => (k === 0 ? (i.exprs[n] ?? '') : '')),
          unique: i.uniq,
          partial: i.partial,
          primaryKey: i.pk,
        };
      })
      .sort((a, b) => a.name.localeCompare(b.name));
    const pk = indexes.find((i) => i.primaryKey);
    const foreignKeys: ForeignKey[] = fkRows
      .filter((f) => String(f.rel) === rel)
      .map((f) => ({ columns: f.cols.map((x) => x.toLowerCase()), refTable: f.ref.toLowerCase(), refColumns: f.refcols.map((x) => x.toLowerCase()) }));
    const isView = r.kind === 'v' || r.kind === 'm';
    return {
      name: r.name.toLowerCase(),
      kind: isView ? 'view' : 'table',
      columns: [...attByNum.values()],
      columnTypes: Object.fromEntries(attRows.filter((a) => String(a.rel) === rel).map((a) => [a.name.toLowerCase(), a.type])),
      primaryKey: pk ? pk.columns.filter((x): x is string => x !== null) : [],
      rowidAlias: null,
      indexes,
      foreignKeys,
      rowCount: !isView && r.reltuples >= 0 ? Math.round(r.reltuples) : null,
      viewSql: r.viewdef ? r.viewdef.trim().replace(/;\s*$/, '') : null,
    };
  });
  return new StaticCatalog('postgres', out);
}
