import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { APPEALS_ACTION_SPECS } from '../../appeals/appeals-actions.ts';
import { ACTIONS } from '../../policy/actions.ts';
import { cedarSchemaText } from '../../policy/cedar-schema.ts';
import { cedar } from '../../policy/cedar-wasm.ts';
import { defaultPolicies } from '../../policy/default-policies.ts';
import { openPolicyWorkbench, type PolicyWorkbench } from '../../policy/policy-workbench.ts';
import { STORE_KINDS, createStoreLocation, skipStoreKind, type TestStoreLocation } from '../../store/testing/store-targets.ts';
import type { CollectContext, Collected } from '../pack-file.ts';
import { testCollectContext } from '../testing/collect-context.ts';
import { policyBundleCollector, policySetSha256 } from './policy-bundle.ts';

const AT = '2026-11-25T00:00:00.000Z';
const sha = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

const FRIDAY = '@reason("no packs on Fridays")\nforbid (principal, action == Workbench::Action::"packs.verify", resource) when { resource.tenant == "none" };';
const AUDIT_READ = '@denial("audit.read needs auditor, ombuds or admin")\npermit (principal, action == Workbench::Action::"audit.read", resource)\nwhen { principal in [Workbench::Role::"auditor", Workbench::Role::"ombuds", Workbench::Role::"admin"] };\n';

interface Bundle {
  type: string;
  at: string;
  engine: { name: string; version: string };
  schema: { sha256: string; text: string };
  policySet: { sha256: string; valid: boolean; issues: unknown[]; inForce: Array<{ policyId: string; version: number; effect: string; builtInDefault: boolean; createdBy: string; text: string }> };
  history: Array<{ policyId: string; statusAtReference: string; versionsAfterReference: number; versions: Array<{ version: number; status: string; createdAt: string; createdBy: string; note: string; text: string }> }>;
  actions: Array<{ name: string }>;
}

const bundleOf = (c: Collected) => {
  const f = c.files[0]!;
  if (!Buffer.isBuffer(f.data)) throw new Error('not in memory');
  return { text: f.data.toString('utf8'), json: JSON.parse(f.data.toString('utf8')) as Bundle };
};

