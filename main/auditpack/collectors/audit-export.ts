import canonicalize from 'canonicalize';
import { WorkbenchError } from '../../../shared/api/errors.ts';
import { GENESIS_HASH, type AuditChainReport, type AuditEvent } from '../../../shared/domain/audit.ts';
import { AuditChainVerifier } from '../../store/audit-chain-verifier.ts';
import type { Store } from '../../store/store.ts';
import type { ChartSeries, CollectContext, Collected, Collector } from '../pack-file.ts';
import { PACK_PATHS } from '../pack-paths.ts';

export const AUDIT_CHAIN_VERIFICATION_TYPE = 'compliance-workbench.audit-chain-verification.v1';

/** Events read from the store per round: bounded memory however long the trail is. */
export const AUDIT_EXPORT_PAGE = 1000;

/** How to recompute an event's hash from a line of audit-events.jsonl (the recipe of main/store/audit-hash.ts). */
export const AUDIT_HASH_RECIPE = {
  source: 'main/store/audit-hash.ts',
  hashedFields: ['seq', 'at', 'actorId', 'action', 'resourceType', 'resourceId', 'decision', 'payload', 'prevHash'],
  notHashed: ['id', 'hash', 'appealTicketId'],
  encoding: 'RFC 8785 (JCS) canonical JSON of an object holding exactly the hashed fields',
  digest: 'SHA-256 of the UTF-8 bytes of that JSON, lower-case hex: must equal the event hash',
  chain: 'seq starts at 1 and rises by 1; prevHash of seq 1 is the genesis hash, of seq n the hash of seq n-1',
  id: 'ae- followed by seq zero-padded to 6 digits (ae-000001)',
} as const;

const DAY_MS = 86_400_000;

/** Audit events per UTC day of the period, quiet days as zero. */
function eventsPerDay(counts: ReadonlyMap<string, number>): ChartSeries {
  const days = [...counts.keys()].sort();
  const points: ChartSeries['points'] = [];
  if (days.length) {
    for (let t = Date.parse(`${days[0]}T00:00:00.000Z`); t <= Date.parse(`${days.at(-1)}T00:00:00.000Z`); t += DAY_MS) {
      const day = new Date(t).toISOString().slice(0, 10);
      points.push({ label: day, value: counts.get(day) ?? 0 });
    }
  }
  return { id: 'audit.eventsPerDay', title: 'Audit events per day', unit: 'events', points };
}

/**
 * One page of events after `afterSeq`. A row the store cannot read (its payload is not JSON)
 * makes the whole page fail; then the page is read one row at a time and the unreadable
 * row's seq is reported, so the export records the break instead of aborting.
 */
async function readPage(store: Store, afterSeq: number): Promise<{ events: AuditEvent[] } | { unreadableSeq: number; reason: string; events: AuditEvent[] }> {
  try {
    return { events: await store.listAuditEvents({ afterSeq, limit: AUDIT_EXPORT_PAGE }) };
  } catch {
    const events: AuditEvent[] = [];
    let after = afterSeq;
    for (let i = 0; i < AUDIT_EXPORT_PAGE; i++) {
      try {
        const one = await store.listAuditEvents({ afterSeq: after, limit: 1 });
        if (!one.length) return { events };
        events.push(one[0]!);
        after = one[0]!.seq;
      } catch (e) {
        const row = await store.sql.get<{ seq: number }>('SELECT seq FROM audit_events WHERE seq > ? ORDER BY seq LIMIT 1', [after]);
        return { events, unreadableSeq: Number(row?.seq ?? after + 1), reason: `event seq ${Number(row?.seq ?? after + 1)} cannot be read: ${(e as Error).message}` };
      }
    }
    return { events };
  }
}

/**
 * audit: every audit event from genesis up to the end of the period (the contiguous prefix
 * of the chain whose events happened before `to`), so an auditor can re-verify the chain
 * from the genesis hash, plus the result of re-verifying exactly those events and of the
 * store's own check of its whole chain. A broken chain is recorded, never thrown.
 */
