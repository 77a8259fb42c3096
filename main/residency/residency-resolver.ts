import type { ResidencyException } from '../../shared/api/residency.ts';
import type { PolicyResource, ResidencyResolution, ResidencyResolver } from '../policy/pdp.ts';
import type { SqlClient } from '../store/sql-client.ts';
import { coveringException, listExceptions } from './exceptions.ts';
import { getPin, type ResidencyPin } from './pins.ts';

/**
 * Places a resource for the PDP: its pin when it has one (the pin wins over the row's
 * labels, which could be edited), else its labels; and finds the exception in force, if
 * any, that covers moving it to the destination region. Pins and exceptions are cached
 * until the policy epoch moves — pinning and granting or revoking an exception move it.
 */
export class StoreResidencyResolver implements ResidencyResolver {
  readonly #sql: SqlClient;
  #pins = new Map<string, ResidencyPin | null>();
  #exceptions: Promise<ResidencyException[]> | undefined;

  constructor(sql: SqlClient) {
    this.#sql = sql;
  }

  invalidate(): void {
    this.#pins = new Map();
    this.#exceptions = undefined;
  }

  /** Exceptions as of the current epoch (all of them; callers filter by time). */
  exceptions(): Promise<ResidencyException[]> {
    if (!this.#exceptions) {
      const loading = listExceptions(this.#sql);
      this.#exceptions = loading;
      // A failed read must not stick: the next call tries again.
      loading.catch(() => {
        if (this.#exceptions === loading) this.#exceptions = undefined;
      });
    }
    return this.#exceptions;
  }

  async #pin(resource: PolicyResource): Promise<ResidencyPin | null> {
    const key = `${resource.type}\u0000${resource.id}`;
    const known = this.#pins.get(key);
    if (known !== undefined) return known;
    const pins = this.#pins;
    const pin = (await getPin(this.#sql, resource.type, resource.id)) ?? null;
    // Only remember it if no invalidation happened meanwhile.
    if (pins === this.#pins) pins.set(key, pin);
    return pin;
  }

  async resolve(q: { action: string; groups: readonly string[]; resource: PolicyResource; toRegion: string; at: string }): Promise<ResidencyResolution> {
    const pin = await this.#pin(q.resource);
    const tenant = pin?.tenant ?? q.resource.labels?.tenant ?? '*';
    const fromRegion = pin?.region ?? q.resource.labels?.region ?? '*';
    let exceptionId: string | null = null;
    if (fromRegion !== '*' && fromRegion !== q.toRegion && tenant !== '*') {
      const hit = coveringException(await this.exceptions(), { tenant, fromRegion, toRegion: q.toRegion, action: q.action, groups: q.groups, at: q.at });
      exceptionId = hit?.id ?? null;
    }
    return { tenant, fromRegion, pinned: pin !== null, exceptionId };
  }
}
