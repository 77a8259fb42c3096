// `node scripts/bench-costguard.ts [--quick] [--postgres]`: runs the Cost Guard corpus
// (fixtures/costguard/corpus.ts) over the demo shop in memory and reports the share of
// costly queries with at least one correct hint (goal ≥ 0.99), the share of well-formed
// queries flagged (goal ≤ 0.03), the share of costly queries whose rewrite was verified
// cheaper, and p50/p99 analysis time per query (goal p99 ≤ 20 ms on SQLite). --quick runs
// every 4th query; --postgres also runs the corpus on a temporary PostgreSQL database.
// Ends with one JSON line: {"costly_coverage": …, "good_flagged": …, "rewrites_verified": …, "p99_ms": …}.
import { Analyzer } from '../main/costguard/analyzer.ts';
import { PostgresEngine } from '../main/costguard/engine/postgres-engine.ts';
import { SqliteEngine } from '../main/costguard/engine/sqlite-engine.ts';
import { createTempPostgres } from '../main/store/temp-postgres.ts';
import { buildCorpus } from '../fixtures/costguard/corpus.ts';
import { evaluateCorpus, type CorpusMetrics } from '../fixtures/costguard/corpus-eval.ts';
import { createDemoShopSqlite, loadDemoShopPostgres } from '../fixtures/costguard/demo-shop-db.ts';

const quick = process.argv.includes('--quick');
const withPostgres = process.argv.includes('--postgres');
const corpus = buildCorpus().filter((_, i) => !quick || i % 4 === 0);
const r3 = (n: number) => Math.round(n * 1000) / 1000;

function report(label: string, m: CorpusMetrics): void {
  console.log(`${label}: ${m.costly} costly + ${m.good} well-formed queries`);
  console.log(`  costly with a correct hint   ${(m.costlyCoverage * 100).toFixed(1)}%  (goal ≥ 99%)`);
  console.log(`  well-formed flagged          ${(m.goodFlagged * 100).toFixed(1)}%  (goal ≤ 3%)`);
  console.log(`  rewrites verified cheaper    ${(m.rewritesVerified * 100).toFixed(1)}%`);
  console.log(`  analysis time per query      p50 ${m.p50Ms.toFixed(2)} ms, p99 ${m.p99Ms.toFixed(2)} ms`);
  for (const r of m.misses.slice(0, 5)) console.log(`  miss: ${r.query.id} ${r.query.sql}`);
  for (const r of m.flagged.slice(0, 5)) console.log(`  flagged: ${r.query.id} ${r.error ?? r.payload?.hints.map((h) => h.type).join(', ')}`);
}

const db = await createDemoShopSqlite();
const sqlite = new SqliteEngine(db, { display: 'demo shop (memory)' });
const analyzer = new Analyzer(sqlite);
// Warm-up: the scratch copy and the statistics caches are built once per database version.
await analyzer.analyze('SELECT id FROM orders WHERE id = 1');
const { metrics } = await evaluateCorpus(corpus, (sql) => analyzer.analyze(sql));
report('SQLite (better-sqlite3, in memory)', metrics);
await sqlite.close();
db.close();

if (withPostgres) {
  const temp = await createTempPostgres();
  const pgEngine = new PostgresEngine(temp.url);
  try {
    await loadDemoShopPostgres(temp.url);
    const pgAnalyzer = new Analyzer(pgEngine);
    const pg = await evaluateCorpus(corpus, (sql) => pgAnalyzer.analyze(sql, 'postgres'));
    report('PostgreSQL (corpus written for SQLite; not a goal)', pg.metrics);
  } finally {
    await pgEngine.close();
    await temp.drop();
  }
}

console.log(
  JSON.stringify({
    costly_coverage: r3(metrics.costlyCoverage),
    good_flagged: r3(metrics.goodFlagged),
    rewrites_verified: r3(metrics.rewritesVerified),
    p99_ms: Math.round(metrics.p99Ms * 100) / 100,
  }),
);
