import type { ImplOf } from '../../shared/api/contract.ts';
import type { appeals } from '../../shared/api/appeals.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { Pdp } from '../policy/pdp.ts';
import type { Store } from '../store/store.ts';
import { busEmitter } from './appeals-events.ts';
import { AppealsService, type AppealsDeps } from './appeals-service.ts';
import { loadOrCreateWorkbenchKey } from './workbench-key.ts';

export type AppealsImpl = ImplOf<{ appeals: typeof appeals }>['appeals'];

/** The contract's `appeals` namespace over the service: one line per method, nothing else. */
export function appealsImpl(service: AppealsService): AppealsImpl {
  return {
    denial: (input, ctx) => service.denial(input, ctx),
    open: (input, ctx) => service.open(input, ctx),
    queue: (input, ctx) => service.queue(input, ctx),
    get: (input, ctx) => service.get(input, ctx),
    triage: (input, ctx) => service.triage(input, ctx),
    requestInfo: (input, ctx) => service.requestInfo(input, ctx),
    provideInfo: (input, ctx) => service.provideInfo(input, ctx),
    comment: (input, ctx) => service.comment(input, ctx),
    decide: (input, ctx) => service.decide(input, ctx),
    artifact: (input, ctx) => service.artifact(input, ctx),
    verifyArtifacts: (input, ctx) => service.verifyArtifacts(input, ctx),
    dashboard: (input, ctx) => service.dashboard(input, ctx),
    slaPolicy: (input, ctx) => service.slaPolicy(input, ctx),
    setSlaPolicy: (input, ctx) => service.setSlaPolicy(input, ctx),
    exceptions: (input, ctx) => service.exceptions(input, ctx),
    revokeException: (input, ctx) => service.revokeException(input, ctx),
  };
}

/**
 * The appeals service as the composition root builds it: the workbench key from the data
 * folder (created on first use), events through the bus.
 */
export function createAppealsService(
  deps: Omit<AppealsDeps, 'emit' | 'key'> & { bus: Pick<EventBus, 'emit'>; dataDir: string },
): AppealsService {
  const { bus, dataDir, ...rest } = deps;
  return new AppealsService({ ...rest, emit: busEmitter(bus), key: loadOrCreateWorkbenchKey(dataDir) });
}

export type { AppealsService, Store, Pdp };
