import { createWorkbenchClient, type WorkbenchClient } from '../shared/api/client.ts';
import type { SessionHeader } from '../shared/api/contract.ts';
import { dispatchToWire } from '../shared/api/wire.ts';
import type { Workbench } from './workbench.ts';

/** The contract in-process (CLIs, tests): the same dispatcher and validation as IPC and HTTP. */
export function createInProcessClient(workbench: Pick<Workbench, 'dispatch' | 'bus'>, session: SessionHeader = {}): WorkbenchClient {
  return createWorkbenchClient({
    transport: 'in-process',
    session,
    call: (method, envelope) => dispatchToWire(workbench.dispatch, method, envelope, { transport: 'in-process' }),
    subscribe: (listener) => workbench.bus.subscribe(listener),
  });
}
