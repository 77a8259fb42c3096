import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { WorkbenchError } from '../../../shared/api/errors.ts';
import { APPEALS_ACTION_SPECS } from '../../appeals/appeals-actions.ts';
import { actionTable, type ActionSpec } from '../../policy/actions.ts';
import { cedarSchemaText, NS } from '../../policy/cedar-schema.ts';
import { cedar } from '../../policy/cedar-wasm.ts';
import { defaultPolicies } from '../../policy/default-policies.ts';
import { compilePolicySet } from '../../policy/policy-set.ts';
import { latestVersions, policyHistory, readEpoch, type PolicyVersion } from '../../policy/policy-store.ts';
import type { SqlClient } from '../../store/sql-client.ts';
import type { CollectContext, Collected, Collector } from '../pack-file.ts';
import { PACK_PATHS } from '../pack-paths.ts';

export const POLICY_BUNDLE_TYPE = 'compliance-workbench.policy-bundle.v1';

/** The action table the workbench runs with: the built-in actions plus the appeals capability's (as main/workbench.ts wires them). */
export function workbenchActions(): readonly ActionSpec[] {
  return actionTable(APPEALS_ACTION_SPECS);
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const before = (iso: string, at: Date) => Date.parse(iso) <= at.getTime();

export interface PolicyAsOf {
  policyId: string;
  /** Versions written at or before the reference time, oldest first. */
  versions: PolicyVersion[];
  /** The version in effect at the reference time (the newest of `versions`). */
  current: PolicyVersion;
  /** Versions written after the reference time (left out of the bundle). */
  later: number;
}

/**
 * Every policy the store held at `at`, with its history up to then. A policy is in force at
 * `at` when its newest version written by then is active — the store appends versions and
 * never rewrites them, so this is what the PDP evaluated at that moment.
 */
export async function policiesAsOf(sql: SqlClient, at: Date): Promise<PolicyAsOf[]> {
  const out: PolicyAsOf[] = [];
  for (const latest of await latestVersions(sql)) {
    const all = await policyHistory(sql, latest.policyId);
    const versions = all.filter((v) => before(v.createdAt, at));
    const current = versions.at(-1);
    if (current) out.push({ policyId: latest.policyId, versions, current, later: all.length - versions.length });
  }
  return out.sort((a, b) => (a.policyId < b.policyId ? -1 : a.policyId > b.policyId ? 1 : 0));
}

/** id → Cedar text of the policies in force at `at`. */
export function inForceTexts(policies: readonly PolicyAsOf[]): Record<string, string> {
  const texts: Record<string, string> = {};
  for (const p of policies) if (p.current.status === 'active') texts[p.policyId] = p.current.body;
  return texts;
}

/** One hash naming a whole policy set: SHA-256 of the canonical JSON of {id: sha256 of text}. */
export function policySetSha256(texts: Readonly<Record<string, string>>): string {
  return sha256(canonicalize(Object.fromEntries(Object.entries(texts).map(([id, t]) => [id, sha256(t)])))!);
}

/**
 * policy: the policy sets in force at `at` and their full history up to then (every
 * version with who, when, why and its Cedar text, retirements included), the action table,
 * and the Cedar schema the engine validates against, with its hash.
 */
export const policyBundleCollector: Collector = {
  section: 'policy',
  async collect(ctx: CollectContext): Promise<Collected> {
    if (ctx.signal?.aborted) throw new WorkbenchError('CANCELLED', 'audit pack build cancelled while collecting the policy bundle');
    ctx.progress?.('policy bundle');
    const at = ctx.at.toISOString();
    const actions = workbenchActions();
    const schema = cedarSchemaText(actions);
    const defaults = defaultPolicies(actions);
    const policies = await policiesAsOf(ctx.store.sql, ctx.at);
    const texts = inForceTexts(policies);
    const compiled = compilePolicySet(texts, schema, actions);
    const epoch = await readEpoch(ctx.store.sql);
    const inForce = policies
      .filter((p) => p.current.status === 'active')
      .map((p) => ({
        policyId: p.policyId,
        version: p.current.version,
        sha256: p.current.sha256,
        effect: compiled.ok ? (compiled.meta.get(p.policyId)?.effect ?? null) : null,
        builtInDefault: defaults[p.policyId] === p.current.body,
        createdAt: p.current.createdAt,
        createdBy: p.current.createdBy,
        note: p.current.note,
        text: p.current.body,
      }));
    const versions = policies.flatMap((p) => p.versions);
    const inPeriod = versions.filter((v) => Date.parse(v.createdAt) >= ctx.from.getTime() && Date.parse(v.createdAt) < ctx.to.getTime());
    const newest = versions.reduce<string | undefined>((m, v) => (m === undefined || Date.parse(v.createdAt) > Date.parse(m) ? v.createdAt : m), undefined);
    const setSha = policySetSha256(texts);
    const bundle = {
      type: POLICY_BUNDLE_TYPE,
      org: ctx.org,
      at,
      period: { from: ctx.from.toISOString(), to: ctx.to.toISOString() },
      engine: { name: 'cedar', version: cedar().getCedarVersion(), languageVersion: cedar().getCedarLangVersion() },
      schema: { namespace: NS, sha256: sha256(schema), text: schema },
      // The epoch row as stored when the pack was built (it counts every change, policy or not).
      epoch: { epoch: epoch.epoch, policyRevision: epoch.policyRevision, reason: epoch.reason },
      policySet: {
        sha256: setSha,
        valid: compiled.ok,
        // Invalid permits the engine leaves out, or what makes the whole set unusable (fail closed).
        issues: compiled.ok ? compiled.dropped : compiled.issues,
        inForce,
      },
      history: policies.map((p) => ({
        policyId: p.policyId,
        statusAtReference: p.current.status,
        versionsAfterReference: p.later,
        versions: p.versions.map((v) => ({
          version: v.version,
          status: v.status,
          sha256: v.sha256,
          createdAt: v.createdAt,
          createdBy: v.createdBy,
          note: v.note,
          text: v.body,
        })),
      })),
      actions: actions.map((a) => ({
        name: a.name,
        resourceKind: a.resourceKind,
        groups: [...a.groups],
        roles: [...a.roles],
        ownTenantRoles: [...a.ownTenantRoles],
        capability: a.capability,
        summary: a.summary,
      })),
    };
    return {
      files: [
        {
          path: PACK_PATHS.policyBundle,
          section: 'policy',
          title: 'Policy bundle: policy sets in force and their history, action table, Cedar schema',
          mediaType: 'application/json',
          data: Buffer.from(canonicalize(bundle)! + '\n', 'utf8'),
          records: versions.length,
          ...(newest !== undefined ? { asOf: newest } : {}),
        },
      ],
      facts: {
        'policy.policies': inForce.length,
        'policy.retired': policies.length - inForce.length,
        'policy.versions': versions.length,
        'policy.changesInPeriod': inPeriod.length,
        'policy.setValid': compiled.ok,
        'policy.setIssues': (compiled.ok ? compiled.dropped : compiled.issues).length,
        'policy.setSha256': setSha,
        'policy.actions': actions.length,
        'policy.schemaSha256': sha256(schema),
        'policy.engineVersion': cedar().getCedarVersion(),
      },
    };
  },
};
