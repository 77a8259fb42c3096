// `node scripts/bench-redact.ts [--quick] [--vectors N] [--postgres] [--shards S]`
//
// Vector redaction at scale: generate N synthetic 32-dimension vectors (default 10,000,000;
// --quick 200,000; --postgres defaults to 1,000,000 in a temporary PostgreSQL database),
// then on fresh copies of the same data: dry-run and apply a policy selecting 10%, the
// same for 100%, and the floor — a bare delete of exactly the same rows (one DELETE per
// policy range, one transaction per shard, same pragmas, same WAL checkpoint / VACUUM at the
// end so both finish in the same on-disk state). Each phase runs in its own process, so
// its peak RSS is its own. The last line is one JSON object.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { DEFAULT_FIXTURE, fixtureCases, generateQueryLog, generateVectors, type FixtureSpec } from '../fixtures/vector/generate-vectors.ts';
import { readPlanFile, writePlanFile } from '../main/redaction/diff-plan.ts';
import { openRedaction, vectorsDir } from '../main/redaction/open-redaction.ts';
import { redactionMigrations } from '../main/redaction/redaction-schema.ts';
import { policyRanges, type RetentionPolicy } from '../main/redaction/retention-policy.ts';
import { shardFileName } from '../main/redaction/shard-schema.ts';
import { MIGRATIONS } from '../main/store/migrations/index.ts';
import { openStore } from '../main/store/open-store.ts';
import { createTempPostgres, postgresAdminUrl } from '../main/store/temp-postgres.ts';

const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(name);
const value = (name: string) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};

const AT = '2026-11-28T00:00:00.000Z';
const ACTOR = 'bench-steward';

function spec(vectors: number, shards: number): FixtureSpec {
  return { ...DEFAULT_FIXTURE, vectors, shards, dimension: 32, cases: 50, queries: Math.min(10_000, Math.max(1000, vectors / 1000)), k: 10 };
}

/** 10%: ten of the fifty cases, one of the two purposes. 100%: every case and purpose. */
function policyFor(s: FixtureSpec, pct: number): RetentionPolicy {
  const cases = fixtureCases(s);
  return pct === 100
    ? { cases, purposes: [...s.purposes], retention: '90d', at: AT }
    : { cases: cases.slice(0, 10), purposes: ['research'], retention: '90d', at: AT };
}

const rssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);
const secs = (t0: number) => (performance.now() - t0) / 1000;

async function openAt(dataDir: string, databaseUrl: string | undefined) {
  return openStore({ dataDir, ...(databaseUrl ? { databaseUrl } : {}), migrations: redactionMigrations(MIGRATIONS) });
}

// ---- phases (each in its own process) ----

async function phaseGenerate(dataDir: string, databaseUrl: string | undefined, s: FixtureSpec) {
  const store = await openAt(dataDir, databaseUrl);
  await store.upsertActor({ id: ACTOR, displayName: 'Bench Steward', tenant: 'acme', region: 'us-west-2', roles: ['data_steward'] }, AT);
  const r = await openRedaction(store, dataDir, { create: { shards: s.shards, dimension: s.dimension } });
  const t0 = performance.now();
  await generateVectors(r.backend, s, {
    onProgress: (p) => process.stderr.write(`\r  generating: shard ${p.shardsDone}/${p.shards}, ${p.vectors.toLocaleString('en-US')} vectors`),
  });
  await generateQueryLog(r.queryLog, s);
  for (let shard = 0; shard < s.shards; shard++) await r.backend.compact(shard);
  process.stderr.write('\n');
  const out = { generate_s: secs(t0), rss_mb: rssMb() };
  await r.close();
  await store.close();
  return out;
}

/** `vector-redactor dry-run`: the exact diff, written as the plan file. */
async function phaseDryRun(dataDir: string, databaseUrl: string | undefined, s: FixtureSpec, pct: number) {
  const store = await openAt(dataDir, databaseUrl);
  const r = await openRedaction(store, dataDir);
  const t0 = performance.now();
  const hashed = await r.engine.dryRun(policyFor(s, pct));
  writePlanFile(join(dataDir, `diff-${pct}.json`), hashed);
  const out = { dry_run_s: secs(t0), vectors: hashed.plan.totals.vectors, plan_mb: statSync(join(dataDir, `diff-${pct}.json`)).size / 1024 ** 2, rss_mb: rssMb() };
  await r.close();
  await store.close();
  return out;
}

/**
 * `vector-redactor apply --plan`, in its own process as on the command line: read and check
 * the plan, check it against the data, fix batches, recall, purge with receipts and audit,
 * certificate.
 */
