import type { ClientExtras } from '../../../shared/api/client.ts';
import type { ClientOf } from '../../../shared/api/contract.ts';
import type { policy } from '../../../shared/api/policy.ts';

/**
 * The part of `window.workbench` the admin view uses: the `policy` namespace and events.
 * Typed from the contract itself, so it holds whether or not the namespace is already in
 * the combined `WorkbenchClient` type.
 */
export type PolicyClient = ClientOf<{ policy: typeof policy }> & Pick<ClientExtras, '$events'>;

export function windowPolicyClient(): PolicyClient {
  return window.workbench as unknown as PolicyClient;
}
