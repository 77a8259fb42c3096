import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AUDIT_WINDOW, createAuditStore } from './audit-store.ts';
import { actor, createFakeWorkbench } from '../testing/fake-workbench.ts';

const ACTORS = [actor('alice', ['auditor']), actor('arun', ['analyst'])];

describe('audit store', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  it('loads the newest window after re-verifying the chain, including its own reads', async () => {
    const fake = createFakeWorkbench(ACTORS, 250);
    const audit = createAuditStore(fake.client);
    await audit.getState().load();
    const s = audit.getState();
    expect(s.status).toBe('ready');
    expect(s.chain).toEqual({ ok: true, checked: 251, firstBrokenSeq: null, reason: null });
    // 251 events when verified (the verify read included), then the list's own read: 252.
    expect(s.events.map((e) => e.seq)).toEqual(Array.from({ length: AUDIT_WINDOW + 1 }, (_, i) => 151 + 1 + i));
    expect(fake.calls).toEqual(['audit.verifyChain', `audit.list(${251 - AUDIT_WINDOW},1000)`]);
  });

  it('pages back with "load earlier" and keeps the trail contiguous', async () => {
    const fake = createFakeWorkbench(ACTORS, 250);
    const audit = createAuditStore(fake.client);
    await audit.getState().load();
    await audit.getState().loadEarlier();
    await audit.getState().loadEarlier();
    const seqs = audit.getState().events.map((e) => e.seq);
    expect(seqs[0]).toBe(1);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
  });

  it('fetches announced events once and then settles, though each fetch is itself audited', async () => {
    const fake = createFakeWorkbench(ACTORS, 3);
    const audit = createAuditStore(fake.client, { debounceMs: 10 });
    fake.onAppended = (seq) => audit.getState().noteAppended(seq);
    await audit.getState().load();
    fake.calls.length = 0;
    fake.append('arun', 'evidence.read', 'deny'); // someone else acts
    await vi.advanceTimersByTimeAsync(1000);
    expect(fake.calls).toEqual(['audit.verifyChain', "audit.list(5,1000)"]);
    const last = fake.trail.at(-1)!.seq;
    expect(audit.getState().events.at(-1)!.seq).toBe(last);
    await vi.advanceTimersByTimeAsync(5000);
    expect(fake.trail.at(-1)!.seq).toBe(last); // no read loop
  });

  it('a denied trail shows the denial and does not retry on announcements (each retry would be a new denial)', async () => {
    const fake = createFakeWorkbench(ACTORS, 3);
    fake.client.$session.set({ actorId: 'arun' });
    const audit = createAuditStore(fake.client, { debounceMs: 10 });
    fake.onAppended = (seq) => audit.getState().noteAppended(seq);
    await audit.getState().load();
    const s = audit.getState();
    expect(s.status).toBe('error');
    expect(s.error?.code).toBe('DENIED');
    expect(s.error?.details?.appealLink).toBe('#/appeals/new?denial=ae-000004');
    const before = fake.trail.length;
    fake.append('alice', 'evidence.read', 'allow');
    await vi.advanceTimersByTimeAsync(1000);
    expect(fake.trail.length).toBe(before + 1);
  });

  it('drops a result that arrives after a reset (a different actor now)', async () => {
    const fake = createFakeWorkbench(ACTORS, 3);
    const audit = createAuditStore(fake.client);
    const pending = audit.getState().load();
    audit.getState().reset();
    await pending;
    expect(audit.getState().status).toBe('idle');
    expect(audit.getState().events).toEqual([]);
  });

  it('catches up after the event connection was down', async () => {
    const fake = createFakeWorkbench(ACTORS, 3);
    const audit = createAuditStore(fake.client, { debounceMs: 10 });
    await audit.getState().load();
    fake.append('arun', 'evidence.read', 'deny'); // missed: no announcement wired
    audit.getState().catchUp();
    await vi.advanceTimersByTimeAsync(100);
    expect(audit.getState().events.some((e) => e.actorId === 'arun')).toBe(true);
  });
});

describe('audit store after reset', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  it('stops live refreshes, including one already scheduled', async () => {
    const fake = createFakeWorkbench(ACTORS, 3);
    const audit = createAuditStore(fake.client, { debounceMs: 10 });
    fake.onAppended = (seq) => audit.getState().noteAppended(seq);
    await audit.getState().load();
    fake.calls.length = 0;
    fake.append('arun', 'evidence.read', 'deny'); // schedules a refresh
    audit.getState().reset(); // the view closed
    fake.append('arun', 'evidence.read', 'deny');
    await vi.advanceTimersByTimeAsync(1000);
    expect(fake.calls).toEqual([]);
  });
});
