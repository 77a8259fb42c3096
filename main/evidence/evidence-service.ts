import { WorkbenchError } from '../../shared/api/errors.ts';
import type { CallContext } from '../../shared/api/contract.ts';
import type { EvidencePage } from '../../shared/api/evidence.ts';
import type { EvidenceItem, EvidenceQuery } from '../../shared/domain/evidence.ts';
import type { Store } from '../store/store.ts';
import type { Pep } from '../policy/pep.ts';
import type { SessionService } from '../session/session-service.ts';
import { inReadScope, type ReadScope, type ResidencyGuard } from '../residency/residency-guard.ts';

/** Rows fetched per round while filling a residency-filtered page (the store's own maximum). */
const SCAN_BATCH = 1000;

export class EvidenceService {
  readonly #store: Store;
  readonly #pep: Pep;
  readonly #session: SessionService;
  readonly #residency: ResidencyGuard;

  constructor(deps: { store: Store; pep: Pep; session: SessionService; residency: ResidencyGuard }) {
    this.#store = deps.store;
    this.#pep = deps.pep;
    this.#session = deps.session;
    this.#residency = deps.residency;
  }

  async list(query: Required<Pick<EvidenceQuery, 'limit'>> & EvidenceQuery, ctx: CallContext): Promise<EvidencePage> {
    const actor = await this.#session.actor(ctx);
    const tenant = query.tenant ?? '*';
    await this.#pep.guard(actor, 'evidence.read', {
      type: 'evidence',
      id: `tenant:${tenant}`,
      labels: { tenant, ...(query.region ? { region: query.region } : {}) },
    });
    if (query.region !== undefined) {
      // One region was named and the PEP (with its residency check) allowed reading it.
      const items = await this.#store.listEvidence({ ...query, limit: query.limit + 1 });
      const page = items.slice(0, query.limit);
      return { items: page, nextAfterId: items.length > query.limit ? page[page.length - 1]!.id : null };
    }
    // Across regions: keep only rows the actor may read where it sits (its own region, or a
    // region an exception in force opens to it). Rows elsewhere are left out, not denied one by one.
    return this.#scopedPage(query, await this.#residency.readScope(actor, 'evidence.read'));
  }

  async #scopedPage(query: Required<Pick<EvidenceQuery, 'limit'>> & EvidenceQuery, scope: ReadScope): Promise<EvidencePage> {
    const kept: EvidenceItem[] = [];
    let afterId = query.afterId;
    for (;;) {
      const batch = await this.#store.listEvidence({ ...query, ...(afterId !== undefined ? { afterId } : {}), limit: SCAN_BATCH });
      for (const item of batch) {
        if (!inReadScope(scope, item.labels)) continue;
        kept.push(item);
        if (kept.length > query.limit) {
          const page = kept.slice(0, query.limit);
          return { items: page, nextAfterId: page[page.length - 1]!.id };
        }
      }
      if (batch.length < SCAN_BATCH) return { items: kept, nextAfterId: null };
      afterId = batch[batch.length - 1]!.id;
    }
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
