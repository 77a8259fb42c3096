import { createDispatcher, type Dispatch, type ImplOf } from '../../shared/api/contract.ts';
import type { WorkbenchEvent } from '../../shared/api/events.ts';
import { audit } from '../../shared/api/audit.ts';
import { evidence } from '../../shared/api/evidence.ts';
import { policy } from '../../shared/api/policy.ts';
import { residency } from '../../shared/api/residency.ts';
import { session as sessionNs } from '../../shared/api/system.ts';
import { AuditService } from '../audit/audit-service.ts';
import { EventBus } from '../events/event-bus.ts';
import { EvidenceService } from '../evidence/evidence-service.ts';
import { SessionService } from '../session/session-service.ts';
import { seedDemoData } from '../store/demo-seed.ts';
import { openStore } from '../store/open-store.ts';
import type { Store } from '../store/store.ts';
import { createPolicyServices, type PolicyServices, type PolicyServicesOptions } from './create-policy.ts';
import { withSessionScope } from './session-scope.ts';

/** The slice of the contract this capability serves and guards, for tests, benchmarks and the propagation drill. */
export const conauthApi = { session: sessionNs, evidence, audit, policy, residency } as const;

export interface PolicyWorkbench {
  store: Store;
  bus: EventBus;
  services: PolicyServices;
  dispatch: Dispatch;
  /** Every event the bus carried, in order. */
  events: WorkbenchEvent[];
  /** `dispatch` as a given actor (with an optional session epoch). */
  call(method: string, input: unknown, actorId: string, epoch?: number): Promise<unknown>;
  close(): Promise<void>;
}

/**
 * A workbench of this capability's services over one store, wired the way the composition
 * root wires them (`createPolicyServices`, `withSessionScope`, `createDispatcher`): the
 * tests and the propagation benchmark run the real dispatch path through it.
 */
export async function openPolicyWorkbench(opts: {
  dataDir: string;
  databaseUrl?: string | undefined;
  now: () => Date;
  seed?: boolean;
  epochMode?: PolicyServicesOptions['epochMode'];
}): Promise<PolicyWorkbench> {
  const store = await openStore({ dataDir: opts.dataDir, ...(opts.databaseUrl ? { databaseUrl: opts.databaseUrl } : {}), now: opts.now });
  try {
    if (opts.seed ?? true) await seedDemoData(store);
    const bus = new EventBus();
    const events: WorkbenchEvent[] = [];
    bus.subscribe((e) => events.push(e));
    const services = await createPolicyServices({
      store,
      bus,
      now: opts.now,
      ...(opts.databaseUrl ? { databaseUrl: opts.databaseUrl } : {}),
      ...(opts.epochMode ? { epochMode: opts.epochMode } : {}),
    });
    const session = new SessionService({ store, pdp: services.pdp });
    const evidenceService = new EvidenceService({ store, pep: services.pep, session, residency: services.residencyGuard });
    const auditService = new AuditService({ store, pep: services.pep, session });
    const own = services.impl(session);
    const impl: ImplOf<typeof conauthApi> = withSessionScope({
      session: { actors: () => session.actors(), whoami: (_i, ctx) => session.whoami(ctx) },
      evidence: { list: (i, ctx) => evidenceService.list(i, ctx), get: (i, ctx) => evidenceService.get(i, ctx) },
      audit: { list: (i, ctx) => auditService.list(i, ctx), verifyChain: (i, ctx) => auditService.verifyChain(i, ctx) },
      policy: own.policy,
      residency: own.residency,
    });
    const dispatch = createDispatcher(conauthApi, impl);
    return {
      store,
      bus,
      services,
      dispatch,
      events,
      call: (method, input, actorId, epoch) =>
        dispatch(method, { input, session: { actorId, ...(epoch !== undefined ? { epoch } : {}) } }, { transport: 'in-process' }),
      async close() {
        await services.close();
        await store.close();
      },
    };
  } catch (e) {
    await store.close();
    throw e;
  }
}
