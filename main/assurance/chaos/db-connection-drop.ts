import { spawn } from 'node:child_process';
import { findProjectRoot } from '../../project-root.ts';
import { join } from 'node:path';
import pg from 'pg';
import type { AssuranceCheck, AssuranceFigure } from '../../../shared/domain/assurance.ts';
import { openStore } from '../../store/open-store.ts';
import type { Store, StoreKind } from '../../store/store.ts';
import { PostgresUnreachableError, createTempPostgres, type TempPostgres } from '../../store/temp-postgres.ts';
import { drillAuditEvent } from './drill-audit-events.ts';
import { check, drillFolder, finishRun, nowOf, throwIfCancelled, type Drill, type DrillContext } from './drill.ts';

export const DB_CONNECTION_DROP_DRILL = 'db-connection-drop';
export const COMMITTED_EVENTS = 20;
export const UNCOMMITTED_EVENTS = 200;

// From the project root, not this module's folder: the drills also run from the bundled CLI (out/main).
const CHILD = join(findProjectRoot(), 'main/assurance/chaos/sqlite-transaction-child.ts');

/** What one store looked like after its writer was cut off mid-transaction, and after reconnecting. */
export interface DropEvidence {
  store: StoreKind;
  committedBefore: number;
  uncommittedWritten: number;
  /** How the fault showed (the error the writer got, or the signal that ended it); null when it never happened. */
  fault: string | null;
  eventsAfterFault: number;
  uncommittedFound: number;
  chainAfterFault: { ok: boolean; checked: number; reason: string | null };
  /** The seq of an event appended after reconnecting (null when the append failed). */
  appendedSeq: number | null;
  chainAfterAppend: { ok: boolean; checked: number; reason: string | null };
}

/** The invariant: the cut-off transaction left nothing behind, the chain verifies, and writing goes on after reconnecting. */
export function judgeConnectionDrop(e: DropEvidence): AssuranceCheck[] {
  const label = e.store === 'postgres' ? 'PostgreSQL' : 'SQLite';
  return [
    check(`${label}: the fault hit the open transaction`, e.fault !== null, e.fault ?? 'the transaction was never interrupted'),
    check(
      `${label}: nothing half-written`,
      e.eventsAfterFault === e.committedBefore && e.uncommittedFound === 0,
      `${e.eventsAfterFault} audit events after the fault (${e.committedBefore} committed before it); ${e.uncommittedFound} of the ${e.uncommittedWritten} uncommitted events present`,
    ),
    check(
      `${label}: the audit chain verifies after the fault`,
      e.chainAfterFault.ok && e.chainAfterFault.checked === e.committedBefore,
      `${e.chainAfterFault.checked} events checked${e.chainAfterFault.reason ? `: ${e.chainAfterFault.reason}` : ''}`,
    ),
    check(
      `${label}: writes continue after reconnecting`,
      e.appendedSeq === e.committedBefore + 1 && e.chainAfterAppend.ok && e.chainAfterAppend.checked === e.committedBefore + 1,
      `appended seq ${e.appendedSeq ?? 'none'}; chain ${e.chainAfterAppend.ok ? 'verifies' : 'broken'} over ${e.chainAfterAppend.checked} events${e.chainAfterAppend.reason ? `: ${e.chainAfterAppend.reason}` : ''}`,
    ),
  ];
}

/** Counts, chain check, one more append and the chain again, on a freshly opened store. */
async function afterFault(open: () => Promise<Store>, base: Omit<DropEvidence, 'eventsAfterFault' | 'uncommittedFound' | 'chainAfterFault' | 'appendedSeq' | 'chainAfterAppend'>): Promise<DropEvidence> {
  const store = await open();
  try {
    const count = async (where: string) => Number((await store.sql.get<{ n: number }>(`SELECT count(*) AS n FROM audit_events ${where}`))!.n);
    const eventsAfterFault = await count('');
    const uncommittedFound = await count("WHERE action = 'chaos.connection-drop.uncommitted'");
    const chainAfterFault = await store.verifyAuditChain();
    let appendedSeq: number | null = null;
    try {
      appendedSeq = (await store.appendAuditEvent(drillAuditEvent('after', 0))).seq;
    } catch {
      appendedSeq = null;
    }
    const chainAfterAppend = await store.verifyAuditChain();
    const pick = (r: typeof chainAfterFault) => ({ ok: r.ok, checked: r.checked, reason: r.reason });
    return { ...base, eventsAfterFault, uncommittedFound, chainAfterFault: pick(chainAfterFault), appendedSeq, chainAfterAppend: pick(chainAfterAppend) };
  } finally {
    await store.close();
  }
}

