import type { AppealsEventPayload, AppealsEventTopic } from '../../shared/api/appeals.ts';
import { isEventTopic, type EventPayload } from '../../shared/api/events.ts';
import type { EventBus } from '../events/event-bus.ts';

/** What the appeals service announces: audit appends and its own topics. */
export type AppealsBusEvent =
  | { topic: 'audit.appended'; payload: EventPayload<'audit.appended'> }
  | { [T in AppealsEventTopic]: { topic: T; payload: AppealsEventPayload<T> } }[AppealsEventTopic];

export type AppealsEmit = (event: AppealsBusEvent) => void;

/**
 * Announces through the workbench's EventBus. The appeals topics reach clients once they
 * are in `shared/api/events.ts` (the bus validates every payload against that table); until
 * then only `audit.appended` is pushed.
 */
export function busEmitter(bus: Pick<EventBus, 'emit'>): AppealsEmit {
  const emit = bus.emit.bind(bus) as (topic: string, payload: unknown) => void;
  return (event) => {
    if (isEventTopic(event.topic)) emit(event.topic, event.payload);
  };
}
