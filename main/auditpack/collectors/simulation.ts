import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { WorkbenchError } from '../../../shared/api/errors.ts';
import type { Actor } from '../../../shared/domain/actors.ts';
import type { AuditEvent } from '../../../shared/domain/audit.ts';
import type { Labels } from '../../../shared/domain/evidence.ts';
import { exceptionPolicyId, findActiveException } from '../../appeals/policy-exceptions.ts';
import type { ActionSpec } from '../../policy/actions.ts';
import { interpretAnswer, SYSTEM_POLICY, type Verdict } from '../../policy/cedar-decision.ts';
import { buildEntities, resourceUid, templateValues, type RequestAttrs, type ResourceAttrs } from '../../policy/cedar-entities.ts';
import { cedarSchemaText, T } from '../../policy/cedar-schema.ts';
import { cedar, engineMessage } from '../../policy/cedar-wasm.ts';
import type { PolicyResource, ResidencyResolution } from '../../policy/pdp.ts';
import { checkPolicyText, compilePolicySet, type CompiledPolicySet } from '../../policy/policy-set.ts';
import { getException } from '../../residency/exceptions.ts';
import { StoreResidencyResolver } from '../../residency/residency-resolver.ts';
import type { Store } from '../../store/store.ts';
import type { CollectContext, Collected, Collector } from '../pack-file.ts';
import { PACK_PATHS } from '../pack-paths.ts';
import { inForceTexts, policiesAsOf, policySetSha256, workbenchActions } from './policy-bundle.ts';

export const SIMULATION_REPORT_TYPE = 'compliance-workbench.simulation-report.v1';

/** What the report says about the entities a replay uses (the recorded decision does not carry them). */
export const ENTITIES_AS_OF = "as of the pack's reference time";

export const SIMULATION_BASIS = {
  entities: ENTITIES_AS_OF,
  recorded:
    'from each decision event: principal id, action, resource type and id, context (purpose, destination region) when given, data subject, and for data moves the residency placement (tenant, region, pin, residency exception)',
  reconstructed:
    "not in the decision event, so read from the store as it is when the pack is built: the principal's roles, tenant and region; the data subject's granted consent purposes; the resource labels (an evidence item's labels, a target actor's tenant, or what the resource id names); for data moves recorded without a residency placement, the pin and residency exceptions as stored (exceptions judged at the decision time)",
  appealExceptions:
    'a replayed deny becomes an allow when an appeal exception as stored (not revoked, valid at the decision time) covers the request, as the workbench PDP does',
} as const;

const EVENT_PAGE = 1000;
const DATA_MOVES = new Set(['data-read', 'data-export']);
const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

/**
 * Parses and validates a proposed policy set (Cedar text, one or more policies). Each policy's
 * id is its `@id("…")` annotation, else `proposed-` and the first 12 hex digits of the SHA-256
 * of its text. Each must pass the same checks the policy editor applies (checkPolicyText: exactly one policy, renderable
 * annotations, strict validation against the workbench schema), and the whole set must
 * validate; anything else is BAD_INPUT carrying the engine's messages.
 */
