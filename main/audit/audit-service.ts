import type { CallContext } from '../../shared/api/contract.ts';
import type { AuditPage } from '../../shared/api/audit.ts';
import type { AuditChainReport } from '../../shared/domain/audit.ts';
import type { Store } from '../store/store.ts';
import type { Pep } from '../policy/pep.ts';
import type { SessionService } from '../session/session-service.ts';

export class AuditService {
  readonly #store: Store;
  readonly #pep: Pep;
  readonly #session: SessionService;

  constructor(deps: { store: Store; pep: Pep; session: SessionService }) {
    this.#store = deps.store;
    this.#pep = deps.pep;
    this.#session = deps.session;
  }

  async list(query: { afterSeq: number; limit: number }, ctx: CallContext): Promise<AuditPage> {
    await this.#pep.guard(await this.#session.actor(ctx), 'audit.read', { type: 'audit-trail', id: 'audit_events' });
    const events = await this.#store.listAuditEvents({ afterSeq: query.afterSeq, limit: query.limit + 1 });
    const page = events.slice(0, query.limit);
    return { events: page, nextAfterSeq: events.length > query.limit ? page[page.length - 1]!.seq : null };
  }

  async verifyChain(_input: object, ctx: CallContext): Promise<AuditChainReport> {
    await this.#pep.guard(await this.#session.actor(ctx), 'audit.read', { type: 'audit-trail', id: 'audit_events' });
    return this.#store.verifyAuditChain();
  }
}
