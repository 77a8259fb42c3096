import { z } from 'zod';
import { appealsEvents } from './appeals.ts';
import { redactionEvents } from './redaction.ts';

/** Every event topic and its payload schema. Transports push `{topic, payload}`. */
export const events = {
  'audit.appended': z.object({ seq: z.number().int().positive(), action: z.string(), decision: z.enum(['allow', 'deny', 'info']) }),
  'progress': z.object({
    jobId: z.string(),
    label: z.string(),
    done: z.number().nonnegative(),
    total: z.number().nonnegative().nullable(),
    finished: z.boolean(),
  }),
  'policy.changed': z.object({ epoch: z.number().int().nonnegative(), reason: z.string() }),
  ...appealsEvents,
  ...redactionEvents,
} as const;

export type EventTopic = keyof typeof events;
export type EventPayload<T extends EventTopic> = z.infer<(typeof events)[T]>;
export type WorkbenchEvent = { [T in EventTopic]: { topic: T; payload: EventPayload<T> } }[EventTopic];

export function isEventTopic(topic: string): topic is EventTopic {
  return Object.hasOwn(events, topic);
}