async function phaseApply(dataDir: string, databaseUrl: string | undefined, pct: number) {
  const store = await openAt(dataDir, databaseUrl);
  const r = await openRedaction(store, dataDir);
  const t0 = performance.now();
  r.backend.warm?.(); // as the service's apply does
  const plan = readPlanFile(join(dataDir, `diff-${pct}.json`));
  const tRead = secs(t0);
  const { job } = await r.engine.createJob(plan, { actorId: ACTOR, at: AT, grace: '0s', planFile: join(dataDir, `diff-${pct}.json`) });
  const tCreate = secs(t0) - tRead;
  let lastLine = 0;
  const done = await r.engine.purge(job.id, {
    actorId: ACTOR,
    at: AT,
    now: () => new Date(AT),
    onProgress: (p) => {
      const now = performance.now();
      if (now - lastLine > 500) {
        lastLine = now;
        process.stderr.write(`\r  purging ${pct}%: ${p.done.toLocaleString('en-US')}/${p.total.toLocaleString('en-US')} at ${Math.round(p.rate).toLocaleString('en-US')}/s, concurrency ${p.concurrency}   `);
      }
    },
  });
  const apply = secs(t0);
  process.stderr.write('\n');
  if (done.state !== 'completed') throw new Error(`job ended ${done.state}: ${done.error}`);
  const out = { apply_s: apply, read_plan_s: tRead, create_job_s: tCreate, purge_s: apply - tRead - tCreate, vectors: done.total, batches: done.batchCount, rss_mb: rssMb() };
  await r.close();
  await store.close();
  return out;
}

/** The floor: the same rows, deleted as plainly as SQL allows. */
async function phaseFloor(dataDir: string, databaseUrl: string | undefined, s: FixtureSpec, pct: number) {
  const ranges = policyRanges(policyFor(s, pct));
  let deleted = 0;
  if (!databaseUrl) {
    const dbs = Array.from({ length: s.shards }, (_, shard) => {
      const db = new Database(join(vectorsDir(dataDir), shardFileName(shard)));
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('secure_delete = ON');
      db.pragma('cache_size = -8192');
      return db;
    });
    const t0 = performance.now();
    for (const db of dbs) {
      const del = db.prepare('DELETE FROM vectors WHERE case_id = ? AND purpose = ? AND created_at < ?');
      db.transaction(() => {
        for (const r of ranges) deleted += del.run(r.caseId, r.purpose, r.beforeMs).changes;
      }).immediate();
    }
    const noCheckpoint = secs(t0);
    for (const db of dbs) db.pragma('wal_checkpoint(TRUNCATE)');
    const floor = secs(t0);
    for (const db of dbs) db.close();
    return { floor_s: floor, floor_no_checkpoint_s: noCheckpoint, deleted, rss_mb: rssMb() };
  }
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const t0 = performance.now();
  for (let shard = 0; shard < s.shards; shard++) {
    await client.query('BEGIN');
    for (const r of ranges) {
      deleted += (await client.query('DELETE FROM vectors WHERE shard = $1 AND case_id = $2 AND purpose = $3 AND created_at < $4', [shard, r.caseId, r.purpose, r.beforeMs])).rowCount ?? 0;
    }
    await client.query('COMMIT');
  }
  const noVacuum = secs(t0);
  await client.query('VACUUM vectors');
  const floor = secs(t0);
  await client.end();
  return { floor_s: floor, floor_no_checkpoint_s: noVacuum, deleted, rss_mb: rssMb() };
}

// ---- orchestration ----

function runPhase(args: string[]): Record<string, number> {
  const res = spawnSync(process.execPath, [process.argv[1]!, ...args], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', maxBuffer: 1 << 24 });
  if (res.status !== 0) throw new Error(`phase ${args.join(' ')} failed (exit ${res.status})`);
  const lines = res.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]!) as Record<string, number>;
}

function dirMb(dir: string): number {
  let n = 0;
  for (const f of readdirSync(dir, { recursive: true }) as string[]) {
    try {
      const st = statSync(join(dir, f));
      if (st.isFile()) n += st.size;
    } catch {
      // a WAL that vanished under us
    }
  }
  return n / 1024 ** 2;
}

