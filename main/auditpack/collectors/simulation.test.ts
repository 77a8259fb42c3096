import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WorkbenchError } from '../../../shared/api/errors.ts';
import type { AuditEvent } from '../../../shared/domain/audit.ts';
import { ACTIONS } from '../../policy/actions.ts';
import { defaultPolicies } from '../../policy/default-policies.ts';
import { openPolicyWorkbench, type PolicyWorkbench } from '../../policy/policy-workbench.ts';
import { STORE_KINDS, createStoreLocation, skipStoreKind, type TestStoreLocation } from '../../store/testing/store-targets.ts';
import type { CollectContext, Collected } from '../pack-file.ts';
import { testCollectContext } from '../testing/collect-context.ts';
import { policySetSha256 } from './policy-bundle.ts';
import { SIMULATION_BASIS, simulationCollector } from './simulation.ts';

const AT = '2026-12-01T00:00:00.000Z';
const ignore = async (p: Promise<unknown>) => p.catch(() => undefined);

/** role.evidence.read without the analysts' own-tenant clause. */
const STEWARDS_ONLY =
  '@denial("evidence.read needs auditor or admin, or data_steward within the tenant")\npermit (principal, action == Workbench::Action::"evidence.read", resource)\nwhen { principal in [Workbench::Role::"auditor", Workbench::Role::"admin"] || (principal in [Workbench::Role::"data_steward"] && resource.tenant == principal.tenant) };\n';

interface Line {
  decisionId: string;
  actorId: string;
  action: string;
  resource: { type: string; id: string; tenant: string; region: string; sensitivity: string; pinned: boolean };
  recorded: { decision: string; policyIds: string[]; epoch: number };
  current: { decision: string; policyIds: string[]; reason: string };
  proposed?: { decision: string; policyIds: string[]; reason: string };
  basis: { labels: string; residency: string };
}
interface Report {
  type: string;
  entities: string;
  basis: unknown;
  policySets: { current: { sha256: string; valid: boolean; policies: Array<{ policyId: string; version: number }> }; proposed: null | { policies: Array<{ policyId: string; text: string }> } };
  totals: unknown;
  differences: { current: unknown[]; proposed: unknown[] | null };
  decisions: Line[];
}

const reportOf = (c: Collected) => {
  const f = c.files[0]!;
  if (!Buffer.isBuffer(f.data)) throw new Error('not in memory');
  const json = JSON.parse(f.data.toString('utf8')) as Report;
  expect(f.data.toString('utf8')).toBe(canonicalize(json) + '\n');
  return json;
};

