// `npm run bench:propagation [-- --quick]`: how fast a revocation reaches another workbench.
//
// PostgreSQL: a database is created for the run; workbench A (this process) and workbench B
// (a child process) open it. Each trial: A grants a role (or a consent), B's sensitive action
// is allowed, B keeps acting; A revokes; the time from A's commit to the completion of B's
// first denied action is one sample. At least 200 trials (40 with --quick). Goal p99 < 250 ms.
//
// SQLite: one workbench in one process; each trial revokes and checks that the very next
// sensitive action is denied (a stale decision is one that is still allowed).
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Actor } from '../shared/domain/actors.ts';
import { WorkbenchError } from '../shared/api/errors.ts';
import type { PolicyResource } from '../main/policy/pdp.ts';
import { openPolicyWorkbench, type PolicyWorkbench } from '../main/policy/policy-workbench.ts';
import { createTempPostgres } from '../main/store/temp-postgres.ts';
import type { Store } from '../main/store/store.ts';

const quick = process.argv.includes('--quick');
const TRIALS = quick ? 40 : 200;
const NOW = () => new Date();
/** Wall-clock milliseconds with sub-millisecond resolution, comparable across processes on one machine. */
const clock = () => performance.timeOrigin + performance.now();

type Kind = 'role' | 'consent';
const SUBJECT_DATA: PolicyResource = {
  type: 'evidence',
  id: 'bench-subject-data',
  labels: { tenant: 'acme', region: 'us-west-2', sensitivity: 'internal', purpose: 'research' },
  subjectId: 'cust-bench',
};

/**
 * B's sensitive action: alice's dispatched audit.list (role trials: her auditor role is
 * revoked) or sam's guarded read of a subject's data (consent trials: the subject's consent
 * for the purpose is revoked; sam keeps his data_steward role throughout).
 */
async function act(wb: PolicyWorkbench, sam: Actor, kind: Kind): Promise<boolean> {
  try {
    if (kind === 'role') await wb.call('audit.list', { limit: 1 }, 'alice');
    else await wb.services.pep.guard(sam, 'evidence.read', SUBJECT_DATA);
    return true;
  } catch (e) {
    if (e instanceof WorkbenchError && e.code === 'DENIED') return false;
    throw e;
  }
}

// ---- workbench B (child process) ----------------------------------------------------------
if (process.argv.includes('--role=b')) {
  const dir = mkdtempSync(join(tmpdir(), 'wb-bench-prop-b-'));
  const wb = await openPolicyWorkbench({ dataDir: dir, databaseUrl: process.env.BENCH_DATABASE_URL!, now: NOW });
  const sam = (await wb.store.getActor('sam'))!;
  process.on('message', async (msg: { cmd: 'spin'; kind: Kind } | { cmd: 'exit' }) => {
    if (msg.cmd === 'exit') {
      await wb.close();
      rmSync(dir, { recursive: true, force: true });
      process.exit(0);
    }
    // Wait until the grant has reached us, say so, then act until the first denial.
    const giveUp = Date.now() + 10_000;
    while (!(await act(wb, sam, msg.kind))) {
      if (Date.now() > giveUp) throw new Error(`workbench B: the ${msg.kind} grant never took effect`);
    }
    process.send!({ ready: true });
    let iterations = 0;
    for (;;) {
      iterations += 1;
      if (!(await act(wb, sam, msg.kind))) {
        process.send!({ deniedAt: clock(), iterations });
        return;
      }
    }
  });
  process.send!({ started: true, feedLive: wb.services.feed?.live === true });
} else {
  await main();
}

function nextMessage<T>(child: ChildProcess): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: T) => {
      child.off('exit', onExit);
      resolve(m);
    };
    const onExit = (code: number | null) => {
      child.off('message', onMessage);
      reject(new Error(`workbench B exited (${code})`));
    };
    child.once('message', onMessage);
    child.once('exit', onExit);
  });
}