export function parseProposedPolicies(text: string, schema: string, actions: readonly ActionSpec[]): Record<string, string> {
  const c = cedar();
  const parts = c.policySetTextToParts(text);
  if (parts.type !== 'success') {
    const engineErrors = parts.errors.map(engineMessage);
    throw new WorkbenchError('BAD_INPUT', `proposedPolicies: the proposed policy set does not parse: ${engineErrors.join('; ')}`, {
      engineErrors,
      issues: engineErrors.map((message) => ({ path: 'proposedPolicies', message })),
    });
  }
  if (parts.policy_templates.length) {
    throw new WorkbenchError('BAD_INPUT', `proposedPolicies: policy templates are not supported (found ${parts.policy_templates.length})`, {
      issues: [{ path: 'proposedPolicies', message: 'policy templates are not supported' }],
    });
  }
  if (parts.policies.length === 0) {
    throw new WorkbenchError('BAD_INPUT', 'proposedPolicies: the proposed policy set holds no policy', { issues: [{ path: 'proposedPolicies', message: 'no policy' }] });
  }
  // The engine hands the policies back in no source order, so unnamed ones are named by content.
  const out: Record<string, string> = {};
  for (const policy of parts.policies) {
    const json = c.policyToJson(policy);
    const id = (json.type === 'success' ? json.json.annotations?.id : undefined) ?? `proposed-${sha256(policy).slice(0, 12)}`;
    const where = `proposedPolicies: policy ${id}`;
    if (id in out) throw new WorkbenchError('BAD_INPUT', `${where}: the id ${JSON.stringify(id)} is used twice`, { policyId: id, issues: [{ path: 'proposedPolicies', message: 'duplicate id' }] });
    const checked = checkPolicyText(id, policy, schema, actions);
    if (!checked.ok) {
      throw new WorkbenchError('BAD_INPUT', `${where} is not valid: ${checked.errors[0]}`, {
        policyId: id,
        engineErrors: checked.errors,
        issues: checked.errors.map((message) => ({ path: 'proposedPolicies', message })),
      });
    }
    out[id] = policy;
  }
  const compiled = compilePolicySet(out, schema, actions);
  if (!compiled.ok) {
    const engineErrors = compiled.issues.map((i) => `${i.policyId}: ${i.message}`);
    throw new WorkbenchError('BAD_INPUT', `proposedPolicies: the proposed policy set is not valid as a whole: ${engineErrors.join('; ')}`, {
      engineErrors,
      issues: engineErrors.map((message) => ({ path: 'proposedPolicies', message })),
    });
  }
  return out;
}

/** A compiled set loaded into the engine under a name derived from its content (so the same set is shared, never duplicated). */
interface LoadedSet {
  sha256: string;
  compiled: CompiledPolicySet;
  name: string;
}

function loadSet(texts: Record<string, string>, schema: string, actions: readonly ActionSpec[]): LoadedSet {
  const setSha = policySetSha256(texts);
  let compiled = compilePolicySet(texts, schema, actions);
  const name = `auditpack-set-${setSha}`;
  if (compiled.ok) {
    const pre = cedar().preparsePolicySet(name, { staticPolicies: compiled.texts });
    if (pre.type !== 'success') compiled = { ok: false, issues: [{ policyId: '(policy set)', message: pre.errors.map(engineMessage).join('; ') }] };
  }
  return { sha256: setSha, compiled, name };
}

type LabelSource = 'evidence-item' | 'target-actor' | 'residency-exception' | 'resource-id' | 'none';

interface Replayed {
  decision: 'allow' | 'deny';
  policyIds: string[];
  reason: string;
}

/**
 * Replays recorded decisions the way CedarPdp decides (same entities, same schema-checked
 * request, same reading of the answer), against any compiled set, with the entities the
 * decision event does not carry read from the store once per id.
 */
class Replayer {
  readonly #store: Store;
  readonly #actions: ReadonlyMap<string, ActionSpec>;
  readonly #schemaName: string;
  readonly #resolver: StoreResidencyResolver;
  readonly #actors = new Map<string, Actor | null>();
  readonly #consents = new Map<string, string[]>();
  readonly #labels = new Map<string, { labels: Partial<Labels>; source: LabelSource }>();

