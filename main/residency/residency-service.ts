import type { CallContext } from '../../shared/api/contract.ts';
import { WorkbenchError } from '../../shared/api/errors.ts';
import type { ReportExport, ResidencyException, ResidencyReport } from '../../shared/api/residency.ts';
import type { ActionSpec } from '../policy/actions.ts';
import { ACTION_GROUPS } from '../policy/actions.ts';
import type { Pep } from '../policy/pep.ts';
import type { SessionService } from '../session/session-service.ts';
import type { Store } from '../store/store.ts';
import { getException, insertException, markRevoked } from './exceptions.ts';
import { pinResource, unpinnedEvidence } from './pins.ts';
import { exportResidencyReport } from './report-export.ts';
import { buildResidencyReport } from './residency-report.ts';

/** The longest window an exception may have: long enough for an audit, short enough to be revisited. */
export const MAX_EXCEPTION_DAYS = 90;
const DAY_MS = 86_400_000;

/** `residency.*`: the report and its export, exceptions, and deliberate pinning of unpinned rows. */
export class ResidencyService {
  readonly #store: Store;
  readonly #pep: Pep;
  readonly #session: SessionService;
  readonly #now: () => Date;
  readonly #epoch: () => number;
  readonly #actions: readonly ActionSpec[];
  /** Called after a change commits, so this workbench adopts the new epoch before answering. */
  readonly #changed: () => Promise<unknown>;

  constructor(deps: {
    store: Store;
    pep: Pep;
    session: SessionService;
    now: () => Date;
    epoch: () => number;
    actions: readonly ActionSpec[];
    changed: () => Promise<unknown>;
  }) {
    this.#store = deps.store;
    this.#pep = deps.pep;
    this.#session = deps.session;
    this.#now = deps.now;
    this.#epoch = deps.epoch;
    this.#actions = deps.actions;
    this.#changed = deps.changed;
  }

