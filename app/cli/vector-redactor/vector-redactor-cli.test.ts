import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOrCreateWorkbenchKey } from '../../../main/appeals/workbench-key.ts';
import { AT, ENTRY, ENV, KILL_POINTS, POLICY_ARGS, applyAndKill, cli } from '../../../main/assurance/chaos/vector-redactor-process.ts';

/**
 * The real CLI in child processes, including a purge killed with SIGKILL at several points
 * and resumed, compared with an uninterrupted run (SQLite; the PostgreSQL twin is in
 * vector-redactor-pg-kill.test.ts).
 */
function rows(dataDir: string, sql: string): unknown[] {
  const db = new Database(join(dataDir, 'workbench.sqlite'), { readonly: true });
  try {
    return db.prepare(sql).all();
  } finally {
    db.close();
  }
}

function shardState(dataDir: string): unknown[] {
  const out: unknown[] = [];
  for (let s = 0; s < 4; s++) {
    const db = new Database(join(dataDir, 'vectors', `shard-0${s}.sqlite`), { readonly: true });
    out.push(
      db.prepare('SELECT case_id, purpose, created_at, id, tenant, region, hex(embedding) AS e FROM vectors ORDER BY case_id, purpose, created_at, id').all(),
      db.prepare('SELECT * FROM purge_receipts ORDER BY job_id, seq').all(),
      db.prepare('SELECT * FROM purge_checkpoints ORDER BY job_id').all(),
    );
    db.close();
  }
  return out;
}