  constructor(store: Store, actions: readonly ActionSpec[], schema: string) {
    this.#store = store;
    this.#actions = new Map(actions.map((a) => [a.name, a]));
    this.#schemaName = `auditpack-schema-${sha256(schema)}`;
    const parsed = cedar().preparseSchema(this.#schemaName, schema);
    if (parsed.type !== 'success') throw new Error(`the generated Cedar schema does not parse: ${parsed.errors.map(engineMessage).join('; ')}`);
    this.#resolver = new StoreResidencyResolver(store.sql);
  }

  async #actor(id: string): Promise<Actor | null> {
    if (!this.#actors.has(id)) this.#actors.set(id, (await this.#store.getActor(id)) ?? null);
    return this.#actors.get(id)!;
  }

  async #granted(subjectId: string): Promise<string[]> {
    let granted = this.#consents.get(subjectId);
    if (!granted) {
      granted = (await this.#store.listConsents(subjectId)).filter((c) => c.status === 'granted').map((c) => c.purpose);
      this.#consents.set(subjectId, granted);
    }
    return granted;
  }

  /** The labels the guard passed, as far as the store can tell (the PEP does not record them). */
  async #resourceLabels(type: string, id: string): Promise<{ labels: Partial<Labels>; source: LabelSource }> {
    const key = `${type}\u0000${id}`;
    const known = this.#labels.get(key);
    if (known) return known;
    let found: { labels: Partial<Labels>; source: LabelSource } = { labels: {}, source: 'none' };
    if (type === 'evidence' && id.startsWith('tenant:')) found = { labels: { tenant: id.slice('tenant:'.length) }, source: 'resource-id' };
    else if (type === 'evidence') {
      const item = await this.#store.getEvidence(id);
      if (item) found = { labels: { ...item.labels }, source: 'evidence-item' };
    } else if (type === 'actor') {
      const target = await this.#actor(id);
      if (target) found = { labels: { tenant: target.tenant }, source: 'target-actor' };
    } else if (type === 'consent' && id.includes('/')) found = { labels: { purpose: id.slice(id.indexOf('/') + 1) }, source: 'resource-id' };
    else if (type === 'residency' && /^[^:]+:.+->.+$/.test(id)) found = { labels: { tenant: id.slice(0, id.indexOf(':')) }, source: 'resource-id' };
    else if (type === 'residency-exception') {
      const e = await getException(this.#store.sql, id);
      if (e) found = { labels: { tenant: e.tenant }, source: 'residency-exception' };
    }
    this.#labels.set(key, found);
    return found;
  }

  /** The request as the PDP saw it: resource attributes, context, and where each part came from. */
  async request(e: AuditEvent) {
    const p = e.payload;
    const spec = this.#actions.get(e.action);
    const actor = await this.#actor(e.actorId);
    const recordedContext = (typeof p.context === 'object' && p.context !== null ? p.context : {}) as { purpose?: unknown; destinationRegion?: unknown };
    const subjectId = typeof p.subjectId === 'string' ? p.subjectId : null;
    const { labels, source } = await this.#resourceLabels(e.resourceType, e.resourceId);
    const toRegion = typeof recordedContext.destinationRegion === 'string' ? recordedContext.destinationRegion : (actor?.region ?? '*');
    const moves = spec !== undefined && spec.groups.some((g) => DATA_MOVES.has(g));
    let tenant = labels.tenant ?? '*';
    let region = labels.region ?? '*';
    let pinned = false;
    let exceptionId: string | null = null;
    let residency: 'recorded' | 'store' | 'not-applicable' = 'not-applicable';
    if (moves) {
      const r = p.residency as Partial<ResidencyResolution> | undefined;
      let placed: ResidencyResolution;
      if (r && typeof r.tenant === 'string' && typeof r.fromRegion === 'string' && typeof r.pinned === 'boolean') {
        placed = { tenant: r.tenant, fromRegion: r.fromRegion, pinned: r.pinned, exceptionId: typeof r.exceptionId === 'string' ? r.exceptionId : null };
        residency = 'recorded';
      } else {
        const resource: PolicyResource = { type: e.resourceType, id: e.resourceId, labels };
        placed = await this.#resolver.resolve({ action: e.action, groups: spec.groups, resource, toRegion, at: e.at });
        residency = 'store';
      }
      tenant = placed.tenant;
      region = placed.fromRegion;
      pinned = placed.pinned;
      exceptionId = placed.exceptionId;
    }
    const resource: ResourceAttrs = {
      type: e.resourceType,
      id: e.resourceId,
      tenant,
      region,
      sensitivity: labels.sensitivity ?? '*',
      purpose: labels.purpose ?? '*',
      pinned,
      subjectId,
    };
    const context: RequestAttrs = {
      purpose: typeof recordedContext.purpose === 'string' ? recordedContext.purpose : resource.purpose,
      destinationRegion: toRegion,
      residencyException: exceptionId ?? '',
    };
    return { action: e.action, spec, actor, resource, context, labels, basis: { labels: source, residency } };
  }

  /** One decision under one set, failing closed exactly where CedarPdp does. */
  async decide(
    set: LoadedSet,
    e: AuditEvent,
    req: Awaited<ReturnType<Replayer['request']>>,
    exception: () => Promise<string | null>,
  ): Promise<Replayed> {
    const verdict = await this.#verdict(set, req);
    if (verdict.allow) return { decision: 'allow', policyIds: verdict.policyIds, reason: verdict.reason };
    const ex = await exception();
    if (ex) return { decision: 'allow', policyIds: [exceptionPolicyId(ex)], reason: `allowed by appeal exception ${ex}; policy said: ${verdict.reason}` };
    return { decision: 'deny', policyIds: verdict.policyIds, reason: verdict.reason };
  }

  async #verdict(set: LoadedSet, req: Awaited<ReturnType<Replayer['request']>>): Promise<Verdict> {
    const { spec, actor, resource, context } = req;
    if (!spec) return { allow: false, policyIds: [SYSTEM_POLICY.schema], reason: `unknown action ${JSON.stringify(req.action)}: not in the action table` };
    const compiled = set.compiled;
    if (!compiled.ok) {
      return {
        allow: false,
        policyIds: [SYSTEM_POLICY.brokenSet, ...compiled.issues.map((i) => i.policyId)],
        reason: `the policy set cannot be evaluated, every request is denied (fail closed): ${compiled.issues.map((i) => `${i.policyId}: ${i.message}`).join('; ')}`,
      };
    }
    if (!actor) return { allow: false, policyIds: [SYSTEM_POLICY.unknownPrincipal], reason: 'the principal is not an actor of the store' };
    try {
      const granted = resource.subjectId !== null ? await this.#granted(resource.subjectId) : null;
      const answer = cedar().statefulIsAuthorized({
        principal: { type: T.actor, id: actor.id },
        action: { type: T.action, id: spec.name },
        resource: resourceUid(resource),
        context: { purpose: context.purpose, destinationRegion: context.destinationRegion, residencyException: context.residencyException },
        entities: buildEntities(actor, resource, granted),
        preparsedPolicySetId: set.name,
        preparsedSchemaName: this.#schemaName,
        validateRequest: true,
      });
      return interpretAnswer(answer, compiled.meta, spec.name, templateValues(spec.name, actor, resource, context));
    } catch (err) {
      return { allow: false, policyIds: [SYSTEM_POLICY.error], reason: `policy evaluation failed, denied (fail closed): ${(err as Error).message}` };
    }
  }

