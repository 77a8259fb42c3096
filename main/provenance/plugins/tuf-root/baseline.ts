import type { Metadata, Root } from '@tufjs/models';
import type { RootChain } from './root-chain.ts';
import { TufVerifyError } from './reasons.ts';
import type { TrustedState } from './trusted-state.ts';

/**
 * The rollback baseline for this run. A final root older than the trusted root is a
 * rollback. When the timestamp or snapshot keys changed between the root the state was
 * recorded under and the final root, the old timestamp/snapshot (and the targets versions
 * they vouched for) are dropped, as spec 5.3.11 deletes them to recover from a
 * fast-forward attack; if that root is not in this run's chain the baseline is kept.
 */
export function effectiveBaseline(state: TrustedState, chain: RootChain, warnings: string[]): TrustedState {
  const final = chain.root.signed.version;
  if (state.rootVersion !== undefined && final < state.rootVersion) {
    throw new TufVerifyError('ROLLBACK', `root v${final} is older than trusted root v${state.rootVersion}`, 'root');
  }
  const recordedUnder = state.rootVersion !== undefined ? chain.byVersion.get(state.rootVersion) : undefined;
  if (recordedUnder && (rotated(recordedUnder, chain.root, 'timestamp') || rotated(recordedUnder, chain.root, 'snapshot'))) {
    warnings.push(`timestamp/snapshot keys rotated between root v${state.rootVersion} and v${final}: trusted timestamp, snapshot and targets versions not used (spec 5.3.11)`);
    return { rootVersion: state.rootVersion! };
  }
  return state;
}

function rotated(a: Metadata<Root>, b: Metadata<Root>, role: string): boolean {
  const ra = a.signed.roles[role];
  const rb = b.signed.roles[role];
  if (!ra || !rb) return true;
  const ids = (r: { keyIDs: string[] }) => [...r.keyIDs].sort().join(',');
  return ids(ra) !== ids(rb) || ra.threshold !== rb.threshold;
}
