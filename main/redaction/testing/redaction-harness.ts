import type { CallContext } from '../../../shared/api/contract.ts';
import { DEFAULT_FIXTURE, generateQueryLog, generateVectors, type FixtureSpec } from '../../../fixtures/vector/generate-vectors.ts';
import { EventBus } from '../../events/event-bus.ts';
import { Pep } from '../../policy/pep.ts';
import { FOUNDATION_RULES, RolePdp } from '../../policy/role-pdp.ts';
import { SessionService } from '../../session/session-service.ts';
import { seedDemoData } from '../../store/demo-seed.ts';
import { MIGRATIONS } from '../../store/migrations/index.ts';
import { openStore } from '../../store/open-store.ts';
import type { Store, StoreKind } from '../../store/store.ts';
import { createStoreLocation, type TestStoreLocation } from '../../store/testing/store-targets.ts';
import { openRedaction, type Redaction } from '../open-redaction.ts';
import { REDACTION_ROLE_RULES } from '../redaction-actions.ts';
import type { RedactionBusEvent } from '../redaction-events.ts';
import { redactionMigrations } from '../redaction-schema.ts';
import { RedactionService } from '../redaction-service.ts';
import type { SqliteVectorOptions } from '../sqlite-vector-backend.ts';

export const AT = '2026-11-28T12:00:00.000Z';

/** A small fixture: 4 shards, 50 cases, two purposes, created through 2025. */
export function smallFixture(patch: Partial<FixtureSpec> = {}): FixtureSpec {
  return { ...DEFAULT_FIXTURE, vectors: 4000, shards: 4, queries: 100, ...patch };
}

export interface RedactionHarness {
  readonly kind: StoreKind;
  readonly location: TestStoreLocation;
  readonly spec: FixtureSpec;
  store: Store;
  redaction: Redaction;
  service: RedactionService;
  readonly events: RedactionBusEvent[];
  ctx(actorId: string): CallContext;
  close(): Promise<void>;
}

/**
 * A fresh store of either kind with the demo actors and a generated vector store, the real
 * PEP over the role table with the redaction actions, and the service over them.
 */
export async function startRedactionHarness(
  opts: { kind?: StoreKind; spec?: FixtureSpec; sqlite?: SqliteVectorOptions; backlogThreshold?: number; now?: () => Date } = {},
): Promise<RedactionHarness> {
  const kind = opts.kind ?? 'sqlite';
  const spec = opts.spec ?? smallFixture();
  const location = await createStoreLocation(kind);
  const now = opts.now ?? (() => new Date(AT));
  let store: Store | undefined;
  try {
    store = await openStore({
      dataDir: location.dataDir,
      ...(location.databaseUrl ? { databaseUrl: location.databaseUrl } : {}),
      migrations: redactionMigrations(MIGRATIONS),
      now,
    });
    await seedDemoData(store);
    const redaction = await openRedaction(store, location.dataDir, { create: { shards: spec.shards, dimension: spec.dimension }, sqlite: opts.sqlite ?? { workers: 0 } });
    await generateVectors(redaction.backend, spec);
    await generateQueryLog(redaction.queryLog, spec);
    const pdp = new RolePdp({ ...FOUNDATION_RULES, ...REDACTION_ROLE_RULES });
    const pep = new Pep({ pdp, store, bus: new EventBus(), now });
    const session = new SessionService({ store, pdp });
    const events: RedactionBusEvent[] = [];
    const service = new RedactionService({
      store,
      pep,
      session,
      now,
      emit: (e) => events.push(e),
      open: async () => redaction,
      ...(opts.backlogThreshold !== undefined ? { backlogThreshold: opts.backlogThreshold } : {}),
    });
    const s = store;
    return {
      kind,
      location,
      spec,
      store: s,
      redaction,
      service,
      events,
      ctx: (actorId) => ({ transport: 'in-process', session: { actorId } }),
      async close() {
        await service.close();
        await s.close();
        await location.cleanup();
      },
    };
  } catch (e) {
    await store?.close();
    await location.cleanup();
    throw e;
  }
}
