import { isEventTopic, type EventPayload } from '../../shared/api/events.ts';
import type { RedactionEventPayload, RedactionEventTopic } from '../../shared/api/redaction.ts';
import type { EventBus } from '../events/event-bus.ts';

/** What the redaction service announces: generic progress and its own topics. */
export type RedactionBusEvent =
  | { topic: 'progress'; payload: EventPayload<'progress'> }
  | { [T in RedactionEventTopic]: { topic: T; payload: RedactionEventPayload<T> } }[RedactionEventTopic];

export type RedactionEmit = (event: RedactionBusEvent) => void;

/**
 * Announces through the workbench's EventBus. The redaction topics reach clients once they
 * are in `shared/api/events.ts` (the bus validates every payload against that table); until
 * then only `progress` is pushed.
 */
export function busEmitter(bus: Pick<EventBus, 'emit'>): RedactionEmit {
  const emit = bus.emit.bind(bus) as (topic: string, payload: unknown) => void;
  return (event) => {
    if (isEventTopic(event.topic)) emit(event.topic, event.payload);
  };
}