describe.each(STORE_KINDS)('policyBundleCollector on %s', (kind) => {
  let loc: TestStoreLocation;
  let wb: PolicyWorkbench;
  let clock = '2026-11-20T08:00:00.000Z';
  let ctx: CollectContext;

  beforeEach(async () => {
    if (skipStoreKind(kind)) return;
    clock = '2026-11-20T08:00:00.000Z';
    loc = await createStoreLocation(kind);
    wb = await openPolicyWorkbench({ dataDir: loc.dataDir, databaseUrl: loc.databaseUrl, now: () => new Date(clock), epochMode: 'every-decision' });
    ctx = testCollectContext(wb.store, loc.dataDir, { from: new Date('2026-11-21T00:00:00.000Z'), to: new Date(AT) });
  });
  afterEach(async () => {
    if (skipStoreKind(kind)) return;
    await wb.close();
    await loc.cleanup();
  });

  it.skipIf(skipStoreKind(kind))('bundles the set in force at `at`, every version up to then, the action table and the schema hash', async () => {
    clock = '2026-11-22T10:00:00.000Z';
    await wb.call('policy.save', { policyId: 'friday', text: FRIDAY, note: 'add friday rule' }, 'admin');
    clock = '2026-11-23T10:00:00.000Z';
    await wb.call('policy.retire', { policyId: 'friday', note: 'not needed' }, 'admin');
    await wb.call('policy.save', { policyId: 'role.audit.read', text: AUDIT_READ, note: 'reworded denial' }, 'admin');
    clock = '2026-11-26T10:00:00.000Z'; // after `at`: not part of the bundle
    await wb.call('policy.retire', { policyId: 'consent.purpose', note: 'later change' }, 'admin');

    const c = await policyBundleCollector.collect(ctx);
    const { text, json } = bundleOf(c);
    expect(text).toBe(canonicalize(json) + '\n');
    const defaults = defaultPolicies(ACTIONS);
    const expectedTexts = { ...defaults, 'role.audit.read': AUDIT_READ };
    const schema = cedarSchemaText([...ACTIONS, ...APPEALS_ACTION_SPECS]);

    expect(c.files.map((f) => [f.path, f.section, f.mediaType, f.records, f.asOf])).toEqual([
      ['policy/policy-bundle.json', 'policy', 'application/json', Object.keys(defaults).length + 3, '2026-11-23T10:00:00.000Z'],
    ]);
    expect(c.facts).toEqual({
      'policy.policies': Object.keys(defaults).length,
      'policy.retired': 1,
      'policy.versions': Object.keys(defaults).length + 3,
      'policy.changesInPeriod': 3,
      'policy.setValid': true,
      'policy.setIssues': 0,
      'policy.setSha256': policySetSha256(expectedTexts),
      'policy.actions': ACTIONS.length + APPEALS_ACTION_SPECS.length,
      'policy.schemaSha256': sha(schema),
      'policy.engineVersion': cedar().getCedarVersion(),
    });
    expect(json.type).toBe('compliance-workbench.policy-bundle.v1');
    expect(json.schema).toMatchObject({ sha256: sha(schema), text: schema });
    expect(json.actions.map((a) => a.name)).toEqual([...ACTIONS, ...APPEALS_ACTION_SPECS].map((a) => a.name));
    // consent.purpose is still in force at `at`: its retirement came later.
    expect(json.policySet.inForce.map((p) => [p.policyId, p.version, p.effect, p.builtInDefault, p.createdBy])).toEqual(
      Object.keys(expectedTexts)
        .sort()
        .map((id) => [
          id,
          id === 'role.audit.read' ? 2 : 1,
          id.startsWith('role.') ? 'permit' : 'forbid',
          id !== 'role.audit.read',
          id === 'role.audit.read' ? 'admin' : 'system',
        ]),
    );
    expect(json.policySet.inForce.find((p) => p.policyId === 'role.audit.read')!.text).toBe(AUDIT_READ);
    const friday = json.history.find((h) => h.policyId === 'friday')!;
    expect(friday).toEqual({
      policyId: 'friday',
      statusAtReference: 'retired',
      versionsAfterReference: 0,
      versions: [
        { version: 1, status: 'active', sha256: sha(FRIDAY), createdAt: '2026-11-22T10:00:00.000Z', createdBy: 'admin', note: 'add friday rule', text: FRIDAY },
        { version: 2, status: 'retired', sha256: sha(FRIDAY), createdAt: '2026-11-23T10:00:00.000Z', createdBy: 'admin', note: 'not needed', text: FRIDAY },
      ],
    });
    expect(json.history.find((h) => h.policyId === 'consent.purpose')).toMatchObject({ statusAtReference: 'active', versionsAfterReference: 1 });
    expect(json.history.find((h) => h.policyId === 'role.audit.read')!.versions.map((v) => [v.version, v.note])).toEqual([
      [1, 'built-in default'],
      [2, 'reworded denial'],
    ]);

    const again = await policyBundleCollector.collect(ctx);
    expect(again.files[0]!.data).toEqual(c.files[0]!.data);
  });

  it.skipIf(skipStoreKind(kind))('reports a set the engine cannot evaluate as invalid, naming the policy', async () => {
    // Written straight into the store (the admin service would refuse it): a forbid the schema rejects.
    await wb.store.transaction(async (tx) => {
      await tx.sql.run(
        `INSERT INTO policy_versions (policy_id, version, status, body, sha256, note, created_by, created_at) VALUES (?, 1, 'active', ?, ?, 'bad', 'admin', ?)`,
        ['red', 'forbid (principal, action, resource) when { resource.colour == "red" };', sha('x'), '2026-11-22T00:00:00.000Z'],
      );
    });
    const c = await policyBundleCollector.collect(ctx);
    expect(c.facts['policy.setValid']).toBe(false);
    expect(c.facts['policy.setIssues']).toBe(1);
    const { json } = bundleOf(c);
    expect(json.policySet.valid).toBe(false);
    expect(json.policySet.issues).toEqual([{ policyId: 'red', message: expect.stringContaining('attribute `colour` on entity type `Workbench::Resource` not found') }]);
  });
});