  /** The appeal exception that would have let the request through at the decision time, if any. */
  async appealException(e: AuditEvent, req: Awaited<ReturnType<Replayer['request']>>): Promise<string | null> {
    if (!req.actor) return null;
    const found = await findActiveException(
      this.#store.sql,
      { actor: req.actor, action: e.action, resource: { type: e.resourceType, id: e.resourceId, labels: req.labels } },
      e.at,
    );
    return found?.id ?? null;
  }
}

/** A decision the PEP recorded: allow/deny with the policy ids and epoch in its payload. */
function isRecordedDecision(e: AuditEvent): boolean {
  return (e.decision === 'allow' || e.decision === 'deny') && Array.isArray(e.payload.policyIds) && typeof e.payload.epoch === 'number';
}

const sameIds = (a: readonly string[], b: readonly string[]) => canonicalize([...a].sort()) === canonicalize([...b].sort());

interface Tally {
  allow: number;
  deny: number;
  changed: number;
  changedToAllow: number;
  changedToDeny: number;
  samePolicyIds: number;
}
const tally = (): Tally => ({ allow: 0, deny: 0, changed: 0, changedToAllow: 0, changedToDeny: 0, samePolicyIds: 0 });

/**
 * simulation: every decision the PEP recorded in the period, replayed with the real Cedar
 * engine against the policy set in force at `at` and, when given, a proposed set; per
 * decision the recorded and replayed outcomes, and the list of decisions whose outcome
 * would differ. What the decision events do not record is read from the store, and the
 * report says so.
 */
