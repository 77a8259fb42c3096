import type { ClientExtras } from '../../../shared/api/client.ts';
import type { ClientOf } from '../../../shared/api/contract.ts';
import type { residency } from '../../../shared/api/residency.ts';

/** The part of `window.workbench` the residency view uses, typed from the contract. */
export type ResidencyClient = ClientOf<{ residency: typeof residency }> & Pick<ClientExtras, '$events'>;

export function windowResidencyClient(): ResidencyClient {
  return window.workbench as unknown as ResidencyClient;
}
