import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import canonicalize from 'canonicalize';
import type { ArtifactVerification } from '../../../shared/api/appeals.ts';
import { WorkbenchError } from '../../../shared/api/errors.ts';
import type { AuditEvent } from '../../../shared/domain/audit.ts';
import { APPEAL_OUTCOMES } from '../../../shared/domain/decision-artifact.ts';
import { TICKET_STATES } from '../../../shared/domain/tickets.ts';
import { unrecordedBreaches } from '../../appeals/appeals-repository.ts';
import { GENESIS_ARTIFACT_HASH, verifyArtifact } from '../../appeals/decision-artifact.ts';
import { WORKBENCH_KEY_PATH, workbenchKeyFromPem, type WorkbenchKey } from '../../appeals/workbench-key.ts';
import type { ChartSeries, CollectContext, Collected, Collector, PackFile } from '../pack-file.ts';
import { PACK_PATHS } from '../pack-paths.ts';

export const APPEALS_SUMMARY_TYPE = 'compliance-workbench.appeals-summary.v1';

/** Artifact rows read per round. */
const PAGE = 500;

interface ArtifactRow {
  seq: number;
  artifact: string;
  hash: string;
  previous_hash: string;
  decided_at: string;
  denial_event_id: string;
  decision_event_id: string;
}

type KeyState = { state: 'present'; key: WorkbenchKey; file: string } | { state: 'absent'; file: string } | { state: 'unreadable'; file: string; message: string };

/** The workbench key as the data folder holds it; never created here (a pack must not mint the key that verifies it). */
function readWorkbenchKey(dataDir: string): KeyState {
  const file = join(dataDir, WORKBENCH_KEY_PATH);
  if (!existsSync(file)) return { state: 'absent', file };
  try {
    return { state: 'present', key: workbenchKeyFromPem(readFileSync(file, 'utf8'), file), file };
  } catch (e) {
    return { state: 'unreadable', file, message: (e as Error).message };
  }
}

const inPeriod = (iso: string, ctx: CollectContext) => Date.parse(iso) >= ctx.from.getTime() && Date.parse(iso) < ctx.to.getTime();
const newest = (a: string | undefined, b: string) => (a === undefined || Date.parse(b) > Date.parse(a) ? b : a);

/**
 * appeals: the signed decision artifacts of appeals decided in the period — each with its
 * chain link and the audit events it pins (the denial) and that recorded it (the decision) —
 * a summary (tickets by state, outcomes, SLA breaches in the period, and whether every
 * artifact verified), and the workbench public key that verifies the artifacts, when the
 * data folder holds the key.
 */
