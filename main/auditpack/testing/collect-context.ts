import type { Store } from '../../store/store.ts';
import type { CollectContext } from '../pack-file.ts';

/**
 * The context a collector runs in, as the tests give it: organisation acme, this project as
 * the root (its lock file feeds the SBOM), provenance packs under `<dataDir>/packs`, the
 * reference time at the period's end unless named.
 */
export function testCollectContext(store: Store, dataDir: string, period: { from: Date; to: Date; at?: Date }, extra: Partial<CollectContext> = {}): CollectContext {
  return {
    store,
    org: 'acme',
    from: period.from,
    to: period.to,
    at: period.at ?? period.to,
    dataDir,
    projectRoot: process.cwd(),
    workbenchVersion: '0.1.0',
    packsDir: `${dataDir}/packs`,
    ...extra,
  };
}