export const auditExportCollector: Collector = {
  section: 'audit',
  async collect(ctx: CollectContext): Promise<Collected> {
    const cancelled = () => new WorkbenchError('CANCELLED', 'audit pack build cancelled while exporting the audit trail');
    if (ctx.signal?.aborted) throw cancelled();
    ctx.progress?.('audit trail');
    const verifier = new AuditChainVerifier();
    const chunks: Buffer[] = [];
    const toMs = ctx.to.getTime();
    const fromMs = ctx.from.getTime();
    const perDay = new Map<string, number>();
    let exported = 0;
    let inPeriod = 0;
    const decisions = { allow: 0, deny: 0 };
    let unreadable = 0;
    let first: AuditEvent | undefined;
    let last: AuditEvent | undefined;
    let after = 0;
    let done = false;
    while (!done) {
      if (ctx.signal?.aborted) throw cancelled();
      const page = await readPage(ctx.store, after);
      const lines: string[] = [];
      for (const e of page.events) {
        // The export is a prefix of the chain: it ends before the first event at or after `to`.
        if (Date.parse(e.at) >= toMs) {
          done = true;
          break;
        }
        verifier.push(e);
        lines.push(canonicalize(e)! + '\n');
        exported += 1;
        first ??= e;
        last = e;
        if (Date.parse(e.at) >= fromMs) {
          inPeriod += 1;
          const day = e.at.slice(0, 10);
          perDay.set(day, (perDay.get(day) ?? 0) + 1);
          if (e.decision === 'allow') decisions.allow += 1;
          if (e.decision === 'deny') decisions.deny += 1;
        }
      }
      if (lines.length) chunks.push(Buffer.from(lines.join(''), 'utf8'));
      if (done) break;
      if ('unreadableSeq' in page) {
        verifier.unreadable(page.unreadableSeq, page.reason);
        unreadable += 1;
        after = page.unreadableSeq;
        continue;
      }
      if (page.events.length < AUDIT_EXPORT_PAGE) break;
      after = page.events.at(-1)!.seq;
    }
    const exportReport: AuditChainReport = verifier.report();
    const storeReport = await ctx.store.verifyAuditChain();
    const chainValid = exportReport.ok && storeReport.ok;
    const verification = {
      type: AUDIT_CHAIN_VERIFICATION_TYPE,
      org: ctx.org,
      at: ctx.at.toISOString(),
      period: { from: ctx.from.toISOString(), to: ctx.to.toISOString() },
      file: PACK_PATHS.auditEvents,
      genesisHash: GENESIS_HASH,
      exported: {
        events: exported,
        inPeriod,
        unreadable,
        firstSeq: first?.seq ?? null,
        headSeq: last?.seq ?? null,
        headHash: last?.hash ?? null,
        headAt: last?.at ?? null,
      },
      // Re-verification of exactly the exported lines, from the genesis hash (main/store/audit-chain-verifier.ts).
      exportVerification: exportReport,
      // The store's own check of its whole chain (Store.verifyAuditChain), events after the period included.
      storeVerification: storeReport,
      chainValid,
      recipe: AUDIT_HASH_RECIPE,
    };
    const at = ctx.at.toISOString();
    const asOf = last ? (Date.parse(last.at) > ctx.at.getTime() ? at : last.at) : undefined;
    const firstBroken = exportReport.firstBrokenSeq ?? storeReport.firstBrokenSeq;
    return {
      files: [
        {
          path: PACK_PATHS.auditEvents,
          section: 'audit',
          title: 'Audit events from genesis to the end of the period (JSON Lines, one canonical event per line)',
          mediaType: 'application/x-ndjson',
          data: Buffer.concat(chunks),
          records: exported,
          ...(asOf ? { asOf } : {}),
        },
        {
          path: PACK_PATHS.auditChain,
          section: 'audit',
          title: 'Audit chain verification: genesis hash, head, re-verification results and the hash recipe',
          mediaType: 'application/json',
          data: Buffer.from(canonicalize(verification)! + '\n', 'utf8'),
          records: exported,
          ...(asOf ? { asOf } : {}),
        },
      ],
      facts: {
        'audit.events': exported,
        'audit.eventsInPeriod': inPeriod,
        'audit.allowInPeriod': decisions.allow,
        'audit.denyInPeriod': decisions.deny,
        'audit.chainValid': chainValid,
        'audit.exportChainValid': exportReport.ok,
        'audit.storeChainValid': storeReport.ok,
        'audit.firstBrokenSeq': chainValid ? null : firstBroken,
        'audit.brokenReason': chainValid ? null : (exportReport.reason ?? storeReport.reason),
        'audit.headSeq': last?.seq ?? null,
        'audit.headHash': last?.hash ?? null,
      },
      charts: [eventsPerDay(perDay)],
    };
  },
};
