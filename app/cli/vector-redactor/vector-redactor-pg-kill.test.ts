import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOrCreateWorkbenchKey } from '../../../main/appeals/workbench-key.ts';
import { createTempPostgres, postgresAdminUrl, postgresSkipped, type TempPostgres } from '../../../main/store/temp-postgres.ts';
import { AT, KILL_POINTS, POLICY_ARGS, applyAndKill, cli } from '../../../main/assurance/chaos/vector-redactor-process.ts';

/**
 * The kill test on the shared store: `vector-redactor apply` against PostgreSQL, SIGKILLed
 * at five points and run again, ends exactly like an uninterrupted run — vectors, batch
 * checkpoints and receipts, the job, each receipt once in the audit trail, the certificate.
 */
async function query(url: string, sql: string): Promise<unknown[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(sql)).rows;
  } finally {
    await c.end();
  }
}

/** A copy of a database (CREATE DATABASE … TEMPLATE), dropped with the others at the end. */
async function copyDatabase(from: TempPostgres, suffix: string, drops: Array<() => Promise<void>>): Promise<string> {
  const name = `${from.database}_${suffix}`;
  const admin = new pg.Client({ connectionString: postgresAdminUrl() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)} TEMPLATE ${pg.escapeIdentifier(from.database)}`);
  await admin.end();
  drops.push(async () => {
    const a = new pg.Client({ connectionString: postgresAdminUrl() });
    await a.connect();
    await a.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
    await a.end();
  });
  const u = new URL(from.url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function state(url: string): Promise<unknown[]> {
  return Promise.all([
    query(url, 'SELECT shard, case_id, purpose, created_at, id, tenant, region, md5(embedding) AS e FROM vectors ORDER BY shard, case_id, purpose, created_at, id'),
    query(url, 'SELECT * FROM vector_purge_receipts ORDER BY job_id, seq'),
    query(url, 'SELECT * FROM vector_purge_checkpoints ORDER BY job_id, shard'),
    query(url, 'SELECT job_id, seq, shard, first_id, last_id, count, digest FROM redaction_receipts ORDER BY seq'),
    query(url, 'SELECT id, plan_hash, policy, state, total, batch_count, batch_size, created_by, created_at, grace_until, error, certificate FROM redaction_jobs'),
  ]);
}

describe.skipIf(postgresSkipped())('vector-redactor on PostgreSQL (child processes)', () => {
  let root: string;
  let base: TempPostgres;
  const drops: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'wb-vr-pg-'));
    base = await createTempPostgres();
    drops.push(() => base.drop());
    const gen = cli(['generate-fixture', '--data-dir', join(root, 'base'), '--database-url', base.url, '--vectors', '20000', '--shards', '4', '--queries', '300']);
    expect(gen.status).toBe(0);
    loadOrCreateWorkbenchKey(join(root, 'base'));
    const dry = cli(['dry-run', '--data-dir', join(root, 'base'), '--database-url', base.url, '--at', AT, '--out', join(root, 'plan.json'), ...POLICY_ARGS]);
    expect(dry.status).toBe(0);
  }, 120_000);
  afterAll(async () => {
    for (const d of drops.reverse()) await d().catch(() => undefined);
    rmSync(root, { recursive: true, force: true });
  });

  it('killed with SIGKILL at several points and run again, apply ends in the same state as an uninterrupted run', async () => {
    const plan = join(root, 'plan.json');
    const straight = { dir: join(root, 'straight'), url: await copyDatabase(base, 'straight', drops) };
    const killed = { dir: join(root, 'killed'), url: await copyDatabase(base, 'killed', drops) };
    cpSync(join(root, 'base'), straight.dir, { recursive: true });
    cpSync(join(root, 'base'), killed.dir, { recursive: true });
    const args = (s: { dir: string; url: string }) => ['--data-dir', s.dir, '--database-url', s.url];

    const a = cli(['apply', '--plan', plan, ...args(straight), '--at', AT, '--batch-size', '40', '--progress', 'none']);
    expect(a.status).toBe(0);
    const jobId = /job (rj-[0-9a-f]{16})/.exec(a.stdout)![1]!;
    const batchCount = ((await query(straight.url, 'SELECT batch_count AS n FROM redaction_jobs')) as Array<{ n: number }>)[0]!.n;
    expect(batchCount).toBeGreaterThan(20);

    const receiptsAt: number[] = [];
    for (const point of KILL_POINTS) {
      const run = await applyAndKill(args(killed), plan, point);
      expect(run.signal).toBe('SIGKILL');
      receiptsAt.push(((await query(killed.url, 'SELECT count(*)::int AS n FROM redaction_receipts')) as Array<{ n: number }>)[0]!.n);
    }
    const mid = receiptsAt.slice(2);
    expect(mid.every((n) => n > 0 && n < batchCount)).toBe(true);
    expect(new Set(mid).size).toBe(3);

    const b = cli(['apply', '--plan', plan, ...args(killed), '--at', AT, '--batch-size', '40', '--progress', 'none']);
    expect(b.status).toBe(0);
    expect(b.stdout).toContain(`job ${jobId}  COMPLETED`);
    expect(await state(killed.url)).toEqual(await state(straight.url));
    expect(await query(killed.url, "SELECT count(*)::int AS n FROM audit_events WHERE action = 'vectors.purge.receipt'")).toEqual([{ n: batchCount }]);
    const cert = join('redaction', 'certificates', `${jobId}.json`);
    expect(readFileSync(join(killed.dir, cert)).equals(readFileSync(join(straight.dir, cert)))).toBe(true);
    const v = cli(['verify', jobId, ...args(killed)]);
    expect(v.status).toBe(0);
    expect(v.stdout.split('\n')[0]).toBe(`VERIFIED  job ${jobId}`);
  }, 300_000);
});