async function main() {
  const phase = value('--phase');
  const usePg = flag('--postgres');
  const vectors = Number(value('--vectors') ?? (flag('--quick') ? 200_000 : usePg ? 1_000_000 : 10_000_000));
  const shards = Number(value('--shards') ?? 16);
  if (!Number.isInteger(vectors) || vectors < 1000) throw new Error('--vectors must be a whole number ≥ 1000');
  const s = spec(vectors, shards);

  if (phase) {
    const dataDir = value('--dir')!;
    const url = value('--url');
    const pct = Number(value('--pct') ?? 10);
    const out =
      phase === 'generate'
        ? await phaseGenerate(dataDir, url, s)
        : phase === 'dry-run'
          ? await phaseDryRun(dataDir, url, s, pct)
          : phase === 'apply'
            ? await phaseApply(dataDir, url, pct)
            : await phaseFloor(dataDir, url, s, pct);
    console.log(JSON.stringify(out));
    return;
  }

  const root = mkdtempSync(join(tmpdir(), 'wb-bench-redact-'));
  const common = ['--vectors', String(vectors), '--shards', String(shards)];
  const cleanups: Array<() => Promise<void>> = [];
  try {
    console.log(`vector redaction bench: ${vectors.toLocaleString('en-US')} vectors × 32 dims in ${shards} shards, ${usePg ? 'PostgreSQL' : 'SQLite'}`);
    const pristine = join(root, 'pristine');
    mkdirSync(pristine, { recursive: true });
    let pristineUrl: string | undefined;
    let pristineDb = '';
    if (usePg) {
      const db = await createTempPostgres();
      pristineUrl = db.url;
      pristineDb = db.database;
      cleanups.push(() => db.drop());
    }
    const gen = runPhase(['--phase', 'generate', '--dir', pristine, ...(pristineUrl ? ['--url', pristineUrl] : []), ...common]);
    console.log(`generate: ${gen.generate_s!.toFixed(1)} s (${Math.round(vectors / gen.generate_s!).toLocaleString('en-US')} vectors/s), ${usePg ? '' : `${dirMb(pristine).toFixed(0)} MiB on disk, `}peak RSS ${gen.rss_mb} MiB`);

    /** A fresh copy of the generated data for one phase. */
    const copy = async (name: string): Promise<{ dir: string; url?: string; drop: () => Promise<void> }> => {
      const dir = join(root, name);
      cpSync(pristine, dir, { recursive: true });
      // Write the copy out now, so neither contender pays for flushing it.
      spawnSync('sync');
      if (!usePg) return { dir, drop: async () => rmSync(dir, { recursive: true, force: true }) };
      const admin = new pg.Client({ connectionString: postgresAdminUrl() });
      await admin.connect();
      const dbName = `${pristineDb}_${name}`;
      await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(dbName)} TEMPLATE ${pg.escapeIdentifier(pristineDb)}`);
      await admin.end();
      const u = new URL(pristineUrl!);
      u.pathname = `/${dbName}`;
      return {
        dir,
        url: u.toString(),
        drop: async () => {
          const a = new pg.Client({ connectionString: postgresAdminUrl() });
          await a.connect();
          await a.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(dbName)} WITH (FORCE)`);
          await a.end();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    };

    const results: Record<string, Record<string, number>> = {};
    for (const pct of [10, 100]) {
      const c = await copy(`apply-${pct}`);
      try {
        const args = ['--pct', String(pct), '--dir', c.dir, ...(c.url ? ['--url', c.url] : []), ...common];
        results[`dry${pct}`] = runPhase(['--phase', 'dry-run', ...args]);
        results[`apply${pct}`] = runPhase(['--phase', 'apply', ...args]);
      } finally {
        await c.drop();
      }
      const f0 = await copy(`floor-${pct}`);
      try {
        results[`floor${pct}`] = runPhase(['--phase', 'floor', '--pct', String(pct), '--dir', f0.dir, ...(f0.url ? ['--url', f0.url] : []), ...common]);
      } finally {
        await f0.drop();
      }
      const d = results[`dry${pct}`]!;
      const a = results[`apply${pct}`]!;
      const f = results[`floor${pct}`]!;
      if (a.vectors !== f.deleted || d.vectors !== a.vectors) throw new Error(`dry-run ${d.vectors}, apply ${a.vectors}, floor ${f.deleted}: not the same rows`);
      console.log(
        `${pct}%: ${a.vectors!.toLocaleString('en-US')} vectors — dry-run ${d.dry_run_s!.toFixed(2)} s (plan ${d.plan_mb!.toFixed(1)} MiB, peak RSS ${d.rss_mb} MiB); ` +
          `apply ${a.apply_s!.toFixed(2)} s (read plan ${a.read_plan_s!.toFixed(2)}, check+recall ${a.create_job_s!.toFixed(2)}, purge ${a.purge_s!.toFixed(2)}; ${a.batches} batches; peak RSS ${a.rss_mb} MiB); ` +
          `floor ${f.floor_s!.toFixed(2)} s (${f.floor_no_checkpoint_s!.toFixed(2)} s before ${usePg ? 'VACUUM' : 'the WAL checkpoint'}); ratio ${(a.apply_s! / f.floor_s!).toFixed(2)}×`,
      );
    }
    const a10 = results.apply10!;
    const a100 = results.apply100!;
    const summary = {
      vectors,
      store: usePg ? 'postgres' : 'sqlite',
      generate_s: round(gen.generate_s!),
      dry_run_s: round(results.dry10!.dry_run_s!),
      dry_run_all_s: round(results.dry100!.dry_run_s!),
      apply_10pct_s: round(a10.apply_s!),
      apply_all_s: round(a100.apply_s!),
      floor_10pct_s: round(results.floor10!.floor_s!),
      floor_all_s: round(results.floor100!.floor_s!),
      floor_ratio: round(Math.max(a10.apply_s! / results.floor10!.floor_s!, a100.apply_s! / results.floor100!.floor_s!)),
      peak_rss_mb: Math.max(a10.rss_mb!, a100.rss_mb!, results.dry10!.rss_mb!, results.dry100!.rss_mb!),
      generate_rss_mb: gen.rss_mb,
    };
    console.log(JSON.stringify(summary));
  } finally {
    for (const c of cleanups) await c().catch(() => {});
    rmSync(root, { recursive: true, force: true });
  }
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

await main();
