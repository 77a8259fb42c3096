import { z } from 'zod';
import { IsoTime } from './time.ts';

export const TICKET_STATES = ['new', 'triage', 'pending_info', 'decided'] as const;
export const TicketState = z.enum(TICKET_STATES);
export type TicketState = z.infer<typeof TicketState>;

export const OmbudsTicket = z.object({
  id: z.string().min(1),
  state: TicketState,
  priority: z.enum(['low', 'normal', 'high', 'urgent']),
  requester: z.string().min(1),
  assignee: z.string().nullable(),
  denialEventId: z.string().nullable(),
  justification: z.string(),
  slaDue: IsoTime.nullable(),
  createdAt: IsoTime,
  updatedAt: IsoTime,
});
export type OmbudsTicket = z.infer<typeof OmbudsTicket>;

export const TicketInput = OmbudsTicket.omit({ createdAt: true, updatedAt: true }).extend({
  at: IsoTime,
});
export type TicketInput = z.infer<typeof TicketInput>;
