import { describe, expect, it } from 'vitest';
import { WorkbenchError } from '../../shared/api/errors.ts';
import { TICKET_STATES } from '../../shared/domain/tickets.ts';
import { assertTransition, canTransition } from './ticket-state-machine.ts';

describe('ticket state machine', () => {
  it('allows exactly these moves', () => {
    const allowed = TICKET_STATES.flatMap((from) => TICKET_STATES.filter((to) => canTransition(from, to)).map((to) => `${from}→${to}`));
    expect(allowed).toEqual(['new→triage', 'triage→pending_info', 'triage→decided', 'pending_info→triage', 'pending_info→decided']);
  });

  it('an illegal move is a CONFLICT naming both states and what is allowed', () => {
    const e = (() => {
      try {
        assertTransition('ot-0042', 'pending_info', 'new');
      } catch (x) {
        return x;
      }
    })() as WorkbenchError;
    expect(e).toBeInstanceOf(WorkbenchError);
    expect(e.toPayload()).toEqual({
      code: 'CONFLICT',
      message: 'ticket ot-0042: cannot move from pending_info to new (allowed: triage, decided)',
      details: { ticketId: 'ot-0042', from: 'pending_info', to: 'new', allowed: ['triage', 'decided'] },
    });
    expect(() => assertTransition('ot-1', 'decided', 'triage')).toThrow('ticket ot-1: cannot move from decided to triage (decided is final)');
    expect(() => assertTransition('ot-1', 'new', 'triage')).not.toThrow();
  });
});