/** Wraps the store so the moment each transaction's COMMIT is acknowledged is known. */
function commitClock(store: Store): () => number {
  let last = 0;
  const original = store.transaction.bind(store);
  store.transaction = (async (fn: Parameters<Store['transaction']>[0]) => {
    const r = await original(fn);
    last = clock();
    return r;
  }) as Store['transaction'];
  return () => last;
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

async function grant(a: PolicyWorkbench, kind: Kind): Promise<void> {
  if (kind === 'role') await a.call('policy.assignRole', { actorId: 'alice', role: 'auditor' }, 'admin');
  else await a.call('policy.setConsent', { subjectId: 'cust-bench', purpose: 'research', status: 'granted' }, 'admin');
}

async function revoke(a: PolicyWorkbench, kind: Kind): Promise<void> {
  if (kind === 'role') await a.call('policy.removeRole', { actorId: 'alice', role: 'auditor' }, 'admin');
  else await a.call('policy.setConsent', { subjectId: 'cust-bench', purpose: 'research', status: 'revoked' }, 'admin');
}

async function postgresTrials(): Promise<{ samples: number[]; beforeAck: number; iterations: number[] }> {
  const db = await createTempPostgres();
  const dir = mkdtempSync(join(tmpdir(), 'wb-bench-prop-a-'));
  let a: PolicyWorkbench | undefined;
  let child: ChildProcess | undefined;
  try {
    a = await openPolicyWorkbench({ dataDir: dir, databaseUrl: db.url, now: NOW });
    const committedAt = commitClock(a.store);
    child = fork(import.meta.filename, ['--role=b'], { env: { ...process.env, BENCH_DATABASE_URL: db.url }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const started = await nextMessage<{ started: boolean; feedLive: boolean }>(child);
    if (!started.feedLive) throw new Error('workbench B has no live epoch feed');
    const samples: number[] = [];
    const iterations: number[] = [];
    let beforeAck = 0;
    for (let i = 0; i < TRIALS; i++) {
      const kind: Kind = i % 2 === 0 ? 'role' : 'consent';
      await grant(a, kind);
      child.send({ cmd: 'spin', kind });
      await nextMessage<{ ready: boolean }>(child);
      const denial = nextMessage<{ deniedAt: number; iterations: number }>(child);
      await revoke(a, kind);
      const t0 = committedAt();
      const { deniedAt, iterations: n } = await denial;
      const ms = deniedAt - t0;
      // B can finish its denied action a hair before A's COMMIT acknowledgement arrives back at A.
      if (ms < 0) beforeAck += 1;
      samples.push(Math.max(0, ms));
      iterations.push(n);
    }
    child.send({ cmd: 'exit' });
    await new Promise((r) => child!.once('exit', r));
    return { samples, beforeAck, iterations };
  } finally {
    if (child && child.exitCode === null) child.kill();
    await a?.close();
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function sqliteTrials(): Promise<{ stale: number; checked: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'wb-bench-prop-sqlite-'));
  const wb = await openPolicyWorkbench({ dataDir: dir, now: NOW });
  try {
    const sam = (await wb.store.getActor('sam'))!;
    let stale = 0;
    let checked = 0;
    for (let i = 0; i < TRIALS; i++) {
      const kind: Kind = i % 2 === 0 ? 'role' : 'consent';
      await grant(wb, kind);
      // Allowed, and now cached.
      if (!(await act(wb, sam, kind)) || !(await act(wb, sam, kind))) throw new Error(`trial ${i}: the grant did not take effect`);
      await revoke(wb, kind);
      checked += 1;
      if (await act(wb, sam, kind)) stale += 1;
    }
    return { stale, checked };
  } finally {
    await wb.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const pg = await postgresTrials();
  const sorted = [...pg.samples].sort((x, y) => x - y);
  const p50 = pct(sorted, 0.5);
  const p99 = pct(sorted, 0.99);
  const meanIterations = pg.iterations.reduce((s, n) => s + n, 0) / pg.iterations.length;
  console.log(`PostgreSQL, two workbenches (B in its own process), ${TRIALS} trials (role and consent revocations alternating):`);
  console.log(`  commit on A → first denial on B: p50 ${p50.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms, max ${sorted.at(-1)!.toFixed(2)} ms (goal p99 < 250 ms)`);
  console.log(`  B acted ${meanIterations.toFixed(1)} times per trial on average; ${pg.beforeAck} denials completed before A saw its commit acknowledged (counted as 0 ms)`);
  const sq = await sqliteTrials();
  console.log(`SQLite, one process: ${sq.checked} revocations, ${sq.stale} stale decisions on the very next action`);
  console.log(JSON.stringify({ trials: TRIALS, p50_ms: +p50.toFixed(2), p99_ms: +p99.toFixed(2), stale_decisions_same_process: sq.stale }));
}
