import { events as eventSchemas, type EventPayload, type EventTopic, type WorkbenchEvent } from '../../shared/api/events.ts';

export type EventListener = (event: WorkbenchEvent) => void;

/** In-process fan-out of contract events to every transport (IPC windows, WebSocket clients). */
export class EventBus {
  #listeners = new Set<EventListener>();

  subscribe(listener: EventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Validates the payload against the contract so no transport ever pushes a malformed event. */
  emit<T extends EventTopic>(topic: T, payload: EventPayload<T>): void {
    const parsed = eventSchemas[topic].parse(payload) as EventPayload<T>;
    const event = { topic, payload: parsed } as WorkbenchEvent;
    for (const listener of [...this.#listeners]) {
      try {
        listener(event);
      } catch {
        // One broken subscriber (a closed socket) must not stop the others.
      }
    }
  }
}
