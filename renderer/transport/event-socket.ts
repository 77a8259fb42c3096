import { events as eventSchemas, isEventTopic, type WorkbenchEvent } from '../../shared/api/events.ts';
import { reconnectDelayMs } from './backoff.ts';

export type ConnectionStatus = 'idle' | 'connecting' | 'open' | 'reconnecting';

export interface ConnectionState {
  status: ConnectionStatus;
  /** How many times the socket came back after a drop; views refresh when it grows (events were missed). */
  reconnects: number;
}

/** The part of the browser WebSocket this module uses (a test passes a fake). */
export interface SocketLike {
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  close(): void;
}
export type SocketFactory = (url: string, protocols: string[]) => SocketLike;

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Parses one pushed message; anything not a known topic with a valid payload is dropped. */
export function parseEventMessage(data: unknown): WorkbenchEvent | undefined {
  if (typeof data !== 'string') return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(data);
  } catch {
    return undefined;
  }
  if (typeof raw !== 'object' || raw === null) return undefined;
  const { topic, payload } = raw as { topic?: unknown; payload?: unknown };
  if (typeof topic !== 'string' || !isEventTopic(topic)) return undefined;
  const parsed = eventSchemas[topic].safeParse(payload);
  return parsed.success ? ({ topic, payload: parsed.data } as WorkbenchEvent) : undefined;
}

/**
 * One WebSocket shared by every subscriber. It opens with the first subscriber, closes
 * with the last, and reconnects with backoff while anyone listens.
 */
export class EventSocket {
  readonly #url: string;
  readonly #protocols: string[];
  readonly #create: SocketFactory;
  readonly #timers: Timers;
  readonly #listeners = new Set<(event: WorkbenchEvent) => void>();
  readonly #stateListeners = new Set<(state: ConnectionState) => void>();
  #socket: SocketLike | undefined;
  #timer: unknown;
  #attempt = 0;
  #everOpened = false;
  #state: ConnectionState = { status: 'idle', reconnects: 0 };

  constructor(opts: { url: string; protocols: string[]; create: SocketFactory; timers: Timers }) {
    this.#url = opts.url;
    this.#protocols = opts.protocols;
    this.#create = opts.create;
    this.#timers = opts.timers;
  }

  get state(): ConnectionState {
    return this.#state;
  }

  subscribe(listener: (event: WorkbenchEvent) => void): () => void {
    this.#listeners.add(listener);
    if (this.#listeners.size === 1 && !this.#socket && this.#timer === undefined) this.#connect();
    return () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0) this.#stop();
    };
  }

  onState(listener: (state: ConnectionState) => void): () => void {
    this.#stateListeners.add(listener);
    return () => this.#stateListeners.delete(listener);
  }

  #setState(next: ConnectionState): void {
    this.#state = next;
    for (const l of [...this.#stateListeners]) l(next);
  }

  #connect(): void {
    this.#timer = undefined;
    this.#setState({ ...this.#state, status: this.#everOpened || this.#attempt > 0 ? 'reconnecting' : 'connecting' });
    let socket: SocketLike;
    try {
      socket = this.#create(this.#url, this.#protocols);
    } catch {
      this.#scheduleReconnect();
      return;
    }
    this.#socket = socket;
    socket.onopen = () => {
      const reconnects = this.#everOpened ? this.#state.reconnects + 1 : this.#state.reconnects;
      this.#everOpened = true;
      this.#attempt = 0;
      this.#setState({ status: 'open', reconnects });
    };
    socket.onmessage = (ev) => {
      const event = parseEventMessage(ev.data);
      if (!event) return;
      for (const l of [...this.#listeners]) {
        try {
          l(event);
        } catch {
          // A failing view must not starve the others of events.
        }
      }
    };
    socket.onerror = () => undefined; // a close follows every error; reconnect happens there
    socket.onclose = () => {
      if (this.#socket !== socket) return;
      this.#socket = undefined;
      if (this.#listeners.size > 0) this.#scheduleReconnect();
    };
  }

  #scheduleReconnect(): void {
    this.#setState({ ...this.#state, status: 'reconnecting' });
    const delay = reconnectDelayMs(this.#attempt);
    this.#attempt += 1;
    this.#timer = this.#timers.setTimeout(() => this.#connect(), delay);
  }

  #stop(): void {
    if (this.#timer !== undefined) this.#timers.clearTimeout(this.#timer);
    this.#timer = undefined;
    const socket = this.#socket;
    this.#socket = undefined;
    if (socket) {
      socket.onclose = null;
      socket.onmessage = null;
      socket.close();
    }
    this.#attempt = 0;
    this.#setState({ ...this.#state, status: 'idle' });
  }
}