  async report(input: { at?: string | undefined }, ctx: CallContext): Promise<ResidencyReport> {
    const actor = await this.#session.actor(ctx);
    await this.#pep.guard(actor, 'residency.read', { type: 'residency-report', id: 'residency' });
    return buildResidencyReport(this.#store.sql, input.at ?? this.#now().toISOString(), this.#epoch());
  }

  async exportReport(input: { format: 'json' | 'csv'; at?: string | undefined }, ctx: CallContext): Promise<ReportExport> {
    const actor = await this.#session.actor(ctx);
    await this.#pep.guard(actor, 'residency.export', { type: 'residency-report', id: 'residency' }, { context: { purpose: `export-${input.format}` } });
    const report = await buildResidencyReport(this.#store.sql, input.at ?? this.#now().toISOString(), this.#epoch());
    return exportResidencyReport(report, input.format);
  }

  async grantException(
    input: { tenant: string; fromRegion: string; toRegion: string; actions: string[]; validFrom: string; validUntil: string; justification: string },
    ctx: CallContext,
  ): Promise<ResidencyException> {
    const actor = await this.#session.actor(ctx);
    const known = new Set<string>([...this.#actions.map((a) => a.name), ...ACTION_GROUPS.filter((g) => g === 'data-read' || g === 'data-export')]);
    const bad = input.actions.filter((a) => !known.has(a));
    if (bad.length) {
      throw new WorkbenchError('BAD_INPUT', `actions: unknown ${bad.map((b) => JSON.stringify(b)).join(', ')} (name actions from the action table, or data-read / data-export)`, {
        issues: [{ path: 'actions', message: `unknown: ${bad.join(', ')}` }],
      });
    }
    if (input.fromRegion === input.toRegion) {
      throw new WorkbenchError('BAD_INPUT', 'toRegion: must differ from fromRegion (an exception is for a move between regions)', { issues: [{ path: 'toRegion', message: 'same as fromRegion' }] });
    }
    const span = Date.parse(input.validUntil) - Date.parse(input.validFrom);
    if (span <= 0) throw new WorkbenchError('BAD_INPUT', 'validUntil: must be after validFrom', { issues: [{ path: 'validUntil', message: 'not after validFrom' }] });
    if (span > MAX_EXCEPTION_DAYS * DAY_MS) {
      throw new WorkbenchError('BAD_INPUT', `validUntil: an exception may last at most ${MAX_EXCEPTION_DAYS} days`, { issues: [{ path: 'validUntil', message: `longer than ${MAX_EXCEPTION_DAYS} days` }] });
    }
    const at = this.#now().toISOString();
    if (input.validUntil <= at) throw new WorkbenchError('BAD_INPUT', `validUntil: ${input.validUntil} is already past`, { issues: [{ path: 'validUntil', message: 'in the past' }] });
    const decision = await this.#pep.guard(actor, 'residency.write', { type: 'residency', id: `${input.tenant}:${input.fromRegion}->${input.toRegion}`, labels: { tenant: input.tenant } });
    const created = await this.#store.transaction(async (tx) => {
      const e = await insertException(tx.sql, {
        tenant: input.tenant,
        fromRegion: input.fromRegion,
        toRegion: input.toRegion,
        actions: [...new Set(input.actions)].sort(),
        validFrom: input.validFrom,
        validUntil: input.validUntil,
        justification: input.justification,
        grantedBy: actor.id,
        grantedAt: at,
      });
      await tx.appendAuditEvent({
        at,
        actorId: actor.id,
        action: 'residency.exception.granted',
        resourceType: 'residency-exception',
        resourceId: e.id,
        decision: 'info',
        payload: { decisionId: decision.decisionId, exception: e },
      });
      return e;
    });
    await this.#changed();
    return created;
  }

  async revokeException(input: { id: string }, ctx: CallContext): Promise<ResidencyException> {
    const actor = await this.#session.actor(ctx);
    const existing = await getException(this.#store.sql, input.id);
    const decision = await this.#pep.guard(actor, 'residency.write', { type: 'residency-exception', id: input.id, ...(existing ? { labels: { tenant: existing.tenant } } : {}) });
    if (!existing) throw new WorkbenchError('NOT_FOUND', `no residency exception ${JSON.stringify(input.id)}`, { id: input.id });
    if (existing.revokedAt !== null) throw new WorkbenchError('CONFLICT', `${existing.id} was already revoked at ${existing.revokedAt} by ${existing.revokedBy}`, { id: existing.id });
    const at = this.#now().toISOString();
    await this.#store.transaction(async (tx) => {
      await markRevoked(tx.sql, existing.id, actor.id, at);
      await tx.appendAuditEvent({
        at,
        actorId: actor.id,
        action: 'residency.exception.revoked',
        resourceType: 'residency-exception',
        resourceId: existing.id,
        decision: 'info',
        payload: { decisionId: decision.decisionId },
      });
    });
    await this.#changed();
    return (await getException(this.#store.sql, existing.id))!;
  }

  /** Pins unpinned evidence to its labels' tenant and region — only when a person asks, never on the migration's own. */
  async pinUnpinned(input: { ids?: string[] | undefined }, ctx: CallContext): Promise<{ pinned: Array<{ resourceId: string; tenant: string; region: string }> }> {
    const actor = await this.#session.actor(ctx);
    const decision = await this.#pep.guard(actor, 'residency.write', { type: 'residency', id: 'pins' });
    const at = this.#now().toISOString();
    const pinned = await this.#store.transaction(async (tx) => {
      const candidates = await unpinnedEvidence(tx.sql);
      const wanted = input.ids ? new Set(input.ids) : undefined;
      if (wanted) {
        const unknown = [...wanted].filter((id) => !candidates.some((c) => c.resourceId === id));
        if (unknown.length) {
          throw new WorkbenchError('BAD_INPUT', `ids: not unpinned evidence: ${unknown.sort().join(', ')}`, { issues: [{ path: 'ids', message: `not unpinned evidence: ${unknown.join(', ')}` }] });
        }
      }
      const chosen = candidates.filter((c) => !wanted || wanted.has(c.resourceId));
      for (const c of chosen) {
        await pinResource(tx.sql, { resourceType: 'evidence', resourceId: c.resourceId, tenant: c.tenant, region: c.region, source: 'manual', pinnedBy: actor.id, pinnedAt: at });
      }
      if (chosen.length) {
        await tx.appendAuditEvent({
          at,
          actorId: actor.id,
          action: 'residency.pinned',
          resourceType: 'evidence',
          resourceId: chosen.length === 1 ? chosen[0]!.resourceId : `${chosen.length} rows`,
          decision: 'info',
          payload: { decisionId: decision.decisionId, pins: chosen.map((c) => ({ id: c.resourceId, tenant: c.tenant, region: c.region })) },
        });
      }
      return chosen.map((c) => ({ resourceId: c.resourceId, tenant: c.tenant, region: c.region }));
    });
    if (pinned.length) await this.#changed();
    return { pinned };
  }
}
