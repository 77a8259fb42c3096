import type { ClientOf } from '../../../shared/api/contract.ts';
import type { WorkbenchClient } from '../../../shared/api/client.ts';
import type { appeals } from '../../../shared/api/appeals.ts';

/**
 * What the appeals views use of `window.workbench`: the `appeals` namespace plus events.
 * Typed from the appeals contract itself, so the views compile whether or not the namespace
 * is in the shell's `api` yet; once it is, `window.workbench` is exactly this (no cast needed).
 */
export type AppealsClient = ClientOf<{ appeals: typeof appeals }> & Pick<WorkbenchClient, '$events'>;

/** Topics the appeals service pushes; the queue and the ticket view refresh on them. */
export const APPEALS_TOPICS: ReadonlySet<string> = new Set(['appeals.ticket.changed', 'appeals.sla.breached']);
