import type { Actor } from '../../shared/domain/actors.ts';
import type { Store } from '../store/store.ts';
import { actionTable, type ActionSpec } from './actions.ts';
import { interpretAnswer, SYSTEM_POLICY, type Verdict } from './cedar-decision.ts';
import { buildEntities, resourceUid, templateValues, type RequestAttrs, type ResourceAttrs } from './cedar-entities.ts';
import { cedarSchemaText, T } from './cedar-schema.ts';
import { cedar, engineMessage } from './cedar-wasm.ts';
import { DecisionCache, decisionKey } from './decision-cache.ts';
import { defaultPolicies } from './default-policies.ts';
import type { Pdp, PolicyDecision, PolicyRequest, ResidencyFacts, ResidencyResolver } from './pdp.ts';
import { checkPolicyText, compilePolicySet, type CompiledPolicySet, type PolicyIssue } from './policy-set.ts';
import { activePolicies, installMissingDefaults, readEpoch, type EpochState } from './policy-store.ts';

/**
 * How the PDP learns that the epoch moved.
 * - `every-decision`: read the one-row epoch table before each decision. On SQLite that is a
 *   few microseconds and makes stale decisions impossible, even with a second process on
 *   the same file.
 * - `notify`: trust the epoch pushed by the store (PostgreSQL LISTEN/NOTIFY, see
 *   `pg-epoch-feed.ts`); read the row only when the feed is down, when told to, or when a
 *   session presents an epoch newer than ours.
 */
export type EpochMode = 'every-decision' | 'notify';

export interface CedarPdpOptions {
  store: Store;
  now: () => Date;
  epochMode: EpochMode;
  /** Actions beyond the built-in table (capabilities that guard their own). */
  extraActions?: readonly ActionSpec[];
  residency?: ResidencyResolver;
  cacheSize?: number;
  /** Install built-in default policies the store has never held (default true). */
  installDefaults?: boolean;
}

export interface EpochChange {
  epoch: number;
  reason: string;
}

export interface PdpStatus {
  epoch: number;
  policyRevision: number;
  policySet: 'ok' | 'invalid';
  /** Invalid policies: dropped permits, or what makes the set unusable. */
  issues: PolicyIssue[];
  feedLive: boolean;
  cache: { size: number; hits: number; misses: number };
}

const DATA_MOVES = new Set(['data-read', 'data-export']);
let instances = 0;

/**
 * The policy decision point over Cedar. Policies and entities come from the store; the
 * decision cache is keyed by principal, action, resource and context under the current
 * policy epoch. Fails closed everywhere: anything that throws or that the engine reports as
 * an error is a deny naming what failed.
 */
export class CedarPdp implements Pdp {
  readonly #store: Store;
  readonly #now: () => Date;
  readonly #mode: EpochMode;
  readonly #actions: ReadonlyMap<string, ActionSpec>;
  readonly #actionList: readonly ActionSpec[];
  readonly #residency: ResidencyResolver | undefined;
  readonly #cache: DecisionCache;
  readonly #schema: string;
  readonly #schemaName: string;
  readonly #setName: string;
  readonly #listeners = new Set<(change: EpochChange) => void>();
  #epoch = -1;
  #revision = -1;
  #set: CompiledPolicySet = { ok: false, issues: [{ policyId: '(policy set)', message: 'not loaded yet' }] };
  #setLoadFailed = false;
  #feedLive = false;
  #tail: Promise<void> = Promise.resolve();

  private constructor(opts: CedarPdpOptions) {
    this.#store = opts.store;
    this.#now = opts.now;
    this.#mode = opts.epochMode;
    this.#actionList = actionTable(opts.extraActions);
    this.#actions = new Map(this.#actionList.map((a) => [a.name, a]));
    this.#residency = opts.residency;
    this.#cache = new DecisionCache(opts.cacheSize);
    this.#schema = cedarSchemaText(this.#actionList);
    instances += 1;
    this.#schemaName = `workbench-schema-${process.pid}-${instances}`;
    this.#setName = `workbench-policies-${process.pid}-${instances}`;
  }

