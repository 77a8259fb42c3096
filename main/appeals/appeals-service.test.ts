import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkbenchError } from '../../shared/api/errors.ts';
import type { AuditEvent } from '../../shared/domain/audit.ts';
import { DEMO_EVIDENCE } from '../store/demo-seed.ts';
import { STORE_KINDS, skipStoreKind } from '../store/testing/store-targets.ts';
import { Pep } from '../policy/pep.ts';
import { EventBus } from '../events/event-bus.ts';
import { ExceptionAwarePdp, findActiveException } from './policy-exceptions.ts';
import { dashboardFromAudit } from './sla-dashboard.ts';
import { startAppealsHarness, type AppealsHarness } from './testing/appeals-harness.ts';

const H = 3_600_000;
const ev001 = DEMO_EVIDENCE.find((e) => e.id === 'ev-001')!; // acme, confidential, audit

async function error(p: Promise<unknown>): Promise<WorkbenchError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  if (!(e instanceof WorkbenchError)) throw new Error(`expected a WorkbenchError, got ${String(e)}`);
  return e;
}

async function allEvents(h: AppealsHarness): Promise<AuditEvent[]> {
  return h.store.listAuditEvents({ afterSeq: 0, limit: 100_000 });
}

describe.each(STORE_KINDS)('appeal lifecycle on %s', (kind) => {
  let h: AppealsHarness;
  let denial: string;
  let ticketId: string;

  beforeAll(async () => {
    if (skipStoreKind(kind)) return;
    h = await startAppealsHarness({ kind, at: '2026-11-28T09:00:00.000Z' });
    denial = await h.deny('arun', 'evidence.export', { type: 'evidence', id: ev001.id, labels: ev001.labels });
  });
  afterAll(async () => {
    await h?.close();
  });

  it.skipIf(skipStoreKind(kind))('opens an appeal: ticket in new, linked to the denial, SLA clock started, all audited', async () => {
    const before = (await allEvents(h)).length;
    const detail = await h.service.open({ denialEventId: denial, justification: 'I need the access review for the SOC 2 walkthrough.', priority: 'normal' }, h.ctx('arun'));
    ticketId = detail.ticket.id;
    expect(ticketId).toBe('ot-0003'); // after the two demo tickets
    expect(detail.ticket).toMatchObject({ state: 'new', requester: 'arun', assignee: null, denialEventId: denial, slaDue: '2026-11-28T17:00:00.000Z' });
    expect((await h.store.getAuditEvent(denial))!.appealTicketId).toBe(ticketId);
    expect(detail.sla).toMatchObject({ clock: 'running', current: 'triage', dueAt: '2026-11-28T17:00:00.000Z', policyVersion: 0, breached: false });
    expect(detail.timeline.map((e) => [e.kind, e.data.change ?? null])).toEqual([
      ['opened', null],
      ['sla', 'start'],
    ]);
    expect(detail.denial).toMatchObject({ eventId: denial, actorId: 'arun', action: 'evidence.export', policyIds: ['export.analyst-sensitivity'], epoch: 5 });
    expect(detail.can).toEqual({ triage: false, requestInfo: false, provideInfo: false, comment: true, decide: false });
    const fresh = (await allEvents(h)).slice(before);
    expect(fresh.map((e) => [e.action, e.decision])).toEqual([
      ['appeals.open', 'allow'],
      ['appeals.ticket.opened', 'info'],
      ['appeals.sla.start', 'info'],
    ]);
    expect(fresh[1]!.payload).toMatchObject({ ticketId, denialEventId: denial, priority: 'normal', slaPolicyVersion: 0 });
    // The suggestions the requester was offered are part of the record.
    expect(fresh[1]!.payload.suggestionsOffered).toEqual([
      {
        kind: 'redacted-export',
        request: { action: 'evidence.export', resourceType: 'evidence', resourceId: 'ev-001', labels: { ...ev001.labels, sensitivity: 'internal' } },
      },
    ]);
    expect(fresh[2]!.payload).toMatchObject({ change: 'start', milestone: 'triage', dueAt: '2026-11-28T17:00:00.000Z', remainingMs: 8 * H });
    expect(h.emitted.filter((e) => e.topic === 'appeals.ticket.changed').map((e) => e.payload)).toEqual([
      { ticketId, state: 'new', kind: 'opened', at: '2026-11-28T09:00:00.000Z' },
    ]);
  });

  it.skipIf(skipStoreKind(kind))('refuses a second appeal of the same denial, a non-denial, and someone else’s denial', async () => {
    const again = await error(h.service.open({ denialEventId: denial, justification: 'again', priority: 'normal' }, h.ctx('arun')));
    expect([again.code, again.message]).toEqual(['CONFLICT', `audit event ${denial} is already appealed by ticket ot-0003`]);
    const allow = await error(h.service.open({ denialEventId: 'ae-000001', justification: 'x', priority: 'normal' }, h.ctx('alice')));
    expect([allow.code, allow.message]).toEqual(['BAD_INPUT', 'denialEventId: audit event ae-000001 is not a denial (allow)']);
    const other = await error(h.service.open({ denialEventId: 'ae-000008', justification: 'x', priority: 'normal' }, h.ctx('arun')));
    expect([other.code, other.message]).toEqual(['BAD_INPUT', 'denialEventId: ae-000008 denied gil; only they can appeal it']);
    const missing = await error(h.service.open({ denialEventId: 'ae-999999', justification: 'x', priority: 'normal' }, h.ctx('arun')));
    expect([missing.code, missing.message]).toEqual(['NOT_FOUND', 'audit event "ae-999999" does not exist']);
  });

  it.skipIf(skipStoreKind(kind))('an illegal transition is a typed CONFLICT and changes nothing', async () => {
    const before = (await allEvents(h)).length;
    const e = await error(h.service.decide({ ticketId, outcome: 'upheld', rationale: 'no', evidenceLinks: [] }, h.ctx('olga')));
    expect(e.code).toBe('CONFLICT');
    expect(e.message).toBe('ticket ot-0003: cannot move from new to decided (allowed: triage)');
    expect(e.details).toEqual({ ticketId, from: 'new', to: 'decided', allowed: ['triage'] });
    const events = (await allEvents(h)).slice(before);
    expect(events.map((x) => [x.action, x.decision])).toEqual([['appeals.decide', 'allow']]); // the PEP decision only
    expect((await h.store.getTicket(ticketId))!.state).toBe('new');
  });

  it.skipIf(skipStoreKind(kind))('triage meets the first milestone and runs the clock against time to decision', async () => {
    h.clock.set('2026-11-28T10:00:00.000Z');
    const d = await h.service.triage({ ticketId }, h.ctx('olga'));
    expect(d.ticket).toMatchObject({ state: 'triage', assignee: 'olga', slaDue: '2026-12-01T09:00:00.000Z' });
    expect(d.sla.triage).toMatchObject({ state: 'met', completedAt: '2026-11-28T10:00:00.000Z' });
    expect(d.sla).toMatchObject({ current: 'decision', dueAt: '2026-12-01T09:00:00.000Z' });
    expect(d.can).toEqual({ triage: true, requestInfo: true, provideInfo: false, comment: true, decide: true });
  });

  it.skipIf(skipStoreKind(kind))('asking for information pauses the clock; the answer resumes it with the due time moved by the pause', async () => {
    h.clock.set('2026-11-28T11:00:00.000Z');
    const paused = await h.service.requestInfo({ ticketId, question: 'Which controls does the walkthrough cover?' }, h.ctx('olga'));
    expect(paused.ticket).toMatchObject({ state: 'pending_info', slaDue: null });
    expect(paused.sla).toMatchObject({ clock: 'paused', dueAt: null });
    expect(paused.sla.decision.remainingMs).toBe(70 * H);
    expect(paused.comments.map((c) => [c.kind, c.author, c.body])).toEqual([['question', 'olga', 'Which controls does the walkthrough cover?']]);

    const early = await error(h.service.provideInfo({ ticketId, answer: 'x' }, h.ctx('olga')));
    expect([early.code, early.message]).toEqual(['CONFLICT', 'ticket ot-0003: only the requester arun answers a request for information; reviewers comment']);

    h.clock.set('2026-11-29T11:00:00.000Z');
    const resumed = await h.service.provideInfo({ ticketId, answer: 'CC6.1 and CC6.2 (logical access).' }, h.ctx('arun'));
    expect(resumed.ticket).toMatchObject({ state: 'triage', slaDue: '2026-12-02T09:00:00.000Z' });
    expect(resumed.sla.decision).toMatchObject({ state: 'running', pausedMs: 24 * H, dueAt: '2026-12-02T09:00:00.000Z' });
    const clockEvents = (await allEvents(h)).filter((e) => e.action.startsWith('appeals.sla.') && e.resourceId === ticketId);
    expect(clockEvents.map((e) => [e.action, e.payload.dueAt, e.payload.remainingMs])).toEqual([
      ['appeals.sla.start', '2026-11-28T17:00:00.000Z', 8 * H],
      ['appeals.sla.milestone', '2026-12-01T09:00:00.000Z', 71 * H],
      ['appeals.sla.pause', null, 70 * H],
      ['appeals.sla.resume', '2026-12-02T09:00:00.000Z', 70 * H],
    ]);
  });

  it.skipIf(skipStoreKind(kind))('the clock is the same after a restart', async () => {
    const before = await h.service.clockOf(ticketId);
    await h.restart();
    expect(await h.service.clockOf(ticketId)).toEqual(before);
  });

  it.skipIf(skipStoreKind(kind))('decides with a signed, chained artifact attached to the denial and a time-bounded exception', async () => {
    h.clock.set('2026-11-30T09:00:00.000Z');
    const { detail, artifact } = await h.service.decide(
      {
        ticketId,
        outcome: 'overturned',
        rationale: 'The walkthrough is an audit purpose; a week of access is proportionate.',
        evidenceLinks: ['evidence:ev-001', `audit:${denial}`],
        exception: { validUntil: '2026-12-07T09:00:00.000Z' },
      },
      h.ctx('olga'),
    );
    expect(detail.ticket.state).toBe('decided');
    expect(detail.sla).toMatchObject({ clock: 'stopped', current: null, breached: false });
    expect(detail.sla.decision).toMatchObject({ state: 'met', completedAt: '2026-11-30T09:00:00.000Z' });
    const denialEvent = (await h.store.getAuditEvent(denial))!;
    expect(artifact).toMatchObject({
      type: 'compliance-workbench.appeal-decision.v1',
      seq: 1,
      id: 'da-000001',
      ticketId,
      denial: { eventId: denial, eventHash: denialEvent.hash, actorId: 'arun', action: 'evidence.export', resourceType: 'evidence', resourceId: 'ev-001' },
      outcome: 'overturned',
      requester: 'arun',
      reviewer: { id: 'olga', displayName: 'Olga Ombuds' },
      evidenceLinks: ['evidence:ev-001', `audit:${denial}`],
      policy: { ids: ['export.analyst-sensitivity'], denialEpoch: 5, decisionEpoch: 5 },
      timestamps: { deniedAt: '2026-11-28T09:00:00.000Z', appealedAt: '2026-11-28T09:00:00.000Z', decidedAt: '2026-11-30T09:00:00.000Z' },
      exception: {
        id: 'px-0001',
        actorId: 'arun',
        action: 'evidence.export',
        resourceType: 'evidence',
        resourceId: 'ev-001',
        labels: null,
        validFrom: '2026-11-30T09:00:00.000Z',
        validUntil: '2026-12-07T09:00:00.000Z',
      },
      previousHash: '0'.repeat(64),
      signature: { algorithm: 'Ed25519', keyId: h.key.keyId },
    });
    expect(detail.artifact).toEqual(artifact);

    const byEvent = await h.service.artifact({ auditEventId: denial }, h.ctx('arun'));
    expect(byEvent.artifact).toEqual(artifact);
    expect(byEvent.verification.ok).toBe(true);
    expect(byEvent.verification.checks.map((c) => [c.name, c.ok])).toEqual([
      ['schema', true],
      ['hash', true],
      ['key', true],
      ['signature', true],
      ['chain', true],
      ['denial', true],
    ]);
    const grant = (await allEvents(h)).find((e) => e.action === 'appeals.exception.granted')!;
    expect(grant).toMatchObject({ actorId: 'olga', resourceType: 'policy-exception', resourceId: 'px-0001', decision: 'info' });
    expect(grant.payload).toMatchObject({ ticketId, artifactId: 'da-000001', artifactHash: artifact.hash, validUntil: '2026-12-07T09:00:00.000Z' });
  });

  it.skipIf(skipStoreKind(kind))('the exception lets exactly the appealed request through until it expires or is revoked', async () => {
    const arun = (await h.store.getActor('arun'))!;
    const request = { actor: arun, action: 'evidence.export', resource: { type: 'evidence', id: 'ev-001', labels: ev001.labels } };
    expect((await findActiveException(h.store.sql, request, '2026-12-01T00:00:00.000Z'))?.id).toBe('px-0001');
    expect(await findActiveException(h.store.sql, request, '2026-12-07T09:00:00.000Z')).toBeUndefined();
    expect(await findActiveException(h.store.sql, { ...request, resource: { ...request.resource, id: 'ev-006' } }, '2026-12-01T00:00:00.000Z')).toBeUndefined();

    h.clock.set('2026-12-01T00:00:00.000Z');
    const pdp = new ExceptionAwarePdp({ inner: h.pdp, sql: () => h.store.sql, now: h.clock.now });
    const pep = new Pep({ pdp, store: h.store, bus: new EventBus(), now: h.clock.now });
    const allowed = await pep.guard(arun, 'evidence.export', request.resource);
    expect(allowed.policyIds).toEqual(['appeals.exception.px-0001']);
    const gil = (await h.store.getActor('gil'))!;
    const stillDenied = await error(pep.guard(gil, 'evidence.export', request.resource));
    expect(stillDenied.code).toBe('DENIED');

    const revoked = await h.service.revokeException({ exceptionId: 'px-0001', reason: 'walkthrough finished early' }, h.ctx('admin'));
    expect(revoked).toMatchObject({ id: 'px-0001', active: false, revokedAt: '2026-12-01T00:00:00.000Z', revokedBy: 'admin', revokeReason: 'walkthrough finished early' });
    expect((await error(pep.guard(arun, 'evidence.export', request.resource))).code).toBe('DENIED');
    const again = await error(h.service.revokeException({ exceptionId: 'px-0001', reason: 'twice' }, h.ctx('admin')));
    expect([again.code, again.message]).toEqual(['CONFLICT', 'policy exception px-0001 was already revoked at 2026-12-01T00:00:00.000Z']);
  });

  it.skipIf(skipStoreKind(kind))('a decided ticket is final', async () => {
    const e = await error(h.service.requestInfo({ ticketId, question: 'one more thing' }, h.ctx('olga')));
    expect([e.code, e.message]).toEqual(['CONFLICT', 'ticket ot-0003: cannot move from decided to pending_info (decided is final)']);
    const c = await error(h.service.comment({ ticketId, body: 'thanks' }, h.ctx('arun')));
    expect([c.code, c.message]).toEqual(['CONFLICT', 'ticket ot-0003 is decided: comments are closed']);
  });

  it.skipIf(skipStoreKind(kind))('the queue, the breach sweep and the dashboard agree with a replay of the audit trail', async () => {
    const swept = await h.service.sweepBreaches();
    expect(swept.map((b) => [b.ticketId, b.milestone])).toEqual([
      ['ot-0002', 'triage'],
      ['ot-0002', 'decision'],
      ['ot-0001', 'decision'],
    ]);
    const breached = await h.service.queue({ scope: 'all', breached: true, sort: 'due', direction: 'asc', offset: 0, limit: 10 }, h.ctx('olga'));
    expect(breached.rows.map((r) => [r.id, r.dueAt])).toEqual([
      ['ot-0002', '2026-11-20T16:00:00.000Z'],
      ['ot-0001', '2026-11-23T10:00:00.000Z'],
    ]);
    const decided = await h.service.queue({ scope: 'all', states: ['decided'], sort: 'updated', direction: 'desc', offset: 0, limit: 10 }, h.ctx('olga'));
    expect(decided.rows.map((r) => [r.id, r.clock, r.dueAt, r.breached])).toEqual([[ticketId, 'stopped', null, false]]);
    const dashboard = await h.service.dashboard({}, h.ctx('alice'));
    expect(dashboard).toMatchObject({ tickets: 3, decided: 1, decidedOnTime: 1, onTimePercent: 100, outcomes: { upheld: 0, overturned: 1, modified: 0 } });
    expect(dashboardFromAudit(await allEvents(h), dashboard.at)).toEqual(dashboard);
  });
});

