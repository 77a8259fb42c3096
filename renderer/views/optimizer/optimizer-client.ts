import type { ClientOf } from '../../../shared/api/contract.ts';
import type { costguard } from '../../../shared/api/costguard.ts';

/** The part of `window.workbench` the optimizer view uses, typed from the contract. */
export type CostguardClient = ClientOf<{ costguard: typeof costguard }>;

export function windowCostguardClient(): CostguardClient {
  return window.workbench as unknown as CostguardClient;
}