describe('vector-redactor (child processes)', () => {
  let root: string;
  let base: string;
  let plan: string;

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'wb-vr-cli-'));
    base = join(root, 'base');
    const gen = cli(['generate-fixture', '--data-dir', base, '--vectors', '20000', '--shards', '4', '--queries', '300']);
    expect(gen.stderr).toBe('');
    expect(gen.status).toBe(0);
    // One signing key for every copy, so the certificates can be compared byte for byte.
    loadOrCreateWorkbenchKey(base);
    plan = join(root, 'plan.json');
    const dry = cli(['dry-run', '--data-dir', base, '--at', AT, '--out', plan, ...POLICY_ARGS]);
    expect(dry.status).toBe(0);
  }, 120_000);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('dry-run writes byte-identical plans for the same data and policy', () => {
    const again = join(root, 'plan-again.json');
    const r = cli(['dry-run', '--data-dir', base, '--at', AT, '--out', again, ...POLICY_ARGS]);
    expect(r.status).toBe(0);
    expect(readFileSync(again).equals(readFileSync(plan))).toBe(true);
    const hash = (JSON.parse(readFileSync(plan, 'utf8')) as { planHash: string }).planHash;
    expect(r.stdout.split('\n')[0]).toBe(`plan ${hash}`);
    expect(r.stdout).toContain('(erases vectors created before 2026-08-30T12:00:00.000Z)');
  });

  it('reports bad usage and bad input with exit 2, naming the flag', () => {
    expect(cli(['dry-run', '--data-dir', base, '--out', join(root, 'x.json')])).toMatchObject({ status: 2, stderr: expect.stringContaining('give either --policy NAME, or --case, --purpose and --retention') });
    expect(cli(['dry-run', '--data-dir', base, '--case', 'C', '--purpose', 'p', '--retention', '90', '--out', join(root, 'x.json')])).toMatchObject({
      status: 2,
      stderr: 'vector-redactor dry-run: BAD_INPUT: redaction.dryRun input: policy.retention: a duration like 90d, 12h, 30m or 0s\n',
    });
    expect(cli(['apply', '--data-dir', base, '--plan', join(root, 'absent.json')])).toMatchObject({ status: 2, stderr: expect.stringContaining(`${join(root, 'absent.json')}: cannot read the plan`) });
    expect(cli(['apply', '--data-dir', base, '--plan', plan, '--batch-size', 'ten'])).toMatchObject({ status: 2, stderr: expect.stringContaining('--batch-size must be a whole number from 1 to 1000000, got "ten"') });
    expect(cli(['dry-run', '--data-dir', base, '--at', 'yesterday', '--policy', 'x', '--out', 'x'])).toMatchObject({ status: 2, stderr: expect.stringContaining('--at "yesterday": expected an ISO-8601 UTC time') });
  });

  it('Ctrl-C pauses the purge after the batches in flight; resume finishes it', async () => {
    const dir = join(root, 'sigint');
    cpSync(base, dir, { recursive: true });
    const child = spawn(
      process.execPath,
      [ENTRY, 'apply', '--plan', plan, '--data-dir', dir, '--at', AT, '--batch-size', '40', '--rows-per-second', '100', '--log-format', 'json', '--progress', 'none'],
      { env: ENV, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    let sent = false;
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString('utf8');
      if (!sent && /"apply\.progress".*"state":"purging".*"erased":[1-9]/.test(stderr)) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    const code = await new Promise<number | null>((done) => child.on('exit', (c) => done(c)));
    expect(sent).toBe(true);
    expect(code).toBe(1);
    expect(stderr).toContain('cancelling: the batches in flight finish, then the job pauses (resume continues it)');
    const jobId = /job (rj-[0-9a-f]{16}) {2}PAUSED/.exec(stdout)?.[1];
    expect(jobId).toBeDefined();
    expect(stdout).toContain(`  resume with: vector-redactor resume ${jobId}`);
    const r = cli(['resume', jobId!, '--data-dir', dir, '--at', AT, '--progress', 'none']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`job ${jobId}  COMPLETED`);
  }, 120_000);

  it('killed with SIGKILL at several points and run again, apply ends in the same state as an uninterrupted run', async () => {
    const straight = join(root, 'straight');
    const killed = join(root, 'killed');
    cpSync(base, straight, { recursive: true });
    cpSync(base, killed, { recursive: true });

    const a = cli(['apply', '--plan', plan, '--data-dir', straight, '--at', AT, '--batch-size', '40', '--progress', 'none']);
    expect(a.status).toBe(0);
    expect(a.stdout).toContain('COMPLETED');
    const jobId = /job (rj-[0-9a-f]{16})/.exec(a.stdout)![1]!;
    const batchCount = (rows(straight, 'SELECT batch_count AS n FROM redaction_jobs') as Array<{ n: number }>)[0]!.n;
    expect(batchCount).toBeGreaterThan(20);

    // Kill points: during start-up / the plan check, right after the recall, and at three points of the purge.
    const receiptsAt: number[] = [];
    for (const point of KILL_POINTS) {
      const run = await applyAndKill(['--data-dir', killed], plan, point);      expect(run.signal).toBe('SIGKILL');
      receiptsAt.push(existsSync(join(killed, 'workbench.sqlite')) ? (rows(killed, 'SELECT count(*) AS n FROM redaction_receipts') as Array<{ n: number }>)[0]?.n ?? 0 : 0);
    }
    // The last three kills really landed inside the purge, each later than the one before.
    const mid = receiptsAt.slice(2);
    expect(mid.every((n) => n > 0 && n < batchCount)).toBe(true);
    expect([...mid].sort((x, y) => x - y)).toEqual(mid);
    expect(new Set(mid).size).toBe(3);
    const state = rows(killed, 'SELECT state FROM redaction_jobs') as Array<{ state: string }>;
    expect(state.map((s) => s.state)).not.toContain('completed');

    const b = cli(['apply', '--plan', plan, '--data-dir', killed, '--at', AT, '--batch-size', '40', '--progress', 'none']);
    expect(b.status).toBe(0);
    expect(b.stdout).toContain(`job ${jobId}  COMPLETED`);

    expect(shardState(killed)).toEqual(shardState(straight));
    const jobSql = 'SELECT id, plan_hash, policy, state, total, batch_count, batch_size, created_by, created_at, grace_until, error, certificate FROM redaction_jobs';
    expect(rows(killed, jobSql)).toEqual(rows(straight, jobSql));
    const receiptSql = 'SELECT job_id, seq, shard, first_id, last_id, count, digest FROM redaction_receipts ORDER BY seq';
    expect(rows(killed, receiptSql)).toEqual(rows(straight, receiptSql));
    // Every receipt is in the audit trail exactly once, after every kill.
    expect(rows(killed, "SELECT count(*) AS n FROM audit_events WHERE action = 'vectors.purge.receipt'")).toEqual([{ n: batchCount }]);
    const cert = join('redaction', 'certificates', `${jobId}.json`);
    expect(readFileSync(join(killed, cert)).equals(readFileSync(join(straight, cert)))).toBe(true);

    const v = cli(['verify', jobId, '--data-dir', killed, '--fixture']);
    expect(v.status).toBe(0);
    expect(v.stdout.split('\n')[0]).toBe(`VERIFIED  job ${jobId}`);
    expect(v.stdout).toContain(' ok   nearest-neighbour search   16 erased vectors searched with their own embedding: none returned among the 10 nearest');
  }, 300_000);
});
