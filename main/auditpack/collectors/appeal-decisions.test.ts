import { createPublicKey } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import canonicalize from 'canonicalize';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../../shared/domain/audit.ts';
import type { DecisionArtifact } from '../../../shared/domain/decision-artifact.ts';
import { GENESIS_ARTIFACT_HASH, verifyArtifact } from '../../appeals/decision-artifact.ts';
import { startAppealsHarness, type AppealsHarness } from '../../appeals/testing/appeals-harness.ts';
import { WORKBENCH_KEY_PATH } from '../../appeals/workbench-key.ts';
import { DEMO_EVIDENCE } from '../../store/demo-seed.ts';
import { STORE_KINDS, skipStoreKind } from '../../store/testing/store-targets.ts';
import type { CollectContext, Collected } from '../pack-file.ts';
import { appealDecisionsCollector } from './appeal-decisions.ts';

const ev = (id: string) => DEMO_EVIDENCE.find((e) => e.id === id)!;

interface Line {
  seq: number;
  artifact: DecisionArtifact;
  chain: { previousHash: string; hash: string; previous: { seq: number; id: string } | null };
  denialEvent: AuditEvent;
  decisionEvent: AuditEvent;
}

const file = (c: Collected, path: string) => {
  const f = c.files.find((x) => x.path === path);
  if (!f || !Buffer.isBuffer(f.data)) throw new Error(`no in-memory file ${path}`);
  return f.data.toString('utf8');
};
const linesOf = (c: Collected) =>
  file(c, 'appeals/decisions.jsonl')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Line);

