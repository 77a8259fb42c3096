import type { CallContext } from '../../shared/api/contract.ts';
import { WorkbenchError } from '../../shared/api/errors.ts';
import type { PolicyOverview, PolicyVersion } from '../../shared/api/policy.ts';
import type { Actor, Consent } from '../../shared/domain/actors.ts';
import type { SessionService } from '../session/session-service.ts';
import type { Store } from '../store/store.ts';
import type { CedarPdp } from './cedar-pdp.ts';
import type { PolicyDecision, PolicyResource } from './pdp.ts';
import type { Pep } from './pep.ts';
import { appendPolicyVersion, latestVersions, policyHistory } from './policy-store.ts';

type Change<T> = { epoch: number; eventId: string } & T;

/**
 * `policy.*`: who may do what, changed while the workbench runs. Every change is decided
 * by the PEP, written with an audit event in one transaction, and adopted by this
 * workbench before the call returns (the store's trigger has moved the epoch; other
 * workbenches on the same PostgreSQL hear it by NOTIFY). The PDP then broadcasts
 * `policy.changed`.
 */
export class PolicyAdminService {
  readonly #store: Store;
  readonly #pep: Pep;
  readonly #pdp: CedarPdp;
  readonly #session: SessionService;
  readonly #now: () => Date;

  constructor(deps: { store: Store; pep: Pep; pdp: CedarPdp; session: SessionService; now: () => Date }) {
    this.#store = deps.store;
    this.#pep = deps.pep;
    this.#pdp = deps.pdp;
    this.#session = deps.session;
    this.#now = deps.now;
  }