export const simulationCollector: Collector = {
  section: 'simulation',
  async collect(ctx: CollectContext): Promise<Collected> {
    const cancelled = () => new WorkbenchError('CANCELLED', 'audit pack build cancelled while simulating recorded decisions');
    if (ctx.signal?.aborted) throw cancelled();
    ctx.progress?.('policy simulation');
    const actions = workbenchActions();
    const schema = cedarSchemaText(actions);
    // Refuse a bad proposal before any work.
    const proposedTexts = ctx.proposedPolicies !== undefined ? parseProposedPolicies(ctx.proposedPolicies, schema, actions) : null;
    const policies = await policiesAsOf(ctx.store.sql, ctx.at);
    const currentTexts = inForceTexts(policies);
    const current = loadSet(currentTexts, schema, actions);
    const proposed = proposedTexts ? loadSet(proposedTexts, schema, actions) : null;
    const replayer = new Replayer(ctx.store, actions, schema);

    const fromMs = ctx.from.getTime();
    const toMs = ctx.to.getTime();
    const decisions: unknown[] = [];
    const differences: { current: unknown[]; proposed: unknown[] } = { current: [], proposed: [] };
    const recorded = { allow: 0, deny: 0 };
    const totals = { current: tally(), proposed: tally() };
    let newest: string | undefined;
    let after = 0;
    let done = false;
    while (!done) {
      if (ctx.signal?.aborted) throw cancelled();
      const page = await ctx.store.listAuditEvents({ afterSeq: after, limit: EVENT_PAGE });
      for (const e of page) {
        const t = Date.parse(e.at);
        if (t >= toMs) {
          done = true;
          break;
        }
        if (t < fromMs || !isRecordedDecision(e)) continue;
        newest = e.at;
        const rec = { decision: e.decision as 'allow' | 'deny', policyIds: (e.payload.policyIds as unknown[]).map(String), epoch: e.payload.epoch as number };
        recorded[rec.decision] += 1;
        const req = await replayer.request(e);
        let exception: Promise<string | null> | undefined;
        const appeal = () => (exception ??= replayer.appealException(e, req));
        const outcomes: Array<['current' | 'proposed', Replayed]> = [['current', await replayer.decide(current, e, req, appeal)]];
        if (proposed) outcomes.push(['proposed', await replayer.decide(proposed, e, req, appeal)]);
        const resource = {
          type: e.resourceType,
          id: e.resourceId,
          tenant: req.resource.tenant,
          region: req.resource.region,
          sensitivity: req.resource.sensitivity,
          purpose: req.resource.purpose,
          pinned: req.resource.pinned,
          subjectId: req.resource.subjectId,
        };
        const line: Record<string, unknown> = {
          decisionId: e.id,
          seq: e.seq,
          at: e.at,
          actorId: e.actorId,
          action: e.action,
          resource,
          context: req.context,
          recorded: rec,
          basis: req.basis,
        };
        for (const [which, r] of outcomes) {
          line[which] = r;
          const t = totals[which];
          t[r.decision] += 1;
          if (r.decision !== rec.decision) {
            t.changed += 1;
            if (r.decision === 'allow') t.changedToAllow += 1;
            else t.changedToDeny += 1;
            differences[which].push({
              decisionId: e.id,
              at: e.at,
              actorId: e.actorId,
              action: e.action,
              resource: { type: e.resourceType, id: e.resourceId },
              recorded: rec.decision,
              replayed: r.decision,
              recordedPolicyIds: rec.policyIds,
              policyIds: r.policyIds,
              reason: r.reason,
            });
          } else if (sameIds(r.policyIds, rec.policyIds)) t.samePolicyIds += 1;
        }
        decisions.push(line);
      }
      if (page.length < EVENT_PAGE) break;
      after = page.at(-1)!.seq;
    }

    const at = ctx.at.toISOString();
    const newestPolicy = policies
      .flatMap((p) => p.versions)
      .reduce<string | undefined>((m, v) => (m === undefined || Date.parse(v.createdAt) > Date.parse(m) ? v.createdAt : m), undefined);
    const asOf = [newest, newestPolicy].filter((x): x is string => x !== undefined).reduce<string | undefined>((m, x) => (m === undefined || Date.parse(x) > Date.parse(m) ? x : m), undefined);
    const setSummary = (s: LoadedSet) => ({ sha256: s.sha256, valid: s.compiled.ok, issues: s.compiled.ok ? s.compiled.dropped : s.compiled.issues });
    const report = {
      type: SIMULATION_REPORT_TYPE,
      org: ctx.org,
      at,
      period: { from: ctx.from.toISOString(), to: ctx.to.toISOString() },
      entities: ENTITIES_AS_OF,
      basis: SIMULATION_BASIS,
      engine: { name: 'cedar', version: cedar().getCedarVersion(), schemaSha256: sha256(schema) },
      policySets: {
        current: {
          source: `the policies in force at ${at} (${PACK_PATHS.policyBundle})`,
          ...setSummary(current),
          policies: policies.filter((p) => p.current.status === 'active').map((p) => ({ policyId: p.policyId, version: p.current.version, sha256: p.current.sha256 })),
        },
        proposed:
          proposed && proposedTexts
            ? {
                source: 'proposed policy set (Cedar text given to the build)',
                ...setSummary(proposed),
                policies: Object.keys(proposedTexts)
                  .sort()
                  .map((policyId) => ({ policyId, sha256: sha256(proposedTexts[policyId]!), text: proposedTexts[policyId]! })),
              }
            : null,
      },
      totals: {
        decisions: decisions.length,
        recorded,
        current: totals.current,
        proposed: proposed ? totals.proposed : null,
      },
      differences: { current: differences.current, proposed: proposed ? differences.proposed : null },
      decisions,
    };
    return {
      files: [
        {
          path: PACK_PATHS.simulation,
          section: 'simulation',
          title: proposed
            ? 'Simulation: recorded decisions replayed against the current and the proposed policy set'
            : 'Simulation: recorded decisions replayed against the current policy set',
          mediaType: 'application/json',
          data: Buffer.from(canonicalize(report)! + '\n', 'utf8'),
          records: decisions.length,
          ...(asOf ? { asOf } : {}),
        },
      ],
      facts: {
        'simulation.decisions': decisions.length,
        'simulation.recordedAllow': recorded.allow,
        'simulation.recordedDeny': recorded.deny,
        'simulation.changed': totals.current.changed,
        'simulation.changedToAllow': totals.current.changedToAllow,
        'simulation.changedToDeny': totals.current.changedToDeny,
        'simulation.proposed': proposed !== null,
        'simulation.proposedChanged': proposed ? totals.proposed.changed : null,
        'simulation.proposedChangedToAllow': proposed ? totals.proposed.changedToAllow : null,
        'simulation.proposedChangedToDeny': proposed ? totals.proposed.changedToDeny : null,
        'simulation.currentSetSha256': current.sha256,
        'simulation.proposedSetSha256': proposed ? proposed.sha256 : null,
        'simulation.entities': ENTITIES_AS_OF,
      },
    };
  },
};