describe.each(STORE_KINDS)('appealDecisionsCollector on %s', (kind) => {
  let h: AppealsHarness;
  let ctx: CollectContext;
  const artifacts: DecisionArtifact[] = [];

  /** Denies arun an export, opens the appeal, and decides it as olga at `decidedAt`. */
  async function decided(evidenceId: string, outcome: 'upheld' | 'overturned' | 'modified', decidedAt: string): Promise<DecisionArtifact> {
    const item = ev(evidenceId);
    const denial = await h.deny('arun', 'evidence.export', { type: 'evidence', id: item.id, labels: item.labels });
    const ticketId = (await h.service.open({ denialEventId: denial, justification: `need ${evidenceId}`, priority: 'normal' }, h.ctx('arun'))).ticket.id;
    await h.service.triage({ ticketId }, h.ctx('olga'));
    h.clock.set(decidedAt);
    const { artifact } = await h.service.decide({ ticketId, outcome, rationale: `decided ${outcome}`, evidenceLinks: [`audit:${denial}`] }, h.ctx('olga'));
    return artifact;
  }

  beforeEach(async () => {
    if (skipStoreKind(kind)) return;
    artifacts.length = 0;
    h = await startAppealsHarness({ kind, at: '2026-11-28T09:00:00.000Z' });
    artifacts.push(await decided('ev-001', 'overturned', '2026-11-28T11:00:00.000Z')); // before the period
    h.clock.set('2026-11-29T09:00:00.000Z');
    artifacts.push(await decided('ev-006', 'upheld', '2026-11-29T15:00:00.000Z'));
    h.clock.set('2026-11-30T09:00:00.000Z');
    artifacts.push(await decided('ev-018', 'overturned', '2026-11-30T10:00:00.000Z'));
    h.clock.set('2026-12-02T09:00:00.000Z');
    artifacts.push(await decided('ev-012', 'upheld', '2026-12-02T09:30:00.000Z')); // after the period
    h.clock.set('2026-12-02T12:00:00.000Z');
    await h.service.sweepBreaches();
    ctx = {
      store: h.store,
      org: 'acme',
      from: new Date('2026-11-29T00:00:00.000Z'),
      to: new Date('2026-12-01T00:00:00.000Z'),
      at: new Date('2026-12-03T00:00:00.000Z'),
      dataDir: h.location.dataDir,
      projectRoot: process.cwd(),
      workbenchVersion: '0.1.0',
      packsDir: join(h.location.dataDir, 'packs'),
    };
  });
  afterEach(async () => {
    if (skipStoreKind(kind)) return;
    await h.close();
  });

  it.skipIf(skipStoreKind(kind))('exports the period’s signed artifacts with their chain links and pinned events; each verifies with the exported key', async () => {
    const c = await appealDecisionsCollector.collect(ctx);
    expect(c.files.map((f) => [f.path, f.section, f.mediaType, f.records, f.asOf])).toEqual([
      ['appeals/decisions.jsonl', 'appeals', 'application/x-ndjson', 2, '2026-11-30T10:00:00.000Z'],
      ['appeals/summary.json', 'appeals', 'application/json', undefined, '2026-11-30T10:00:00.000Z'],
      ['appeals/workbench-public-key.pem', 'appeals', 'application/x-pem-file', undefined, undefined],
    ]);
    const pem = file(c, 'appeals/workbench-public-key.pem');
    expect(pem).toBe(h.key.publicKeyPem);
    const trustedKey = createPublicKey(pem);

    const lines = linesOf(c);
    expect(file(c, 'appeals/decisions.jsonl')).toBe(lines.map((l) => canonicalize(l) + '\n').join(''));
    expect(lines.map((l) => [l.seq, l.artifact.id, l.artifact.outcome, l.chain.previous])).toEqual([
      [2, 'da-000002', 'upheld', { seq: 1, id: 'da-000001' }],
      [3, 'da-000003', 'overturned', { seq: 2, id: 'da-000002' }],
    ]);
    expect(lines.map((l) => l.artifact)).toEqual([artifacts[1], artifacts[2]]);
    let previousHash = artifacts[0]!.hash;
    for (const l of lines) {
      expect(l.denialEvent).toEqual(await h.store.getAuditEvent(l.artifact.denial.eventId));
      expect(l.decisionEvent).toMatchObject({ action: 'appeals.ticket.decided', decision: 'info', resourceId: l.artifact.ticketId });
      expect(l.chain).toMatchObject({ previousHash, hash: l.artifact.hash });
      const v = verifyArtifact(l.artifact, { trustedKey, expectedPreviousHash: previousHash, denialEvent: l.denialEvent });
      expect([v.ok, v.checks.map((x) => [x.name, x.ok])]).toEqual([
        true,
        [
          ['schema', true],
          ['hash', true],
          ['key', true],
          ['signature', true],
          ['chain', true],
          ['denial', true],
        ],
      ]);
      previousHash = l.artifact.hash;
    }
    expect(artifacts[0]!.previousHash).toBe(GENESIS_ARTIFACT_HASH);

    const summary = JSON.parse(file(c, 'appeals/summary.json')) as Record<string, unknown>;
    expect(file(c, 'appeals/summary.json')).toBe(canonicalize(summary) + '\n');
    expect(summary).toEqual({
      type: 'compliance-workbench.appeals-summary.v1',
      org: 'acme',
      at: '2026-12-03T00:00:00.000Z',
      period: { from: '2026-11-29T00:00:00.000Z', to: '2026-12-01T00:00:00.000Z' },
      // Two demo tickets plus the three opened before `to`; the fourth appeal opened after it.
      tickets: { total: 5, byState: { new: 1, triage: 1, pending_info: 0, decided: 3 }, openedInPeriod: 2 },
      decisions: { inPeriod: 2, byOutcome: { upheld: 1, overturned: 1, modified: 0 }, chainLength: 4, file: 'appeals/decisions.jsonl' },
      slaBreaches: { recorded: { triage: 0, decision: 0 }, pastDueUnrecorded: { triage: 0, decision: 0 }, total: 0 },
      verification: {
        key: { keyId: h.key.keyId, algorithm: 'Ed25519', file: 'appeals/workbench-public-key.pem' },
        statement: `every decision artifact in the period verifies under the workbench key ${h.key.keyId}`,
        checked: 2,
        verified: 2,
        failures: [],
      },
    });
    expect(c.facts).toEqual({
      'appeals.decisions': 2,
      'appeals.upheld': 1,
      'appeals.overturned': 1,
      'appeals.modified': 0,
      'appeals.tickets': 5,
      'appeals.openTickets': 2,
      'appeals.slaBreaches': 0,
      'appeals.keyPresent': true,
      'appeals.artifactsVerified': true,
    });
    expect(c.charts).toEqual([
      {
        id: 'appeals.outcomes',
        title: 'Appeal decisions in the period by outcome',
        unit: 'decisions',
        points: [
          { label: 'upheld', value: 1 },
          { label: 'overturned', value: 1 },
          { label: 'modified', value: 0 },
        ],
      },
    ]);
    const again = await appealDecisionsCollector.collect(ctx);
    expect(again.files.map((f) => f.data)).toEqual(c.files.map((f) => f.data));
  });

  it.skipIf(skipStoreKind(kind))('counts SLA breaches due in the period', async () => {
    // The demo tickets' milestones fell due on 2026-11-20…23: a period covering them counts them.
    const c = await appealDecisionsCollector.collect({ ...ctx, from: new Date('2026-11-01T00:00:00.000Z') });
    const summary = JSON.parse(file(c, 'appeals/summary.json')) as { slaBreaches: unknown; decisions: { inPeriod: number } };
    expect(summary.decisions.inPeriod).toBe(3);
    expect(summary.slaBreaches).toEqual({ recorded: { triage: 1, decision: 2 }, pastDueUnrecorded: { triage: 0, decision: 0 }, total: 3 });
    expect(c.facts['appeals.slaBreaches']).toBe(3);
  });

  it.skipIf(skipStoreKind(kind))('without a key file writes no key, creates none, and says the artifacts cannot be verified', async () => {
    const keyFile = join(h.location.dataDir, WORKBENCH_KEY_PATH);
    rmSync(keyFile);
    const c = await appealDecisionsCollector.collect(ctx);
    expect(c.files.map((f) => f.path)).toEqual(['appeals/decisions.jsonl', 'appeals/summary.json']);
    expect(linesOf(c)).toHaveLength(2);
    const summary = JSON.parse(file(c, 'appeals/summary.json')) as { verification: unknown };
    expect(summary.verification).toEqual({
      key: null,
      statement: 'no workbench key in the data folder (keys/workbench-ed25519.pem): the artifacts cannot be verified without the workbench public key',
      checked: 0,
      verified: 0,
      failures: [],
    });
    expect(c.facts).toMatchObject({ 'appeals.keyPresent': false, 'appeals.artifactsVerified': null });
    const { existsSync } = await import('node:fs');
    expect(existsSync(keyFile)).toBe(false);
  });

  it.skipIf(skipStoreKind(kind))('reports an altered artifact as failing verification, naming it', async () => {
    const tampered = { ...artifacts[2]!, rationale: 'rewritten later' };
    await h.store.sql.run('UPDATE appeal_decision_artifact SET artifact = ? WHERE seq = 3', [canonicalize(tampered)!]);
    const c = await appealDecisionsCollector.collect(ctx);
    expect(c.facts['appeals.artifactsVerified']).toBe(false);
    const summary = JSON.parse(file(c, 'appeals/summary.json')) as { verification: { statement: string; verified: number; failures: Array<{ artifactId: string; checks: Array<{ name: string; ok: boolean }> }> } };
    expect(summary.verification.statement).toBe(`1 of 2 decision artifacts in the period do not verify under the workbench key ${h.key.keyId}`);
    expect(summary.verification.verified).toBe(1);
    expect(summary.verification.failures.map((f) => [f.artifactId, f.checks.filter((x) => !x.ok).map((x) => x.name)])).toEqual([['da-000003', ['hash', 'signature']]]);
  });
});