describe('who may do what (through the PEP)', () => {
  let h: AppealsHarness;
  let arunTicket: string;
  let olgaDenial: string;

  beforeAll(async () => {
    h = await startAppealsHarness();
    const d = await h.deny('arun', 'evidence.export', { type: 'evidence', id: ev001.id, labels: ev001.labels });
    arunTicket = (await h.service.open({ denialEventId: d, justification: 'need it', priority: 'high' }, h.ctx('arun'))).ticket.id;
    olgaDenial = await h.deny('olga', 'evidence.read', { type: 'evidence', id: ev001.id, labels: ev001.labels });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('requesters see their own tickets and no one else’s', async () => {
    expect((await h.service.get({ ticketId: arunTicket }, h.ctx('arun'))).ticket.requester).toBe('arun');
    const mine = await h.service.queue({ scope: 'mine', sort: 'created', direction: 'asc', offset: 0, limit: 50 }, h.ctx('arun'));
    expect(mine.rows.map((r) => r.id)).toEqual(['ot-0001', arunTicket]);
    const e = await error(h.service.get({ ticketId: arunTicket }, h.ctx('sam')));
    expect(e.code).toBe('DENIED');
    expect(e.details).toMatchObject({ reason: 'appeals.read needs one of the roles ombuds, auditor, admin', policyIds: ['role.appeals.read'] });
    const last = (await allEvents(h)).at(-1)!;
    expect(last).toMatchObject({ actorId: 'sam', action: 'appeals.read', resourceType: 'ombuds-ticket', resourceId: arunTicket, decision: 'deny' });
    expect(e.details?.appealLink).toBe(`#/appeals/new?denial=${last.id}`);
    expect((await error(h.service.queue({ scope: 'all', sort: 'due', direction: 'asc', offset: 0, limit: 50 }, h.ctx('arun')))).code).toBe('DENIED');
  });

  it('auditors read everything but cannot triage or decide', async () => {
    const all = await h.service.queue({ scope: 'all', sort: 'created', direction: 'asc', offset: 0, limit: 50 }, h.ctx('alice'));
    expect(all.rows.map((r) => r.id)).toEqual(['ot-0001', 'ot-0002', arunTicket]);
    expect((await h.service.get({ ticketId: arunTicket }, h.ctx('alice'))).can).toEqual({
      triage: false,
      requestInfo: false,
      provideInfo: false,
      comment: false,
      decide: false,
    });
    expect((await error(h.service.triage({ ticketId: arunTicket }, h.ctx('alice')))).code).toBe('DENIED');
    expect((await h.service.dashboard({}, h.ctx('alice'))).tickets).toBe(3);
    expect((await error(h.service.setSlaPolicy({ name: 'x', targets: { timeToTriage: { low: 1, normal: 1, high: 1, urgent: 1 }, timeToDecision: { low: 1, normal: 1, high: 1, urgent: 1 } }, calendar: null }, h.ctx('alice')))).code).toBe('DENIED');
  });

  it('an ombuds reviewer cannot review their own appeal, nor assign it to its requester', async () => {
    const t = (await h.service.open({ denialEventId: olgaDenial, justification: 'I review EU evidence', priority: 'normal' }, h.ctx('olga'))).ticket.id;
    const own = await error(h.service.triage({ ticketId: t }, h.ctx('olga')));
    expect([own.code, own.message]).toEqual(['CONFLICT', `ticket ${t}: olga appealed it and cannot review it`]);
    const assign = await error(h.service.triage({ ticketId: arunTicket, assignee: 'arun' }, h.ctx('olga')));
    expect([assign.code, assign.message]).toEqual(['BAD_INPUT', `assignee: arun appealed ticket ${arunTicket} and cannot review it`]);
    const analyst = await error(h.service.triage({ ticketId: arunTicket, assignee: 'gil' }, h.ctx('olga')));
    expect([analyst.code, analyst.message]).toEqual(['BAD_INPUT', 'assignee: gil may not decide appeals']);
    const nobody = await error(h.service.triage({ ticketId: arunTicket, assignee: 'zed' }, h.ctx('olga')));
    expect([nobody.code, nobody.message]).toEqual(['BAD_INPUT', 'assignee: no actor "zed"']);
  });

  it('only administrators set the SLA policy; new tickets start under it, open ones keep theirs', async () => {
    const policy = {
      name: 'Office hours',
      targets: { timeToTriage: { low: 480, normal: 240, high: 120, urgent: 30 }, timeToDecision: { low: 4800, normal: 2400, high: 960, urgent: 240 } },
      calendar: { utcOffsetMinutes: 60, workdays: [1, 2, 3, 4, 5], start: '09:00', end: '17:00', holidays: [] },
    };
    const set = await h.service.setSlaPolicy(policy, h.ctx('admin'));
    expect(set).toEqual({ version: 1, policy, setAt: '2026-11-28T09:00:00.000Z', setBy: 'admin' });
    expect(await h.service.slaPolicy({}, h.ctx('olga'))).toEqual(set);
    expect((await h.service.get({ ticketId: arunTicket }, h.ctx('arun'))).sla.policyVersion).toBe(0);
    const d = await h.deny('gil', 'evidence.read', { type: 'evidence', id: ev001.id, labels: ev001.labels });
    // Saturday 09:00Z: the office calendar starts counting on Monday 09:00 local (08:00Z); 4 working hours.
    const opened = await h.service.open({ denialEventId: d, justification: 'shared vendor', priority: 'normal' }, h.ctx('gil'));
    expect(opened.sla).toMatchObject({ policyVersion: 1, dueAt: '2026-11-30T12:00:00.000Z' });
  });
});

describe('SLA breaches', () => {
  let h: AppealsHarness;
  let ticketId: string;

  beforeAll(async () => {
    h = await startAppealsHarness({ at: '2026-11-28T09:00:00.000Z' });
    const d = await h.deny('gil', 'evidence.read', { type: 'evidence', id: ev001.id, labels: ev001.labels });
    ticketId = (await h.service.open({ denialEventId: d, justification: 'urgent vendor incident', priority: 'urgent' }, h.ctx('gil'))).ticket.id;
  });
  afterAll(async () => {
    await h?.close();
  });

  it('are detected after a restart at their true due time, recorded and announced once', async () => {
    await h.restart();
    h.clock.set('2026-11-28T11:00:00.000Z');
    const found = await h.service.sweepBreaches();
    // The demo tickets (opened 2026-11-20 under the built-in policy) are long overdue too.
    expect(found).toEqual([
      { ticketId: 'ot-0002', milestone: 'triage', dueAt: '2026-11-20T16:00:00.000Z' },
      { ticketId: 'ot-0002', milestone: 'decision', dueAt: '2026-11-21T12:00:00.000Z' },
      { ticketId: 'ot-0001', milestone: 'decision', dueAt: '2026-11-23T10:00:00.000Z' },
      { ticketId, milestone: 'triage', dueAt: '2026-11-28T10:00:00.000Z' },
    ]);
    const announced = h.emitted.filter((e) => e.topic === 'appeals.sla.breached').map((e) => e.payload);
    expect(announced.at(-1)).toMatchObject({ ticketId, milestone: 'triage', priority: 'urgent', dueAt: '2026-11-28T10:00:00.000Z', detectedAt: '2026-11-28T11:00:00.000Z' });
    const audit = await allEvents(h);
    expect(audit.filter((e) => e.action === 'appeals.sla.breach').map((e) => [e.resourceId, e.payload.milestone, e.actorId])).toEqual([
      ['ot-0002', 'triage', 'system.sla-clock'],
      ['ot-0002', 'decision', 'system.sla-clock'],
      ['ot-0001', 'decision', 'system.sla-clock'],
      [ticketId, 'triage', 'system.sla-clock'],
    ]);
    expect(await h.service.sweepBreaches()).toEqual([]);
    expect(h.emitted.filter((e) => e.topic === 'appeals.sla.breached')).toHaveLength(4);
  });

  it('a legacy ticket is adopted into the audit trail with the times it really had', async () => {
    const adopted = (await allEvents(h)).filter((e) => e.resourceId === 'ot-0001' && e.action.startsWith('appeals.ticket.'));
    expect(adopted.map((e) => [e.action, e.payload.effectiveAt, e.payload.adopted])).toEqual([
      ['appeals.ticket.opened', '2026-11-20T10:00:00.000Z', true],
      ['appeals.ticket.triaged', '2026-11-20T11:30:00.000Z', true],
    ]);
    const detail = await h.service.get({ ticketId: 'ot-0001' }, h.ctx('olga'));
    expect(detail.timeline.map((e) => [e.kind, e.at, e.derived])).toEqual([
      ['opened', '2026-11-20T10:00:00.000Z', false],
      ['triaged', '2026-11-20T11:30:00.000Z', false],
      ['sla', '2026-11-28T11:00:00.000Z', false],
    ]);
  });

  it('the queue filters and sorts by breach and due time', async () => {
    const breached = await h.service.queue({ scope: 'all', breached: true, sort: 'due', direction: 'asc', offset: 0, limit: 10 }, h.ctx('olga'));
    expect(breached.rows.map((r) => [r.id, r.dueAt, r.breached])).toEqual([
      ['ot-0002', '2026-11-20T16:00:00.000Z', true],
      ['ot-0001', '2026-11-23T10:00:00.000Z', true],
      [ticketId, '2026-11-28T10:00:00.000Z', true],
    ]);
    const onTime = await h.service.queue({ scope: 'all', breached: false, sort: 'due', direction: 'asc', offset: 0, limit: 10 }, h.ctx('olga'));
    expect(onTime.total).toBe(0);
    const byState = await h.service.queue({ scope: 'all', states: ['new'], sort: 'priority', direction: 'asc', offset: 0, limit: 1 }, h.ctx('olga'));
    expect([byState.total, byState.rows.map((r) => r.id)]).toEqual([2, [ticketId]]);
  });

  it('a priority change cannot undo a breach', async () => {
    const e = await error(h.service.triage({ ticketId, priority: 'low' }, h.ctx('olga')));
    expect([e.code, e.message]).toEqual(['CONFLICT', `ticket ${ticketId}: the triage target was already missed at 2026-11-28T10:00:00.000Z; a priority change cannot undo a breach`]);
    expect((await h.store.getTicket(ticketId))!.state).toBe('new');
  });

  it('the dashboard equals the one recomputed from the audit events alone', async () => {
    h.clock.set('2026-11-28T12:00:00.000Z');
    await h.service.triage({ ticketId }, h.ctx('olga'));
    await h.service.decide({ ticketId, outcome: 'upheld', rationale: 'cross-tenant reads stay closed', evidenceLinks: [] }, h.ctx('olga'));
    await h.service.triage({ ticketId: 'ot-0002', priority: 'urgent' }, h.ctx('olga'));
    const dashboard = await h.service.dashboard({}, h.ctx('alice'));
    expect(dashboard).toMatchObject({ tickets: 3, decided: 1, decidedOnTime: 0, onTimePercent: 0, breaches: { triage: 2, decision: 2 }, outcomes: { upheld: 1, overturned: 0, modified: 0 } });
    expect(dashboardFromAudit(await allEvents(h), dashboard.at)).toEqual(dashboard);
  });
});
