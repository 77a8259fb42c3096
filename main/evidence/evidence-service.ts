import { WorkbenchError } from '../../shared/api/errors.ts';
import type { CallContext } from '../../shared/api/contract.ts';
import type { EvidencePage } from '../../shared/api/evidence.ts';
import type { EvidenceItem, EvidenceQuery } from '../../shared/domain/evidence.ts';
import type { Store } from '../store/store.ts';
import type { Pep } from '../policy/pep.ts';
import type { SessionService } from '../session/session-service.ts';

export class EvidenceService {
  readonly #store: Store;
  readonly #pep: Pep;
  readonly #session: SessionService;

  constructor(deps: { store: Store; pep: Pep; session: SessionService }) {
    this.#store = deps.store;
    this.#pep = deps.pep;
    this.#session = deps.session;
  }

  async list(query: Required<Pick<EvidenceQuery, 'limit'>> & EvidenceQuery, ctx: CallContext): Promise<EvidencePage> {
    const actor = await this.#session.actor(ctx);
    const tenant = query.tenant ?? '*';
    await this.#pep.guard(actor, 'evidence.read', {
      type: 'evidence',
      id: `tenant:${tenant}`,
      labels: { tenant, ...(query.region ? { region: query.region } : {}) },
    });
    const items = await this.#store.listEvidence({ ...query, limit: query.limit + 1 });
    const page = items.slice(0, query.limit);
    return { items: page, nextAfterId: items.length > query.limit ? page[page.length - 1]!.id : null };
  }

  async get(input: { id: string }, ctx: CallContext): Promise<EvidenceItem> {
    const actor = await this.#session.actor(ctx);
    const item = await this.#store.getEvidence(input.id);
    // Decide on the item's own labels; a missing item is decided as such so probing ids is audited too.
    await this.#pep.guard(actor, 'evidence.read', { type: 'evidence', id: input.id, ...(item ? { labels: item.labels } : {}) });
    if (!item) throw new WorkbenchError('NOT_FOUND', `no evidence item ${JSON.stringify(input.id)}`, { id: input.id });
    return item;
  }
}
