import canonicalize from 'canonicalize';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GENESIS_HASH, type AuditEvent } from '../../../shared/domain/audit.ts';
import { AuditChainVerifier } from '../../store/audit-chain-verifier.ts';
import { auditEventHash } from '../../store/audit-hash.ts';
import { seedDemoData } from '../../store/demo-seed.ts';
import { openStore } from '../../store/open-store.ts';
import type { Store } from '../../store/store.ts';
import { STORE_KINDS, createStoreLocation, skipStoreKind, type TestStoreLocation } from '../../store/testing/store-targets.ts';
import type { CollectContext, Collected } from '../pack-file.ts';
import { testCollectContext } from '../testing/collect-context.ts';
import { AUDIT_HASH_RECIPE, auditExportCollector } from './audit-export.ts';

const text = (c: Collected, path: string) => {
  const f = c.files.find((x) => x.path === path);
  if (!f || !Buffer.isBuffer(f.data)) throw new Error(`no in-memory file ${path}`);
  return f.data.toString('utf8');
};
const lines = (c: Collected) =>
  text(c, 'audit/audit-events.jsonl')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as AuditEvent);

/** Appends `n` info events one minute apart from `start`, in one transaction. */
async function appendMany(store: Store, n: number, start: string): Promise<void> {
  await store.transaction(async (tx) => {
    for (let i = 0; i < n; i++) {
      await tx.appendAuditEvent({
        at: new Date(Date.parse(start) + i * 60_000).toISOString(),
        actorId: 'system',
        action: 'test.tick',
        resourceType: 'clock',
        resourceId: `tick-${i}`,
        decision: 'info',
        payload: { i },
      });
    }
  });
}