/**
 * PostgreSQL: a transaction appends audit events, then a second connection terminates its
 * backend (`pg_terminate_backend`) while it is still open.
 */
export async function postgresConnectionDrop(db: TempPostgres, dataDir: string): Promise<DropEvidence & { backendPid: number }> {
  const store = await openStore({ dataDir, databaseUrl: db.url });
  let backendPid = 0;
  let fault: string | null = null;
  try {
    for (let i = 0; i < COMMITTED_EVENTS; i++) await store.appendAuditEvent(drillAuditEvent('committed', i));
    let announce!: (pid: number) => void;
    const pidKnown = new Promise<number>((r) => (announce = r));
    const tx = store
      .transaction(async (t) => {
        for (let i = 0; i < UNCOMMITTED_EVENTS; i++) await t.appendAuditEvent(drillAuditEvent('uncommitted', i));
        announce(Number((await t.sql.get<{ pid: number }>('SELECT pg_backend_pid() AS pid'))!.pid));
        // Still inside the transaction when the backend is terminated.
        await t.sql.get('SELECT pg_sleep(30) AS slept');
      })
      .then(
        () => null,
        (e: unknown) => (e as Error).message,
      );
    const first = await Promise.race([pidKnown, tx.then((m) => ({ endedEarly: m }))]);
    if (typeof first !== 'number') throw new Error(`the drill's transaction ended before the fault: ${first.endedEarly ?? 'committed'}`);
    backendPid = first;
    const killer = new pg.Client({ connectionString: db.url });
    await killer.connect();
    try {
      await killer.query('SELECT pg_terminate_backend($1) AS terminated', [backendPid]);
    } finally {
      await killer.end();
    }
    fault = await tx;
  } finally {
    await store.close();
  }
  const evidence = await afterFault(() => openStore({ dataDir, databaseUrl: db.url }), {
    store: 'postgres',
    committedBefore: COMMITTED_EVENTS,
    uncommittedWritten: UNCOMMITTED_EVENTS,
    fault: fault === null ? null : `transaction failed: ${fault}`,
  });
  return { ...evidence, backendPid };
}

/** SQLite: a child process appends audit events inside a transaction and is SIGKILLed before it commits. */
export async function sqliteConnectionDrop(dataDir: string): Promise<DropEvidence & { walBytesAtKill: number }> {
  const child = spawn(process.execPath, [CHILD, dataDir, String(COMMITTED_EVENTS), String(UNCOMMITTED_EVENTS)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let walBytesAtKill = -1;
  child.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
  child.stdout.on('data', (c: Buffer) => {
    out += c.toString('utf8');
    const m = /in-transaction (\d+)\n/.exec(out);
    if (m && walBytesAtKill < 0) {
      walBytesAtKill = Number(m[1]);
      child.kill('SIGKILL');
    }
  });
  const ended = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done, fail) => {
    child.on('error', fail);
    child.on('exit', (code, signal) => done({ code, signal }));
  });
  if (walBytesAtKill < 0) throw new Error(`the SQLite writer ended before the fault (exit ${ended.code ?? ended.signal}): ${err.trim().slice(0, 500)}`);
  const evidence = await afterFault(() => openStore({ dataDir }), {
    store: 'sqlite',
    committedBefore: COMMITTED_EVENTS,
    uncommittedWritten: UNCOMMITTED_EVENTS,
    fault: ended.signal === 'SIGKILL' ? 'the writing process was killed with SIGKILL inside its transaction' : null,
  });
  return { ...evidence, walBytesAtKill };
}

