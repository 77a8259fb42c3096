import { join } from 'node:path';
import { existsSync } from 'node:fs';
import type { CallContext } from '../../shared/api/contract.ts';
import type { VerifyRequest } from '../../shared/api/verify.ts';
import type { VerifyReport } from '../../shared/domain/provenance.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { Pep } from '../policy/pep.ts';
import type { SessionService } from '../session/session-service.ts';
import { verifyPack } from './verify-service.ts';

/** The Verify view's service: a guarded pack verification with progress events. */
export class VerifyApi {
  readonly #pep: Pep;
  readonly #session: SessionService;
  readonly #bus: EventBus;
  readonly #trustCacheDir: string;
  readonly #now: () => Date;

  constructor(deps: { pep: Pep; session: SessionService; bus: EventBus; dataDir: string; now: () => Date }) {
    this.#pep = deps.pep;
    this.#session = deps.session;
    this.#bus = deps.bus;
    this.#trustCacheDir = join(deps.dataDir, 'trust-cache');
    this.#now = deps.now;
  }

  async run(input: VerifyRequest & { offline: boolean }, ctx: CallContext): Promise<VerifyReport> {
    const actor = await this.#session.actor(ctx);
    await this.#pep.guard(actor, 'packs.verify', { type: 'pack', id: input.path });
    const jobId = input.jobId ?? `verify-${Date.now()}`;
    this.#bus.emit('progress', { jobId, label: `verifying ${input.path}`, done: 0, total: null, finished: false });
    try {
      return await verifyPack(input.path, {
        at: input.at ? new Date(input.at) : this.#now(),
        ...(input.plugin ? { plugin: input.plugin } : {}),
        ...(existsSync(this.#trustCacheDir) ? { offlineCacheDir: this.#trustCacheDir } : {}),
        offline: input.offline,
        ...(input.logKey ? { tlog: true, logKey: input.logKey } : {}),
        pluginOptions: {
          ...(input.identity ? { identity: input.identity } : {}),
          ...(input.issuer ? { issuer: input.issuer } : {}),
          ...(input.publicKey ? { publicKey: input.publicKey } : {}),
        },
      });
    } finally {
      this.#bus.emit('progress', { jobId, label: `verified ${input.path}`, done: 1, total: 1, finished: true });
    }
  }
}
