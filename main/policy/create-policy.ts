import type { ImplOf } from '../../shared/api/contract.ts';
import type { policy } from '../../shared/api/policy.ts';
import type { residency } from '../../shared/api/residency.ts';
import type { EventBus } from '../events/event-bus.ts';
import { ResidencyGuard } from '../residency/residency-guard.ts';
import { residencyRecorder } from '../residency/residency-recorder.ts';
import { StoreResidencyResolver } from '../residency/residency-resolver.ts';
import { ResidencyService } from '../residency/residency-service.ts';
import type { SessionService } from '../session/session-service.ts';
import type { Store } from '../store/store.ts';
import type { ActionSpec } from './actions.ts';
import { CedarPdp, type EpochMode } from './cedar-pdp.ts';
import type { Pdp } from './pdp.ts';
import { Pep } from './pep.ts';
import { PgEpochFeed } from './pg-epoch-feed.ts';
import { PolicyAdminService } from './policy-admin-service.ts';

export interface PolicyServices {
  /** The Cedar PDP itself (the admin service validates and simulates with it). */
  pdp: CedarPdp;
  /** What the PEP asks: the Cedar PDP, or the wrapper `wrapPdp` made of it. */
  decisionPdp: Pdp;
  pep: Pep;
  residencyGuard: ResidencyGuard;
  /** The PostgreSQL epoch feed (absent on SQLite, where every decision reads the epoch row). */
  feed: PgEpochFeed | undefined;
  /** The `policy` and `residency` namespaces, once the session service exists. */
  impl(session: SessionService): { policy: ImplOf<{ policy: typeof policy }>['policy']; residency: ImplOf<{ residency: typeof residency }>['residency'] };
  close(): Promise<void>;
}

export interface PolicyServicesOptions {
  store: Store;
  bus: EventBus;
  now: () => Date;
  /** The PostgreSQL URL the store was opened with: the epoch feed LISTENs on its own connection to it. */
  databaseUrl?: string;
  extraActions?: readonly ActionSpec[];
  /** Override how the PDP follows the epoch (default: every-decision on SQLite, notify on PostgreSQL). */
  epochMode?: EpochMode;
  /** Told when the epoch feed loses or cannot regain its connection. */
  onFeedTrouble?: (message: string) => void;
  /**
   * Wraps the PDP the PEP asks (e.g. appeals' ExceptionAwarePdp, which lets an appeal
   * exception turn a deny into an allow). The wrapper must fail closed.
   */
  wrapPdp?: (pdp: CedarPdp) => Pdp;
}

/**
 * Continuous authorization for one workbench: the Cedar PDP over the store, the PEP that
 * records every decision (and residency crossings with it), the residency guard other
 * capabilities call, and — on PostgreSQL — the LISTEN feed that makes a change made by any
 * workbench on the database take effect here on the next sensitive action. Every epoch this
 * workbench adopts is broadcast as `policy.changed`.
 */
export async function createPolicyServices(opts: PolicyServicesOptions): Promise<PolicyServices> {
  const { store, bus, now } = opts;
  const postgres = store.location.kind === 'postgres';
  const resolver = new StoreResidencyResolver(store.sql);
  const epochMode = opts.epochMode ?? (postgres ? 'notify' : 'every-decision');
  const pdp = await CedarPdp.open({ store, now, epochMode, residency: resolver, ...(opts.extraActions ? { extraActions: opts.extraActions } : {}) });
  pdp.onEpochChange((c) => bus.emit('policy.changed', { epoch: c.epoch, reason: c.reason }));
  let feed: PgEpochFeed | undefined;
  if (postgres && epochMode === 'notify') {
    if (!opts.databaseUrl) throw new Error('createPolicyServices: a PostgreSQL store needs databaseUrl for the policy epoch feed');
    feed = await PgEpochFeed.start({ databaseUrl: opts.databaseUrl, follower: pdp, ...(opts.onFeedTrouble ? { onTrouble: opts.onFeedTrouble } : {}) });
  }
  const decisionPdp = opts.wrapPdp ? opts.wrapPdp(pdp) : pdp;
  const pep = new Pep({ pdp: decisionPdp, store, bus, now });
  pep.addRecorder(residencyRecorder);
  const residencyGuard = new ResidencyGuard({ pep, store, resolver, actions: pdp.actions, now });

  return {
    pdp,
    decisionPdp,
    pep,
    residencyGuard,
    feed,
    impl(session) {
      const admin = new PolicyAdminService({ store, pep, pdp, session, now });
      const res = new ResidencyService({ store, pep, session, now, epoch: () => pdp.epoch(), actions: pdp.actions, changed: () => pdp.refresh() });
      return {
        policy: {
          overview: (input, ctx) => admin.overview(input, ctx),
          history: (input, ctx) => admin.history(input, ctx),
          validate: (input, ctx) => admin.validate(input, ctx),
          save: (input, ctx) => admin.save(input, ctx),
          retire: (input, ctx) => admin.retire(input, ctx),
          assignRole: (input, ctx) => admin.assignRole(input, ctx),
          removeRole: (input, ctx) => admin.removeRole(input, ctx),
          setConsent: (input, ctx) => admin.setConsent(input, ctx),
          simulate: (input, ctx) => admin.simulate(input, ctx),
          permissions: (input, ctx) => admin.permissions(input, ctx),
        },
        residency: {
          report: (input, ctx) => res.report(input, ctx),
          exportReport: (input, ctx) => res.exportReport(input, ctx),
          grantException: (input, ctx) => res.grantException(input, ctx),
          revokeException: (input, ctx) => res.revokeException(input, ctx),
          pinUnpinned: (input, ctx) => res.pinUnpinned(input, ctx),
        },
      };
    },
    async close() {
      await feed?.close();
    },
  };
}