  async overview(_input: object, ctx: CallContext): Promise<PolicyOverview> {
    await this.#pep.guard(await this.#session.actor(ctx), 'policy.read', { type: 'policy', id: '*' });
    await this.#pdp.refresh();
    const status = this.#pdp.status();
    const actors = await this.#store.listActors();
    const roles = new Set<string>();
    for (const a of this.#pdp.actions) for (const r of [...a.roles, ...a.ownTenantRoles]) roles.add(r);
    for (const a of actors) for (const r of a.roles) roles.add(r);
    return {
      epoch: status.epoch,
      policyRevision: status.policyRevision,
      policySet: status.policySet,
      issues: status.issues,
      actions: this.#pdp.actions.map((a) => ({ ...a, groups: [...a.groups], roles: [...a.roles], ownTenantRoles: [...a.ownTenantRoles] })),
      actors,
      consents: await this.#store.listConsents(),
      policies: await latestVersions(this.#store.sql),
      roles: [...roles].sort(),
    };
  }

  async history(input: { policyId: string }, ctx: CallContext): Promise<PolicyVersion[]> {
    await this.#pep.guard(await this.#session.actor(ctx), 'policy.read', { type: 'policy', id: input.policyId });
    return policyHistory(this.#store.sql, input.policyId);
  }

  async validate(input: { policyId: string; text: string }, ctx: CallContext): Promise<{ ok: boolean; errors: string[] }> {
    await this.#pep.guard(await this.#session.actor(ctx), 'policy.read', { type: 'policy', id: input.policyId });
    const r = this.#pdp.checkPolicy(input.policyId, input.text);
    return r.ok ? { ok: true, errors: [] } : { ok: false, errors: r.errors };
  }

  async save(input: { policyId: string; text: string; note: string }, ctx: CallContext): Promise<Change<{ version: PolicyVersion }>> {
    const actor = await this.#session.actor(ctx);
    const decision = await this.#pep.guard(actor, 'policy.write', { type: 'policy', id: input.policyId });
    const checked = this.#pdp.checkPolicy(input.policyId, input.text);
    if (!checked.ok) {
      throw new WorkbenchError('BAD_INPUT', `policy ${input.policyId} was not saved: ${checked.errors[0]}`, {
        policyId: input.policyId,
        engineErrors: checked.errors,
        issues: checked.errors.map((message) => ({ path: 'text', message })),
      });
    }
    return this.#writeVersion(actor, decision.decisionId, { policyId: input.policyId, status: 'active', body: input.text, note: input.note });
  }

  async retire(input: { policyId: string; note: string }, ctx: CallContext): Promise<Change<{ version: PolicyVersion }>> {
    const actor = await this.#session.actor(ctx);
    const decision = await this.#pep.guard(actor, 'policy.write', { type: 'policy', id: input.policyId });
    const history = await policyHistory(this.#store.sql, input.policyId);
    const latest = history.at(-1);
    if (!latest) throw new WorkbenchError('NOT_FOUND', `no policy ${JSON.stringify(input.policyId)}`, { policyId: input.policyId });
    if (latest.status === 'retired') throw new WorkbenchError('CONFLICT', `policy ${input.policyId} is already retired (v${latest.version})`, { policyId: input.policyId });
    return this.#writeVersion(actor, decision.decisionId, { policyId: input.policyId, status: 'retired', body: latest.body, note: input.note });
  }

  async #writeVersion(
    actor: Actor,
    decisionId: string,
    v: { policyId: string; status: 'active' | 'retired'; body: string; note: string },
  ): Promise<Change<{ version: PolicyVersion }>> {
    const at = this.#now().toISOString();
    const { version, event } = await this.#store.transaction(async (tx) => {
      const version = await appendPolicyVersion(tx.sql, { ...v, createdBy: actor.id, at });
      const event = await tx.appendAuditEvent({
        at,
        actorId: actor.id,
        action: v.status === 'active' ? 'policy.saved' : 'policy.retired',
        resourceType: 'policy',
        resourceId: v.policyId,
        decision: 'info',
        payload: { decisionId, version: version.version, sha256: version.sha256, note: v.note },
      });
      return { version, event };
    });
    const state = await this.#pdp.refresh();
    return { epoch: state.epoch, eventId: event.id, version };
  }

  async assignRole(input: { actorId: string; role: string }, ctx: CallContext): Promise<Change<{ actor: Actor }>> {
    return this.#roleChange(input, ctx, 'assign');
  }

  async removeRole(input: { actorId: string; role: string }, ctx: CallContext): Promise<Change<{ actor: Actor }>> {
    return this.#roleChange(input, ctx, 'remove');
  }

  async #roleChange(input: { actorId: string; role: string }, ctx: CallContext, op: 'assign' | 'remove'): Promise<Change<{ actor: Actor }>> {
    const actor = await this.#session.actor(ctx);
    const target = await this.#store.getActor(input.actorId);
    const decision = await this.#pep.guard(actor, 'roles.write', { type: 'actor', id: input.actorId, ...(target ? { labels: { tenant: target.tenant } } : {}) });
    if (!target) throw new WorkbenchError('NOT_FOUND', `no actor ${JSON.stringify(input.actorId)}`, { actorId: input.actorId });
    const at = this.#now().toISOString();
    const event = await this.#store.transaction(async (tx) => {
      if (op === 'assign') await tx.assignRole(input.actorId, input.role, at);
      else {
        if (input.role === 'admin') {
          const admins = (await tx.listActors()).filter((a) => a.roles.includes('admin'));
          if (admins.length === 1 && admins[0]!.id === input.actorId) {
            throw new WorkbenchError('CONFLICT', `${input.actorId} is the last actor with the admin role; assign it to someone else first`, { actorId: input.actorId });
          }
        }
        await tx.removeRole(input.actorId, input.role);
      }
      return tx.appendAuditEvent({
        at,
        actorId: actor.id,
        action: op === 'assign' ? 'roles.assigned' : 'roles.removed',
        resourceType: 'actor',
        resourceId: input.actorId,
        decision: 'info',
        payload: { decisionId: decision.decisionId, role: input.role },
      });
    });
    const state = await this.#pdp.refresh();
    return { epoch: state.epoch, eventId: event.id, actor: (await this.#store.getActor(input.actorId))! };
  }

  async setConsent(input: { subjectId: string; purpose: string; status: 'granted' | 'revoked' }, ctx: CallContext): Promise<Change<{ consent: Consent }>> {
    const actor = await this.#session.actor(ctx);
    // The resource is the consent record, not the subject's data: no subjectId, so the consent policy does not apply to managing it.
    const decision = await this.#pep.guard(actor, 'consent.write', { type: 'consent', id: `${input.subjectId}/${input.purpose}`, labels: { purpose: input.purpose } });
    const at = this.#now().toISOString();
    const { consent, event } = await this.#store.transaction(async (tx) => {
      const consent = await tx.setConsent({ subjectId: input.subjectId, purpose: input.purpose, status: input.status, updatedAt: at });
      const event = await tx.appendAuditEvent({
        at,
        actorId: actor.id,
        action: input.status === 'granted' ? 'consent.granted' : 'consent.revoked',
        resourceType: 'consent',
        resourceId: `${input.subjectId}/${input.purpose}`,
        decision: 'info',
        payload: { decisionId: decision.decisionId, subjectId: input.subjectId, purpose: input.purpose, status: input.status },
      });
      return { consent, event };
    });
    const state = await this.#pdp.refresh();
    return { epoch: state.epoch, eventId: event.id, consent };
  }

  async simulate(
    input: { actorId: string; action: string; resource: PolicyResource; context?: { purpose?: string | undefined; destinationRegion?: string | undefined } | undefined },
    ctx: CallContext,
  ): Promise<PolicyDecision> {
    await this.#pep.guard(await this.#session.actor(ctx), 'policy.read', { type: 'policy', id: '*' });
    const subject = await this.#store.getActor(input.actorId);
    if (!subject) throw new WorkbenchError('NOT_FOUND', `no actor ${JSON.stringify(input.actorId)}`, { actorId: input.actorId });
    const context = input.context ? Object.fromEntries(Object.entries(input.context).filter(([, v]) => v !== undefined)) : undefined;
    const d = await this.#pdp.decide({ actor: subject, action: input.action, resource: input.resource, at: this.#now().toISOString(), ...(context ? { context } : {}) });
    return { allow: d.allow, policyIds: d.policyIds, reason: d.reason, epoch: d.epoch, ...(d.residency ? { residency: d.residency } : {}) };
  }

  /** Not guarded: it only tells the caller about itself, and decides nothing that is acted on. */
  async permissions(_input: object, ctx: CallContext): Promise<{ epoch: number; actorId: string; actions: Array<{ action: string; allowed: boolean; policyIds: string[]; reason: string }> }> {
    const actor = await this.#session.actor(ctx);
    const at = this.#now().toISOString();
    const actions = [];
    for (const a of this.#pdp.actions) {
      const d = await this.#pdp.decide({
        actor,
        action: a.name,
        resource: { type: a.resourceKind, id: '*', labels: { tenant: actor.tenant, region: actor.region } },
        at,
      });
      actions.push({ action: a.name, allowed: d.allow, policyIds: d.policyIds, reason: d.reason });
    }
    return { epoch: this.#pdp.epoch(), actorId: actor.id, actions };
  }
}
