import { WorkbenchError } from '../../shared/api/errors.ts';
import type { TicketState } from '../../shared/domain/tickets.ts';

/**
 * The ticket lifecycle, explicitly: every allowed move and nothing else. A reviewer may
 * decide while waiting for information (the requester went silent), but not before triage;
 * a decided ticket is final (a new denial is a new appeal).
 */
export const TRANSITIONS: Readonly<Record<TicketState, readonly TicketState[]>> = {
  new: ['triage'],
  triage: ['pending_info', 'decided'],
  pending_info: ['triage', 'decided'],
  decided: [],
};

export function canTransition(from: TicketState, to: TicketState): boolean {
  return TRANSITIONS[from].includes(to);
}

/** CONFLICT naming both states and the moves that are allowed from `from`. */
export function assertTransition(ticketId: string, from: TicketState, to: TicketState): void {
  if (canTransition(from, to)) return;
  const allowed = TRANSITIONS[from];
  throw new WorkbenchError(
    'CONFLICT',
    `ticket ${ticketId}: cannot move from ${from} to ${to} (${allowed.length ? `allowed: ${allowed.join(', ')}` : `${from} is final`})`,
    { ticketId, from, to, allowed: [...allowed] },
  );
}
