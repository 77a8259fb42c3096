import { describe, expect, it } from 'vitest';
import type { WorkbenchEvent } from '../../shared/api/events.ts';
import { EventSocket, parseEventMessage, type ConnectionState, type SocketLike } from './event-socket.ts';

class FakeSocket implements SocketLike {
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: unknown) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  closed = false;
  readonly url: string;
  readonly protocols: string[];
  constructor(url: string, protocols: string[]) {
    this.url = url;
    this.protocols = protocols;
  }
  close(): void {
    this.closed = true;
  }
  open(): void {
    this.onopen?.({});
  }
  drop(): void {
    this.onerror?.({});
    this.onclose?.({});
  }
  push(data: unknown): void {
    this.onmessage?.({ data });
  }
}

function harness() {
  const sockets: FakeSocket[] = [];
  const timers: Array<{ fn: () => void; ms: number; cleared: boolean }> = [];
  const states: ConnectionState[] = [];
  const es = new EventSocket({
    url: 'ws://127.0.0.1:1/events',
    protocols: ['workbench.v1', 'token.t'],
    create: (url, protocols) => {
      const s = new FakeSocket(url, protocols);
      sockets.push(s);
      return s;
    },
    timers: {
      setTimeout: (fn, ms) => {
        const t = { fn, ms, cleared: false };
        timers.push(t);
        return t;
      },
      clearTimeout: (h) => void ((h as { cleared: boolean }).cleared = true),
    },
  });
  es.onState((s) => states.push(s));
  const fire = () => {
    const t = timers.find((x) => !x.cleared && x.fn);
    if (!t) throw new Error('no timer pending');
    t.cleared = true;
    t.fn();
  };
  return { es, sockets, timers, states, fire };
}

const appended = (seq: number) => JSON.stringify({ topic: 'audit.appended', payload: { seq, action: 'audit.read', decision: 'allow' } });

describe('parseEventMessage', () => {
  it('accepts a known topic with a valid payload', () => {
    expect(parseEventMessage(appended(3))).toEqual({ topic: 'audit.appended', payload: { seq: 3, action: 'audit.read', decision: 'allow' } });
  });

  it('drops non-JSON, unknown topics and payloads that fail their schema', () => {
    expect(parseEventMessage('not json')).toBeUndefined();
    expect(parseEventMessage(new ArrayBuffer(2))).toBeUndefined();
    expect(parseEventMessage('null')).toBeUndefined();
    expect(parseEventMessage(JSON.stringify({ topic: 'toString', payload: {} }))).toBeUndefined();
    expect(parseEventMessage(JSON.stringify({ topic: 'audit.appended', payload: { seq: 0, action: 'x', decision: 'allow' } }))).toBeUndefined();
  });
});

describe('EventSocket', () => {
  it('opens one socket for all subscribers, with the token subprotocol, and delivers events to each', () => {
    const { es, sockets } = harness();
    const a: WorkbenchEvent[] = [];
    const b: WorkbenchEvent[] = [];
    es.subscribe((e) => a.push(e));
    es.subscribe((e) => b.push(e));
    expect(sockets).toHaveLength(1);
    expect(sockets[0]!.url).toBe('ws://127.0.0.1:1/events');
    expect(sockets[0]!.protocols).toEqual(['workbench.v1', 'token.t']);
    sockets[0]!.open();
    sockets[0]!.push(appended(7));
    sockets[0]!.push('garbage');
    expect(a.map((e) => e.payload)).toEqual([{ seq: 7, action: 'audit.read', decision: 'allow' }]);
    expect(b).toEqual(a);
  });

  it('reconnects after a drop with growing delays, counts the reconnect, and resets the delay once open', () => {
    const { es, sockets, timers, states, fire } = harness();
    es.subscribe(() => undefined);
    sockets[0]!.open();
    expect(es.state).toEqual({ status: 'open', reconnects: 0 });
    sockets[0]!.drop();
    expect(es.state.status).toBe('reconnecting');
    expect(timers.map((t) => t.ms)).toEqual([500]);
    fire();
    sockets[1]!.drop(); // refused again
    expect(timers.map((t) => t.ms)).toEqual([500, 1000]);
    fire();
    sockets[2]!.open();
    expect(es.state).toEqual({ status: 'open', reconnects: 1 });
    sockets[2]!.drop();
    expect(timers.at(-1)!.ms).toBe(500);
    expect(states.map((s) => s.status)).toEqual(['connecting', 'open', 'reconnecting', 'reconnecting', 'reconnecting', 'reconnecting', 'open', 'reconnecting']);
  });

  it('closes the socket and cancels a pending reconnect when the last subscriber leaves', () => {
    const { es, sockets, timers } = harness();
    const off1 = es.subscribe(() => undefined);
    const off2 = es.subscribe(() => undefined);
    sockets[0]!.open();
    off1();
    expect(sockets[0]!.closed).toBe(false);
    off2();
    expect(sockets[0]!.closed).toBe(true);
    expect(es.state.status).toBe('idle');

    const off3 = es.subscribe(() => undefined);
    sockets[1]!.drop();
    off3();
    expect(timers.at(-1)!.cleared).toBe(true);
    expect(sockets).toHaveLength(2);
  });

  it('keeps delivering to other subscribers when one throws', () => {
    const { es, sockets } = harness();
    const got: number[] = [];
    es.subscribe(() => {
      throw new Error('broken view');
    });
    es.subscribe((e) => got.push(e.topic === 'audit.appended' ? e.payload.seq : -1));
    sockets[0]!.open();
    sockets[0]!.push(appended(1));
    expect(got).toEqual([1]);
  });
});