describe.each(STORE_KINDS)('auditExportCollector on %s', (kind) => {
  let loc: TestStoreLocation;
  let store: Store;
  let ctx: CollectContext;

  beforeEach(async () => {
    if (skipStoreKind(kind)) return;
    loc = await createStoreLocation(kind);
    store = await openStore({ dataDir: loc.dataDir, ...(loc.databaseUrl ? { databaseUrl: loc.databaseUrl } : {}) });
    await seedDemoData(store); // 12 decisions, 2026-11-20T09:00 … 10:17, seq 1–12
    ctx = testCollectContext(store, loc.dataDir, { from: new Date('2026-11-20T09:30:00.000Z'), to: new Date('2026-11-21T00:00:00.000Z') });
  });
  afterEach(async () => {
    if (skipStoreKind(kind)) return;
    await store.close();
    await loc.cleanup();
  });

  it.skipIf(skipStoreKind(kind))('exports genesis up to `to` as canonical JSON Lines and re-verifies exactly those events', async () => {
    // Three events after `to`: in the store, not in the export.
    await appendMany(store, 3, '2026-11-21T00:00:00.000Z');
    const c = await auditExportCollector.collect(ctx);
    const stored = await store.listAuditEvents({ afterSeq: 0, limit: 100 });
    expect(stored).toHaveLength(15);
    const demo = stored.slice(0, 12);
    expect(text(c, 'audit/audit-events.jsonl')).toBe(demo.map((e) => canonicalize(e) + '\n').join(''));
    // An auditor's re-verification from the file alone: the recipe recomputes every hash.
    const verifier = new AuditChainVerifier();
    for (const e of lines(c)) {
      expect(auditEventHash(e)).toBe(e.hash);
      verifier.push(e);
    }
    expect(verifier.report()).toEqual({ ok: true, checked: 12, firstBrokenSeq: null, reason: null });

    expect(c.files.map((f) => [f.path, f.section, f.mediaType, f.records, f.asOf])).toEqual([
      ['audit/audit-events.jsonl', 'audit', 'application/x-ndjson', 12, '2026-11-20T10:17:00.000Z'],
      ['audit/chain-verification.json', 'audit', 'application/json', 12, '2026-11-20T10:17:00.000Z'],
    ]);
    const verification = JSON.parse(text(c, 'audit/chain-verification.json')) as Record<string, unknown>;
    expect(text(c, 'audit/chain-verification.json')).toBe(canonicalize(verification) + '\n');
    expect(verification).toEqual({
      type: 'compliance-workbench.audit-chain-verification.v1',
      org: 'acme',
      at: '2026-11-21T00:00:00.000Z',
      period: { from: '2026-11-20T09:30:00.000Z', to: '2026-11-21T00:00:00.000Z' },
      file: 'audit/audit-events.jsonl',
      genesisHash: GENESIS_HASH,
      exported: { events: 12, inPeriod: 7, unreadable: 0, firstSeq: 1, headSeq: 12, headHash: demo[11]!.hash, headAt: '2026-11-20T10:17:00.000Z' },
      exportVerification: { ok: true, checked: 12, firstBrokenSeq: null, reason: null },
      storeVerification: { ok: true, checked: 15, firstBrokenSeq: null, reason: null },
      chainValid: true,
      recipe: { ...AUDIT_HASH_RECIPE },
    });
    // In the period (from 09:30): seq 6–12, i.e. ev-005 greta allow … sam deny.
    expect(c.facts).toEqual({
      'audit.events': 12,
      'audit.eventsInPeriod': 7,
      'audit.allowInPeriod': 5,
      'audit.denyInPeriod': 2,
      'audit.chainValid': true,
      'audit.exportChainValid': true,
      'audit.storeChainValid': true,
      'audit.firstBrokenSeq': null,
      'audit.brokenReason': null,
      'audit.headSeq': 12,
      'audit.headHash': demo[11]!.hash,
    });
    expect(c.charts).toEqual([{ id: 'audit.eventsPerDay', title: 'Audit events per day', unit: 'events', points: [{ label: '2026-11-20', value: 7 }] }]);

    const again = await auditExportCollector.collect(ctx);
    expect(again.files.map((f) => f.data)).toEqual(c.files.map((f) => f.data));
  });

  it.skipIf(skipStoreKind(kind))('streams a trail longer than one page and cuts it at `to`', async () => {
    await appendMany(store, 2300, '2026-11-22T00:00:00.000Z');
    const to = new Date('2026-11-23T12:00:00.000Z'); // 36 h after the first tick: ticks 0–2159
    const c = await auditExportCollector.collect({ ...ctx, from: new Date('2026-11-22T00:00:00.000Z'), to, at: to });
    const exported = lines(c);
    expect(exported).toHaveLength(12 + 2160);
    expect(exported.map((e) => e.seq)).toEqual(Array.from({ length: 2172 }, (_, i) => i + 1));
    expect(exported.at(-1)).toMatchObject({ resourceId: 'tick-2159', at: '2026-11-23T11:59:00.000Z' });
    expect(c.facts).toMatchObject({ 'audit.events': 2172, 'audit.eventsInPeriod': 2160, 'audit.chainValid': true, 'audit.headSeq': 2172 });
    expect(c.charts?.[0]?.points).toEqual([
      { label: '2026-11-22', value: 1440 },
      { label: '2026-11-23', value: 720 },
    ]);
  });

  it.skipIf(skipStoreKind(kind))('records an altered event as a broken chain (first broken seq) without aborting', async () => {
    await store.sql.run('UPDATE audit_events SET payload = ? WHERE seq = 5', ['{"reason":"allowed by role analyst","policyIds":["role.audit.read"],"epoch":0}']);
    const c = await auditExportCollector.collect(ctx);
    expect(lines(c)).toHaveLength(12);
    expect(c.facts).toMatchObject({
      'audit.events': 12,
      'audit.chainValid': false,
      'audit.exportChainValid': false,
      'audit.storeChainValid': false,
      'audit.firstBrokenSeq': 5,
      'audit.brokenReason': 'event seq 5 content does not match its hash (altered after it was written)',
    });
    const verification = JSON.parse(text(c, 'audit/chain-verification.json')) as { exportVerification: unknown; storeVerification: unknown; chainValid: boolean };
    expect(verification.chainValid).toBe(false);
    expect(verification.exportVerification).toEqual({ ok: false, checked: 4, firstBrokenSeq: 5, reason: 'event seq 5 content does not match its hash (altered after it was written)' });
    expect(verification.storeVerification).toEqual(verification.exportVerification);
  });

  it.skipIf(kind !== 'sqlite')('records a row whose payload the store cannot read, and exports the rest', async () => {
    // Only possible by bypassing the CHECK constraint: the store must still not make the export abort.
    await store.sql.exec('PRAGMA ignore_check_constraints = ON');
    await store.sql.run('UPDATE audit_events SET payload = ? WHERE seq = 7', ['not json']);
    await store.sql.exec('PRAGMA ignore_check_constraints = OFF');
    const c = await auditExportCollector.collect(ctx);
    expect(lines(c).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12]);
    expect(c.facts).toMatchObject({ 'audit.events': 11, 'audit.chainValid': false, 'audit.firstBrokenSeq': 7 });
    const verification = JSON.parse(text(c, 'audit/chain-verification.json')) as { exported: { unreadable: number }; exportVerification: { reason: string; checked: number } };
    expect(verification.exported.unreadable).toBe(1);
    expect(verification.exportVerification.checked).toBe(6);
    expect(verification.exportVerification.reason).toMatch(/^event seq 7 cannot be read: /);
  });
});