describe.each(STORE_KINDS)('simulationCollector on %s', (kind) => {
  let loc: TestStoreLocation;
  let wb: PolicyWorkbench;
  let clock = '2026-11-28T12:00:00.000Z';
  let ctx: CollectContext;

  /** Real decisions through the dispatcher: pins first, so residency is recorded with each read. */
  async function decide(): Promise<void> {
    clock = '2026-11-28T12:00:00.000Z';
    await wb.call('residency.pinUnpinned', {}, 'admin');
    clock = '2026-11-28T13:00:00.000Z';
    for (const [actor, id] of [
      ['alice', 'ev-001'], // auditor: allow
      ['arun', 'ev-004'], // analyst, other tenant: deny
      ['arun', 'ev-012'], // analyst, own tenant: allow
      ['greta', 'ev-005'], // steward, own tenant: allow
      ['gil', 'ev-012'], // cross-region: deny
      ['sam', 'ev-002'], // steward, own tenant: allow
    ] as const) {
      await ignore(wb.call('evidence.get', { id }, actor));
    }
    await ignore(wb.call('audit.list', { limit: 5 }, 'gil')); // analyst: deny
  }

  beforeEach(async () => {
    if (skipStoreKind(kind)) return;
    clock = '2026-11-28T12:00:00.000Z';
    loc = await createStoreLocation(kind);
    wb = await openPolicyWorkbench({ dataDir: loc.dataDir, databaseUrl: loc.databaseUrl, now: () => new Date(clock), epochMode: 'every-decision' });
    // The demo seed's decisions (2026-11-20) fall before the period.
    ctx = testCollectContext(wb.store, loc.dataDir, { from: new Date('2026-11-28T12:30:00.000Z'), to: new Date(AT) });
  });
  afterEach(async () => {
    if (skipStoreKind(kind)) return;
    await wb.close();
    await loc.cleanup();
  });

  it.skipIf(skipStoreKind(kind))('replaying under the unchanged set reproduces every recorded decision: outcome and policy ids', async () => {
    await decide();
    const c = await simulationCollector.collect(ctx);
    const r = reportOf(c);
    const events = (await wb.store.listAuditEvents({ afterSeq: 0, limit: 1000 })).filter((e) => e.at >= '2026-11-28T13:00:00.000Z' && e.decision !== 'info');
    expect(r.decisions.map((d) => [d.decisionId, d.actorId, d.action, d.resource.id, d.recorded.decision])).toEqual(
      events.map((e: AuditEvent) => [e.id, e.actorId, e.action, e.resourceId, e.decision]),
    );
    expect(r.decisions.map((d) => [d.actorId, d.resource.id, d.current.decision, d.current.policyIds])).toEqual([
      ['alice', 'ev-001', 'allow', ['role.evidence.read']],
      ['arun', 'ev-004', 'deny', ['residency.cross-region']],
      ['arun', 'ev-012', 'allow', ['role.evidence.read']],
      ['greta', 'ev-005', 'allow', ['role.evidence.read']],
      ['gil', 'ev-012', 'deny', ['residency.cross-region']],
      ['sam', 'ev-002', 'allow', ['role.evidence.read']],
      ['gil', 'audit_events', 'deny', ['role.audit.read']],
    ]);
    for (const d of r.decisions) {
      expect(d.current.policyIds).toEqual(d.recorded.policyIds);
      expect(d.current.reason).toBe(events.find((e) => e.id === d.decisionId)!.payload.reason);
    }
    expect(r.decisions[0]!.resource).toEqual({ type: 'evidence', id: 'ev-001', tenant: 'acme', region: 'us-west-2', sensitivity: 'confidential', purpose: 'audit', pinned: true, subjectId: null });
    expect(r.decisions.map((d) => d.basis)).toEqual([
      ...Array.from({ length: 6 }, () => ({ labels: 'evidence-item', residency: 'recorded' })),
      { labels: 'none', residency: 'not-applicable' },
    ]);
    expect(r.entities).toBe("as of the pack's reference time");
    expect(r.basis).toEqual({ ...SIMULATION_BASIS });
    expect(r.differences).toEqual({ current: [], proposed: null });
    expect(r.totals).toEqual({
      decisions: 7,
      recorded: { allow: 4, deny: 3 },
      current: { allow: 4, deny: 3, changed: 0, changedToAllow: 0, changedToDeny: 0, samePolicyIds: 7 },
      proposed: null,
    });
    expect(c.files.map((f) => [f.path, f.section, f.mediaType, f.records, f.asOf])).toEqual([
      ['simulation/simulation-report.json', 'simulation', 'application/json', 7, '2026-11-28T13:00:00.000Z'],
    ]);
    expect(c.facts).toEqual({
      'simulation.decisions': 7,
      'simulation.recordedAllow': 4,
      'simulation.recordedDeny': 3,
      'simulation.changed': 0,
      'simulation.changedToAllow': 0,
      'simulation.changedToDeny': 0,
      'simulation.proposed': false,
      'simulation.proposedChanged': null,
      'simulation.proposedChangedToAllow': null,
      'simulation.proposedChangedToDeny': null,
      'simulation.currentSetSha256': policySetSha256(defaultPolicies(ACTIONS)),
      'simulation.proposedSetSha256': null,
      'simulation.entities': "as of the pack's reference time",
    });
    const again = await simulationCollector.collect(ctx);
    expect(again.files[0]!.data).toEqual(c.files[0]!.data);
  });

  it.skipIf(skipStoreKind(kind))('lists the decisions a policy change made since would flip, and those a proposed set would', async () => {
    await decide();
    clock = '2026-11-29T09:00:00.000Z';
    await wb.call('policy.save', { policyId: 'role.evidence.read', text: STEWARDS_ONLY, note: 'analysts lose own-tenant reads' }, 'admin');
    // Proposed: the current defaults, minus the residency rule, plus an explicit analyst audit read.
    const defaults = defaultPolicies(ACTIONS);
    const proposedText = [
      ...Object.entries(defaults)
        .filter(([id]) => id !== 'residency.cross-region')
        .map(([id, text]) => `@id(${JSON.stringify(id)})\n${text}`),
      'permit (principal in Workbench::Role::"analyst", action == Workbench::Action::"audit.read", resource);',
    ].join('\n');
    const c = await simulationCollector.collect({ ...ctx, proposedPolicies: proposedText });
    const r = reportOf(c);
    expect(r.policySets.current.policies.find((p) => p.policyId === 'role.evidence.read')).toEqual({ policyId: 'role.evidence.read', version: 2, sha256: expect.any(String) });
    // The unnamed policy is named by its content.
    const unnamed = r.policySets.proposed!.policies.find((p) => p.policyId.startsWith('proposed-'))!;
    expect(unnamed.policyId).toBe(`proposed-${createHash('sha256').update(unnamed.text, 'utf8').digest('hex').slice(0, 12)}`);
    expect(r.policySets.proposed!.policies.map((p) => p.policyId)).toEqual([...Object.keys(defaults).filter((id) => id !== 'residency.cross-region'), unnamed.policyId].sort());
    // The policy save's own decision (admin policy.write, 2026-11-29) is in the period too.
    expect(r.decisions.map((d) => [d.actorId, d.resource.id, d.recorded.decision, d.current.decision, d.proposed!.decision])).toEqual([
      ['alice', 'ev-001', 'allow', 'allow', 'allow'],
      ['arun', 'ev-004', 'deny', 'deny', 'deny'],
      ['arun', 'ev-012', 'allow', 'deny', 'allow'],
      ['greta', 'ev-005', 'allow', 'allow', 'allow'],
      ['gil', 'ev-012', 'deny', 'deny', 'deny'],
      ['sam', 'ev-002', 'allow', 'allow', 'allow'],
      ['gil', 'audit_events', 'deny', 'deny', 'allow'],
      ['admin', 'role.evidence.read', 'allow', 'allow', 'allow'],
    ]);
    expect(r.differences.current).toEqual([
      {
        decisionId: r.decisions[2]!.decisionId,
        at: '2026-11-28T13:00:00.000Z',
        actorId: 'arun',
        action: 'evidence.read',
        resource: { type: 'evidence', id: 'ev-012' },
        recorded: 'allow',
        replayed: 'deny',
        recordedPolicyIds: ['role.evidence.read'],
        policyIds: ['role.evidence.read'],
        reason: 'evidence.read needs auditor or admin, or data_steward within the tenant',
      },
    ]);
    expect(r.differences.proposed).toEqual([
      {
        decisionId: r.decisions[6]!.decisionId,
        at: '2026-11-28T13:00:00.000Z',
        actorId: 'gil',
        action: 'audit.read',
        resource: { type: 'audit-trail', id: 'audit_events' },
        recorded: 'deny',
        replayed: 'allow',
        recordedPolicyIds: ['role.audit.read'],
        policyIds: [unnamed.policyId],
        reason: `allowed by ${unnamed.policyId}`,
      },
    ]);
    // gil's cross-region read: without the residency rule the analyst's own-tenant clause decides (acme ≠ globex).
    expect(r.decisions[4]!.proposed).toMatchObject({ decision: 'deny', policyIds: ['role.evidence.read'] });
    expect(c.facts).toMatchObject({
      'simulation.decisions': 8,
      'simulation.changed': 1,
      'simulation.changedToDeny': 1,
      'simulation.changedToAllow': 0,
      'simulation.proposed': true,
      'simulation.proposedChanged': 1,
      'simulation.proposedChangedToAllow': 1,
      'simulation.proposedChangedToDeny': 0,
    });
  });

  it.skipIf(skipStoreKind(kind))('refuses a proposed set that does not parse or validate, with the engine message', async () => {
    const parse = await simulationCollector.collect({ ...ctx, proposedPolicies: 'permit (principal' }).catch((e: unknown) => e);
    expect(parse).toBeInstanceOf(WorkbenchError);
    expect((parse as WorkbenchError).code).toBe('BAD_INPUT');
    expect((parse as WorkbenchError).message).toMatch(/^proposedPolicies: the proposed policy set does not parse: unexpected end of input/);
    expect((parse as WorkbenchError).details?.engineErrors).toEqual([expect.stringMatching(/^unexpected end of input/)]);

    const invalid = await simulationCollector
      .collect({ ...ctx, proposedPolicies: 'permit (principal, action, resource);\n@id("red")\nforbid (principal, action, resource) when { resource.colour == "red" };' })
      .catch((e: unknown) => e);
    expect((invalid as WorkbenchError).code).toBe('BAD_INPUT');
    expect((invalid as WorkbenchError).message).toMatch(/^proposedPolicies: policy red is not valid: .*attribute `colour` on entity type `Workbench::Resource` not found/);
    expect((invalid as WorkbenchError).details).toMatchObject({ policyId: 'red' });
  });

  it.skipIf(kind !== 'sqlite')('replays thousands of decisions in one pass', async () => {
    await wb.call('residency.pinUnpinned', {}, 'admin');
    const actors = await Promise.all(['alice', 'arun', 'gil', 'greta', 'sam'].map(async (id) => (await wb.store.getActor(id))!));
    clock = '2026-11-28T13:00:00.000Z';
    const n = 2000;
    for (let i = 0; i < n; i++) {
      const actor = actors[i % actors.length]!;
      const id = `ev-${String((i % 20) + 1).padStart(3, '0')}`;
      const item = (await wb.store.getEvidence(id))!;
      await ignore(wb.services.pep.guard(actor, 'evidence.read', { type: 'evidence', id, labels: item.labels }));
    }
    const started = performance.now();
    const c = await simulationCollector.collect(ctx);
    const ms = performance.now() - started;
    expect(c.facts['simulation.decisions']).toBe(n);
    expect(c.facts['simulation.changed']).toBe(0);
    // Generous bound on a shared 2-core machine; typically well under this.
    expect(ms).toBeLessThan(20_000);
  }, 120_000);
});