  /** Loads the schema, installs missing default policies, reads the epoch and the policy set. */
  static async open(opts: CedarPdpOptions): Promise<CedarPdp> {
    const pdp = new CedarPdp(opts);
    const parsed = cedar().preparseSchema(pdp.#schemaName, pdp.#schema);
    if (parsed.type !== 'success') throw new Error(`the generated Cedar schema does not parse: ${parsed.errors.map(engineMessage).join('; ')}`);
    if (opts.installDefaults ?? true) {
      await installMissingDefaults(opts.store.sql, defaultPolicies(pdp.#actionList), opts.now().toISOString());
    }
    await pdp.refresh();
    return pdp;
  }

  get schemaText(): string {
    return this.#schema;
  }

  get actions(): readonly ActionSpec[] {
    return this.#actionList;
  }

  epoch(): number {
    return this.#epoch;
  }

  status(): PdpStatus {
    const set = this.#set;
    return {
      epoch: this.#epoch,
      policyRevision: this.#revision,
      policySet: set.ok ? 'ok' : 'invalid',
      issues: set.ok ? set.dropped : set.issues,
      feedLive: this.#feedLive,
      cache: { size: this.#cache.size, hits: this.#cache.hits, misses: this.#cache.misses },
    };
  }

  /** Called with every epoch this PDP adopts, in order (the workbench broadcasts `policy.changed`). */
  onEpochChange(listener: (change: EpochChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Validates one policy against this PDP's schema (for the editor: nothing is saved). */
  checkPolicy(id: string, text: string): { ok: true } | { ok: false; errors: string[] } {
    const r = checkPolicyText(id, text, this.#schema, this.#actionList);
    return r.ok ? { ok: true } : { ok: false, errors: r.errors };
  }

  /** Reads the epoch row and adopts it. */
  async refresh(): Promise<EpochState> {
    const state = await readEpoch(this.#store.sql);
    await this.#enqueue(state);
    return state;
  }

  /** The push feed reported an epoch (PostgreSQL NOTIFY). */
  noteEpoch(state: EpochState): Promise<void> {
    return this.#enqueue(state);
  }

  /** Whether the push feed is connected; while it is not, every decision reads the epoch row. */
  setFeedLive(live: boolean): void {
    this.#feedLive = live;
  }

  async decide(request: PolicyRequest): Promise<PolicyDecision> {
    try {
      return await this.#decide(request);
    } catch (e) {
      return { allow: false, policyIds: [SYSTEM_POLICY.error], reason: `policy evaluation failed, denied (fail closed): ${(e as Error).message}`, epoch: this.#epoch };
    }
  }

  /** Adoptions run one after another; decisions wait for those queued before them. */
  #enqueue(state: EpochState): Promise<void> {
    const run = this.#tail.then(() => this.#adopt(state));
    this.#tail = run.catch(() => undefined);
    return run;
  }

  async #adopt(state: EpochState): Promise<void> {
    // A read that started before a newer one finished says nothing new.
    if (state.epoch < this.#epoch) return;
    const moved = state.epoch > this.#epoch;
    if (moved) {
      this.#epoch = state.epoch;
      this.#cache.setEpoch(state.epoch);
      this.#residency?.invalidate();
    }
    if (state.policyRevision !== this.#revision || this.#setLoadFailed) {
      this.#revision = state.policyRevision;
      await this.#loadPolicies();
    }
    if (moved) for (const l of [...this.#listeners]) l({ epoch: state.epoch, reason: state.reason });
  }

  async #loadPolicies(): Promise<void> {
    let set: CompiledPolicySet;
    try {
      set = compilePolicySet(await activePolicies(this.#store.sql), this.#schema, this.#actionList);
      this.#setLoadFailed = false;
    } catch (e) {
      set = { ok: false, issues: [{ policyId: '(store)', message: `the policy set could not be read: ${(e as Error).message}` }] };
      this.#setLoadFailed = true;
    }
    if (set.ok) {
      const pre = cedar().preparsePolicySet(this.#setName, { staticPolicies: set.texts });
      if (pre.type !== 'success') set = { ok: false, issues: [{ policyId: '(policy set)', message: pre.errors.map(engineMessage).join('; ') }] };
    }
    this.#set = set;
    // Decisions cached under the old set must go even if the epoch row had not moved yet.
    this.#cache.clear();
  }

  async #decide(request: PolicyRequest): Promise<PolicyDecision> {
    if (this.#mode === 'every-decision' || !this.#feedLive || this.#setLoadFailed) await this.refresh();
    else if (request.sessionEpoch !== undefined && request.sessionEpoch > this.#epoch) await this.refresh();
    else await this.#tail;
    const epoch = this.#epoch;
    const stale = request.sessionEpoch !== undefined && request.sessionEpoch !== epoch;
    const base = { epoch, ...(stale ? { staleSession: true } : {}) };

    const spec = this.#actions.get(request.action);
    if (!spec) {
      return { ...base, allow: false, policyIds: [SYSTEM_POLICY.schema], reason: `unknown action ${JSON.stringify(request.action)}: not in the action table` };
    }
    const at = request.at ?? this.#now().toISOString();
    const labels = request.resource.labels ?? {};
    const toRegion = request.context?.destinationRegion ?? request.actor.region;
    const moves = spec.groups.some((g) => DATA_MOVES.has(g));
    let residency: ResidencyFacts | undefined;
    let tenant = labels.tenant ?? '*';
    let region = labels.region ?? '*';
    let pinned = false;
    if (moves) {
      const placed = this.#residency
        ? await this.#residency.resolve({ action: spec.name, groups: spec.groups, resource: request.resource, toRegion, at })
        : { tenant, fromRegion: region, pinned: false, exceptionId: null };
      tenant = placed.tenant;
      region = placed.fromRegion;
      pinned = placed.pinned;
      residency = {
        tenant,
        fromRegion: region,
        toRegion,
        pinned,
        crossing: region !== '*' && region !== toRegion,
        exceptionId: placed.exceptionId,
      };
    }
    const resource: ResourceAttrs = {
      type: request.resource.type,
      id: request.resource.id,
      tenant,
      region,
      sensitivity: labels.sensitivity ?? '*',
      purpose: labels.purpose ?? '*',
      pinned,
      subjectId: request.resource.subjectId ?? null,
    };
    const ctx: RequestAttrs = {
      purpose: request.context?.purpose ?? resource.purpose,
      destinationRegion: toRegion,
      residencyException: residency?.exceptionId ?? '',
    };
    const key = decisionKey([
      request.actor.id,
      spec.name,
      resource.type,
      resource.id,
      resource.tenant,
      resource.region,
      resource.sensitivity,
      resource.purpose,
      String(resource.pinned),
      resource.subjectId ?? '',
      ctx.purpose,
      ctx.destinationRegion,
      ctx.residencyException,
    ]);
    if (!stale) {
      const hit = this.#cache.get(key, epoch);
      if (hit) return { ...hit, cached: true };
    }
    const verdict = await this.#evaluate(request.actor, spec.name, resource, ctx);
    const decision: PolicyDecision = { ...base, ...verdict, ...(residency ? { residency } : {}) };
    if (!stale) this.#cache.set(key, epoch, { ...decision, cached: false });
    return decision;
  }

  async #evaluate(caller: Actor, action: string, resource: ResourceAttrs, ctx: RequestAttrs): Promise<Verdict> {
    const set = this.#set;
    if (!set.ok) {
      return {
        allow: false,
        policyIds: [SYSTEM_POLICY.brokenSet, ...set.issues.map((i) => i.policyId)],
        reason: `the policy set cannot be evaluated, every request is denied (fail closed): ${set.issues.map((i) => `${i.policyId}: ${i.message}`).join('; ')}`,
      };
    }
    // The store's actor, not the caller's copy: roles and tenant are what the store says now.
    const actor = await this.#store.getActor(caller.id);
    if (!actor) return { allow: false, policyIds: [SYSTEM_POLICY.unknownPrincipal], reason: `actor ${JSON.stringify(caller.id)} does not exist` };
    let granted: string[] | null = null;
    if (resource.subjectId !== null) {
      granted = (await this.#store.listConsents(resource.subjectId)).filter((c) => c.status === 'granted').map((c) => c.purpose);
    }
    const answer = cedar().statefulIsAuthorized({
      principal: { type: T.actor, id: actor.id },
      action: { type: T.action, id: action },
      resource: resourceUid(resource),
      context: { purpose: ctx.purpose, destinationRegion: ctx.destinationRegion, residencyException: ctx.residencyException },
      entities: buildEntities(actor, resource, granted),
      preparsedPolicySetId: this.#setName,
      preparsedSchemaName: this.#schemaName,
      validateRequest: true,
    });
    return interpretAnswer(answer, set.meta, action, templateValues(action, actor, resource, ctx));
  }
}