export const appealDecisionsCollector: Collector = {
  section: 'appeals',
  async collect(ctx: CollectContext): Promise<Collected> {
    const cancelled = () => new WorkbenchError('CANCELLED', 'audit pack build cancelled while collecting appeal decisions');
    if (ctx.signal?.aborted) throw cancelled();
    ctx.progress?.('appeal decisions');
    const sql = ctx.store.sql;
    const at = ctx.at.toISOString();
    const from = ctx.from.toISOString();
    const to = ctx.to.toISOString();
    const key = readWorkbenchKey(ctx.dataDir);

    const events = new Map<string, AuditEvent | null>();
    const event = async (id: string) => {
      if (!events.has(id)) events.set(id, (await ctx.store.getAuditEvent(id)) ?? null);
      return events.get(id)!;
    };

    // The whole chain is walked (each link checks against its predecessor); lines are kept for the period only.
    const lines: string[] = [];
    const outcomes: Record<string, number> = Object.fromEntries(APPEAL_OUTCOMES.map((o) => [o, 0]));
    const failures: ArtifactVerification[] = [];
    let verified = 0;
    let chainLength = 0;
    let asOf: string | undefined;
    let previous = { seq: 0, hash: GENESIS_ARTIFACT_HASH, id: null as string | null };
    let after = 0;
    for (;;) {
      if (ctx.signal?.aborted) throw cancelled();
      const rows = await sql.all<ArtifactRow>(
        `SELECT seq, artifact, hash, previous_hash, decided_at, denial_event_id, decision_event_id
         FROM appeal_decision_artifact WHERE seq > ? ORDER BY seq LIMIT ?`,
        [after, PAGE],
      );
      for (const row of rows) {
        const seq = Number(row.seq);
        chainLength += 1;
        let artifact: unknown;
        let parseError: string | null = null;
        try {
          artifact = JSON.parse(row.artifact) as unknown;
        } catch (e) {
          parseError = (e as Error).message;
        }
        const id = typeof (artifact as { id?: unknown })?.id === 'string' ? (artifact as { id: string }).id : `seq ${seq}`;
        if (inPeriod(row.decided_at, ctx)) {
          const denialEvent = await event(row.denial_event_id);
          const outcome = (artifact as { outcome?: string } | undefined)?.outcome;
          if (outcome !== undefined && outcome in outcomes) outcomes[outcome]! += 1;
          asOf = newest(asOf, row.decided_at);
          lines.push(
            canonicalize({
              seq,
              ...(parseError === null ? { artifact } : { artifactText: row.artifact, artifactError: parseError }),
              chain: { previousHash: row.previous_hash, hash: row.hash, previous: previous.seq === 0 ? null : { seq: previous.seq, id: previous.id } },
              denialEvent,
              decisionEvent: await event(row.decision_event_id),
            })! + '\n',
          );
          if (key.state === 'present') {
            const result =
              parseError === null
                ? verifyArtifact(artifact, { trustedKey: key.key.publicKey, expectedPreviousHash: previous.hash, denialEvent })
                : { artifactId: id, ok: false, checks: [], error: `stored artifact is not JSON: ${parseError}` };
            if (result.ok) verified += 1;
            else failures.push(result);
          }
        }
        previous = { seq, hash: row.hash, id };
        after = seq;
      }
      if (rows.length < PAGE) break;
    }

    const stateRows = await sql.all<{ state: string; n: number | string }>('SELECT state, count(*) AS n FROM ombuds_ticket WHERE created_at < ? GROUP BY state', [to]);
    const byState: Record<string, number> = Object.fromEntries(TICKET_STATES.map((s) => [s, 0]));
    for (const r of stateRows) byState[r.state] = Number(r.n);
    const opened = await sql.get<{ n: number | string }>('SELECT count(*) AS n FROM ombuds_ticket WHERE created_at >= ? AND created_at < ?', [from, to]);
    // The summary speaks about the counted tickets as stored, so its evidence runs to their latest change (≤ at).
    let summaryAsOf = asOf;
    const lastTicket = await sql.get<{ t: string | null }>('SELECT max(updated_at) AS t FROM ombuds_ticket WHERE created_at < ? AND updated_at <= ?', [to, at]);
    if (lastTicket?.t) summaryAsOf = newest(summaryAsOf, new Date(lastTicket.t).toISOString());

    const breaches = { triage: 0, decision: 0 };
    for (const r of await sql.all<{ milestone: 'triage' | 'decision'; n: number | string }>(
      'SELECT milestone, count(*) AS n FROM appeal_breach WHERE due_at >= ? AND due_at < ? GROUP BY milestone',
      [from, to],
    )) {
      breaches[r.milestone] = Number(r.n);
    }
    // Past due by `at` but not yet recorded by the breach sweep (it runs once a minute in the app).
    const unrecorded = { triage: 0, decision: 0 };
    for (const b of await unrecordedBreaches(sql, at)) if (inPeriod(b.dueAt, ctx)) unrecorded[b.milestone] += 1;

    const decisions = lines.length;
    const verification =
      key.state === 'present'
        ? {
            key: { keyId: key.key.keyId, algorithm: 'Ed25519', file: PACK_PATHS.workbenchPublicKey },
            statement:
              failures.length === 0
                ? `every decision artifact in the period verifies under the workbench key ${key.key.keyId}`
                : `${failures.length} of ${decisions} decision artifacts in the period do not verify under the workbench key ${key.key.keyId}`,
            checked: decisions,
            verified,
            failures,
          }
        : {
            key: null,
            statement:
              key.state === 'absent'
                ? `no workbench key in the data folder (${WORKBENCH_KEY_PATH}): the artifacts cannot be verified without the workbench public key`
                : `the workbench key (${WORKBENCH_KEY_PATH}) cannot be read (${key.message}): the artifacts cannot be verified without the workbench public key`,
            checked: 0,
            verified: 0,
            failures: [],
          };
    const breachTotal = breaches.triage + breaches.decision + unrecorded.triage + unrecorded.decision;
    const summary = {
      type: APPEALS_SUMMARY_TYPE,
      org: ctx.org,
      at,
      period: { from, to },
      tickets: {
        // States as stored when the pack was built, of tickets opened before the end of the period.
        total: Object.values(byState).reduce((s, n) => s + n, 0),
        byState,
        openedInPeriod: Number(opened?.n ?? 0),
      },
      decisions: {
        inPeriod: decisions,
        byOutcome: outcomes,
        // Every artifact ever decided, the chain the period's artifacts belong to.
        chainLength,
        file: PACK_PATHS.appealDecisions,
      },
      slaBreaches: {
        // Milestones due in the period that were missed: recorded by the breach sweep, or past due at `at` and not yet recorded.
        recorded: breaches,
        pastDueUnrecorded: unrecorded,
        total: breachTotal,
      },
      verification,
    };

    const files: PackFile[] = [
      {
        path: PACK_PATHS.appealDecisions,
        section: 'appeals',
        title: 'Signed appeal decision artifacts decided in the period, with chain links and the audit events they pin (JSON Lines)',
        mediaType: 'application/x-ndjson',
        data: Buffer.from(lines.join(''), 'utf8'),
        records: decisions,
        ...(asOf ? { asOf } : {}),
      },
      {
        path: PACK_PATHS.appealsSummary,
        section: 'appeals',
        title: 'Appeals summary: tickets by state, outcomes, SLA breaches, artifact verification',
        mediaType: 'application/json',
        data: Buffer.from(canonicalize(summary)! + '\n', 'utf8'),
        ...(summaryAsOf ? { asOf: summaryAsOf } : {}),
      },
    ];
    if (key.state === 'present') {
      files.push({
        path: PACK_PATHS.workbenchPublicKey,
        section: 'appeals',
        title: `Workbench Ed25519 public key (key id ${key.key.keyId}) that verifies the decision artifacts`,
        mediaType: 'application/x-pem-file',
        data: Buffer.from(key.key.publicKeyPem, 'utf8'),
      });
    }
    const chart: ChartSeries = {
      id: 'appeals.outcomes',
      title: 'Appeal decisions in the period by outcome',
      unit: 'decisions',
      points: APPEAL_OUTCOMES.map((o) => ({ label: o, value: outcomes[o]! })),
    };
    return {
      files,
      facts: {
        'appeals.decisions': decisions,
        'appeals.upheld': outcomes.upheld!,
        'appeals.overturned': outcomes.overturned!,
        'appeals.modified': outcomes.modified!,
        'appeals.tickets': summary.tickets.total,
        'appeals.openTickets': summary.tickets.total - (byState.decided ?? 0),
        'appeals.slaBreaches': breachTotal,
        'appeals.keyPresent': key.state === 'present',
        'appeals.artifactsVerified': key.state === 'present' ? failures.length === 0 : null,
      },
      charts: [chart],
    };
  },
};
