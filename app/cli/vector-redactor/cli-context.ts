import type { CallContext, ClientOf } from '../../../shared/api/contract.ts';
import { createDispatcher } from '../../../shared/api/contract.ts';
import { redaction } from '../../../shared/api/redaction.ts';
import { resolveConfig } from '../../../main/config.ts';
import { EventBus } from '../../../main/events/event-bus.ts';
import { Pep } from '../../../main/policy/pep.ts';
import { FOUNDATION_RULES, RolePdp } from '../../../main/policy/role-pdp.ts';
import { openRedaction } from '../../../main/redaction/open-redaction.ts';
import { REDACTION_ROLE_RULES } from '../../../main/redaction/redaction-actions.ts';
import type { RedactionBusEvent } from '../../../main/redaction/redaction-events.ts';
import { redactionMigrations } from '../../../main/redaction/redaction-schema.ts';
import { RedactionService } from '../../../main/redaction/redaction-service.ts';
import { SessionService } from '../../../main/session/session-service.ts';
import { seedDemoData } from '../../../main/store/demo-seed.ts';
import { MIGRATIONS } from '../../../main/store/migrations/index.ts';
import { openStore } from '../../../main/store/open-store.ts';
import type { Store } from '../../../main/store/store.ts';
import { UsageError } from '../cli-kit.ts';

/** Flags every command that touches the store takes. */
export const STORE_FLAGS = {
  'data-dir': { type: 'string' },
  'database-url': { type: 'string' },
  actor: { type: 'string' },
  at: { type: 'string' },
  'log-format': { type: 'string' },
} as const;

export const STORE_USAGE = '[--data-dir DIR] [--database-url URL] [--actor ID] [--at T] [--log-format text|json]';

export interface StoreFlagValues {
  'data-dir'?: string;
  'database-url'?: string;
  actor?: string;
  at?: string;
  'log-format'?: string;
}

/** The redaction namespace as a typed client: every call validated against the contract. */
export type RedactionClient = ClientOf<{ redaction: typeof redaction }>['redaction'];

export interface CliContext {
  readonly dataDir: string;
  readonly client: RedactionClient;
  readonly store: Store;
  readonly service: RedactionService;
  readonly ctx: CallContext;
  readonly actorId: string;
  /** The run's reference time: `--at`, else now. */
  readonly at: string;
  readonly logFormat: 'text' | 'json';
  /** Listeners for the service's events (progress, job state, backlog alerts). */
  onEvent(listener: (e: RedactionBusEvent) => void): void;
  close(): Promise<void>;
}

/** `--at` is an ISO-8601 UTC time with milliseconds or seconds (…Z); it also fixes the run's clock. */
export function parseAtFlag(text: string): string {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d{3})?Z$/.exec(text);
  const d = m ? new Date(text) : undefined;
  if (!m || !d || Number.isNaN(d.getTime())) throw new UsageError(`--at ${JSON.stringify(text)}: expected an ISO-8601 UTC time such as 2026-11-28T12:00:00Z`);
  return d.toISOString();
}

/**
 * The CLI's composition: the store the configuration names (data folder, settings.json,
 * WORKBENCH_* environment, or the flags), the PEP over the role table including the
 * redaction actions, and the redaction service, acting as `--actor` (default: the first
 * data steward of the store). With `--at`, the whole run sees that time.
 */
export async function openCliContext(flags: StoreFlagValues, env: NodeJS.ProcessEnv = process.env): Promise<CliContext> {
  const logFormat = flags['log-format'] ?? 'text';
  if (logFormat !== 'text' && logFormat !== 'json') throw new UsageError('--log-format is text or json');
  const at = flags.at ? parseAtFlag(flags.at) : undefined;
  const now = at ? () => new Date(at) : () => new Date();
  const config = resolveConfig(env, {
    ...(flags['data-dir'] ? { dataDir: flags['data-dir'] } : {}),
    ...(flags['database-url'] ? { databaseUrl: flags['database-url'] } : {}),
    now,
  });
  const store = await openStore({
    dataDir: config.dataDir,
    ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}),
    migrations: redactionMigrations(MIGRATIONS),
  });
  try {
    if (config.seedDemoData && (await store.isEmpty())) {
      await seedDemoData(store);
      await store.setSetting('demo.seeded', true);
    }
    const pdp = new RolePdp({ ...FOUNDATION_RULES, ...REDACTION_ROLE_RULES });
    const bus = new EventBus();
    const pep = new Pep({ pdp, store, bus, now });
    const sessions = new SessionService({ store, pdp });
    const listeners: Array<(e: RedactionBusEvent) => void> = [];
    const service = new RedactionService({
      store,
      pep,
      session: sessions,
      now,
      emit: (e) => listeners.forEach((l) => l(e)),
      open: () => openRedaction(store, config.dataDir),
    });
    const actorId = flags.actor ?? (env.WORKBENCH_ACTOR || undefined) ?? (await store.listActors()).find((a) => a.roles.includes('data_steward'))?.id;
    if (!actorId) throw new UsageError('no --actor given and the store has no data steward');
    const session = { actorId };
    const dispatch = createDispatcher({ redaction }, { redaction: service });
    const client = Object.fromEntries(
      Object.keys(redaction).map((name) => [name, (input: unknown) => dispatch(`redaction.${name}`, { input, session }, { transport: 'in-process' })]),
    ) as RedactionClient;
    return {
      dataDir: config.dataDir,
      client,
      store,
      service,
      ctx: { transport: 'in-process', session },
      actorId,
      at: at ?? now().toISOString(),
      logFormat,
      onEvent: (l) => listeners.push(l),
      close: async () => {
        await service.close();
        await store.close();
      },
    };
  } catch (e) {
    await store.close();
    throw e;
  }
}
