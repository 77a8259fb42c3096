import type { CallContext } from '../../../shared/api/contract.ts';
import { WorkbenchError } from '../../../shared/api/errors.ts';
import { FixturePdp } from '../../../fixtures/appeals/fixture-policy.ts';
import { EventBus } from '../../events/event-bus.ts';
import type { Pdp, PolicyResource } from '../../policy/pdp.ts';
import { Pep } from '../../policy/pep.ts';
import { SessionService } from '../../session/session-service.ts';
import { seedDemoData } from '../../store/demo-seed.ts';
import { MIGRATIONS } from '../../store/migrations/index.ts';
import type { Migration } from '../../store/migrations/migration.ts';
import { openStore } from '../../store/open-store.ts';
import type { Store, StoreKind } from '../../store/store.ts';
import { createStoreLocation, type TestStoreLocation } from '../../store/testing/store-targets.ts';
import { APPEALS_MIGRATION_NAME, APPEALS_POSTGRES, APPEALS_SQLITE } from '../appeals-schema.ts';
import type { AppealsBusEvent } from '../appeals-events.ts';
import { AppealsService } from '../appeals-service.ts';
import { loadOrCreateWorkbenchKey, type WorkbenchKey } from '../workbench-key.ts';

/**
 * The registry with the appeals migration: as registered in `main/store/migrations/` once
 * the lead has added it, appended as the next version until then.
 */
export function appealsMigrations(base: readonly Migration[] = MIGRATIONS): readonly Migration[] {
  if (base.some((m) => m.name === APPEALS_MIGRATION_NAME)) return base;
  return [...base, { version: base.length + 1, name: APPEALS_MIGRATION_NAME, sqlite: APPEALS_SQLITE, postgres: APPEALS_POSTGRES }];
}

/** A settable clock: time only moves when a test moves it. */
export class TestClock {
  #t: number;
  constructor(iso: string) {
    this.#t = Date.parse(iso);
  }
  now = (): Date => new Date(this.#t);
  set(iso: string): void {
    this.#t = Date.parse(iso);
  }
  advance(ms: number): void {
    this.#t += ms;
  }
}

export interface AppealsHarness {
  readonly kind: StoreKind;
  store: Store;
  service: AppealsService;
  pep: Pep;
  readonly pdp: Pdp;
  readonly clock: TestClock;
  readonly key: WorkbenchKey;
  readonly location: TestStoreLocation;
  readonly emitted: AppealsBusEvent[];
  ctx(actorId: string): CallContext;
  /** Makes the real PEP deny `actorId` and returns the DENIED error it threw. */
  denial(actorId: string, action: string, resource: PolicyResource, context?: { purpose?: string }): Promise<WorkbenchError>;
  /** The same, returning the denial's audit event id. */
  deny(actorId: string, action: string, resource: PolicyResource, context?: { purpose?: string }): Promise<string>;
  /** Closes the store and opens it again with a fresh service (a restart). */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/** A store with the demo data, the real PEP over the fixture policy, a fixed clock and a fresh workbench key. */
export async function startAppealsHarness(opts: { kind?: StoreKind; pdp?: Pdp; at?: string; seed?: boolean } = {}): Promise<AppealsHarness> {
  const kind = opts.kind ?? 'sqlite';
  const location = await createStoreLocation(kind);
  const clock = new TestClock(opts.at ?? '2026-11-28T09:00:00.000Z');
  const pdp = opts.pdp ?? new FixturePdp();
  const emitted: AppealsBusEvent[] = [];
  const key = loadOrCreateWorkbenchKey(location.dataDir);
  const open = async () => {
    const store = await openStore({
      dataDir: location.dataDir,
      ...(location.databaseUrl ? { databaseUrl: location.databaseUrl } : {}),
      migrations: appealsMigrations(),
      now: clock.now,
    });
    const bus = new EventBus();
    const pep = new Pep({ pdp, store, bus, now: clock.now });
    const session = new SessionService({ store, pdp });
    const service = new AppealsService({ store, pep, pdp, session, emit: (e) => emitted.push(e), now: clock.now, key });
    return { store, pep, service };
  };
  let parts;
  try {
    parts = await open();
    if (opts.seed ?? true) await seedDemoData(parts.store);
  } catch (e) {
    await parts?.store.close();
    await location.cleanup();
    throw e;
  }
  const h: AppealsHarness = {
    kind,
    ...parts,
    pdp,
    clock,
    key,
    location,
    emitted,
    ctx: (actorId) => ({ transport: 'in-process', session: { actorId } }),
    async denial(actorId, action, resource, context) {
      const actor = await h.store.getActor(actorId);
      if (!actor) throw new Error(`no actor ${actorId}`);
      try {
        await h.pep.guard(actor, action, resource, context ? { context } : {});
      } catch (e) {
        if (e instanceof WorkbenchError && e.code === 'DENIED') return e;
        throw e;
      }
      throw new Error(`${actorId} was allowed ${action} on ${resource.type}/${resource.id}`);
    },
    async deny(actorId, action, resource, context) {
      return String((await h.denial(actorId, action, resource, context)).details?.decisionId);
    },
    async restart() {
      await h.store.close();
      Object.assign(h, await open());
    },
    async close() {
      try {
        await h.store.close();
      } finally {
        await location.cleanup();
      }
    },
  };
  return h;
}