function figuresOf(prefix: string, e: DropEvidence): Record<string, AssuranceFigure> {
  return {
    [`${prefix}.committedBefore`]: e.committedBefore,
    [`${prefix}.uncommittedWritten`]: e.uncommittedWritten,
    [`${prefix}.eventsAfterFault`]: e.eventsAfterFault,
    [`${prefix}.uncommittedFound`]: e.uncommittedFound,
    [`${prefix}.appendedSeq`]: e.appendedSeq,
  };
}

/**
 * Cuts a writer off in the middle of a transaction of audit events — on PostgreSQL by
 * terminating its backend from another connection, on SQLite by SIGKILLing the writing
 * process — then reconnects and checks nothing was half-written and the chain still
 * verifies. Without a reachable PostgreSQL the run is 'skipped', saying why (the SQLite
 * half still runs and a failure there still fails it).
 */
export const dbConnectionDropDrill: Drill = async (ctx: DrillContext) => {
  const startedAt = nowOf(ctx);
  const work = drillFolder(ctx, DB_CONNECTION_DROP_DRILL);
  const checks: AssuranceCheck[] = [];
  const injected: string[] = [];
  const happened: string[] = [];
  const figures: Record<string, AssuranceFigure> = {};
  let skippedReason: string | undefined;
  try {
    ctx.progress?.('SQLite: killing a writer mid-transaction');
    const sqlite = await sqliteConnectionDrop(join(work.dir, 'sqlite'));
    injected.push(`SQLite: SIGKILL to a process holding an open transaction with ${UNCOMMITTED_EVENTS} uncommitted audit events (after ${COMMITTED_EVENTS} committed)`);
    happened.push(
      `SQLite: ${sqlite.fault ?? 'no fault'}; WAL ${sqlite.walBytesAtKill} bytes at the kill; reopened: ${sqlite.eventsAfterFault} events, ${sqlite.uncommittedFound} uncommitted present, appended seq ${sqlite.appendedSeq ?? 'none'}`,
    );
    checks.push(...judgeConnectionDrop(sqlite));
    Object.assign(figures, figuresOf('sqlite', sqlite), { 'sqlite.walBytesAtKill': sqlite.walBytesAtKill });
    throwIfCancelled(ctx.signal, DB_CONNECTION_DROP_DRILL);

    ctx.progress?.('PostgreSQL: terminating a backend mid-transaction');
    let db: TempPostgres | undefined;
    if (!ctx.postgresUrl) skippedReason = 'no PostgreSQL server configured for the drill';
    else {
      try {
        db = await createTempPostgres(ctx.postgresUrl);
      } catch (e) {
        if (!(e instanceof PostgresUnreachableError)) throw e;
        skippedReason = e.message;
      }
    }
    if (db) {
      try {
        const postgres = await postgresConnectionDrop(db, join(work.dir, 'postgres'));
        injected.push(`PostgreSQL: pg_terminate_backend(${postgres.backendPid}) from a second connection while a transaction with ${UNCOMMITTED_EVENTS} uncommitted audit events was open (after ${COMMITTED_EVENTS} committed)`);
        happened.push(
          `PostgreSQL: ${postgres.fault ?? 'no fault'}; reconnected: ${postgres.eventsAfterFault} events, ${postgres.uncommittedFound} uncommitted present, appended seq ${postgres.appendedSeq ?? 'none'}`,
        );
        checks.push(...judgeConnectionDrop(postgres));
        Object.assign(figures, figuresOf('postgres', postgres));
      } finally {
        await db.drop();
      }
    } else happened.push(`PostgreSQL: not run (${skippedReason})`);
  } finally {
    work.remove();
  }
  const anyFailed = checks.some((c) => !c.ok);
  return finishRun(ctx, {
    kind: 'chaos',
    name: DB_CONNECTION_DROP_DRILL,
    startedAt,
    passedSummary: `writers cut off mid-transaction (PostgreSQL backend terminated, SQLite process killed) left nothing half-written; the audit chain verified and writing continued after reconnecting`,
    details: {
      injected,
      happened,
      invariant: 'a transaction cut off by a dropped connection or a killed process commits nothing, the audit chain still verifies, and the store takes writes again after reconnecting',
      checks,
      figures,
      ...(skippedReason !== undefined ? { skippedReason } : {}),
    },
    ...(skippedReason !== undefined && !anyFailed ? { outcome: 'skipped' as const } : {}),
  });
};
