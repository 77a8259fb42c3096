import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appeals } from '../../shared/api/appeals.ts';
import { createDispatcher, methodsOf, type Dispatch } from '../../shared/api/contract.ts';
import type { WorkbenchError } from '../../shared/api/errors.ts';
import { DEMO_EVIDENCE } from '../store/demo-seed.ts';
import { appealsImpl } from './create-appeals.ts';
import { startAppealsHarness, type AppealsHarness } from './testing/appeals-harness.ts';

const ev001 = DEMO_EVIDENCE.find((e) => e.id === 'ev-001')!;

describe('the appeals namespace through the contract dispatcher', () => {
  let h: AppealsHarness;
  let dispatch: Dispatch;
  const call = (method: string, input: unknown, actorId: string) => dispatch(method, { input, session: { actorId } }, { transport: 'in-process' });
  const fails = async (p: Promise<unknown>) => (await p.then(() => undefined, (e: unknown) => e)) as WorkbenchError;

  beforeAll(async () => {
    h = await startAppealsHarness();
    dispatch = createDispatcher({ appeals }, { appeals: appealsImpl(h.service) });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('marks every method sensitive', () => {
    expect(methodsOf({ appeals }).filter(([, m]) => !m.sensitive)).toEqual([]);
    expect(methodsOf({ appeals }).map(([n]) => n)).toEqual([
      'appeals.artifact',
      'appeals.comment',
      'appeals.dashboard',
      'appeals.decide',
      'appeals.denial',
      'appeals.exceptions',
      'appeals.get',
      'appeals.open',
      'appeals.provideInfo',
      'appeals.queue',
      'appeals.requestInfo',
      'appeals.revokeException',
      'appeals.setSlaPolicy',
      'appeals.slaPolicy',
      'appeals.triage',
      'appeals.verifyArtifacts',
    ]);
  });

  it('rejects bad input with BAD_INPUT naming the field, before any decision is made', async () => {
    const before = (await h.store.listAuditEvents({ limit: 100_000 })).length;
    const blank = await fails(call('appeals.open', { denialEventId: 'ae-000003', justification: '   ' }, 'arun'));
    expect([blank.code, blank.message]).toEqual(['BAD_INPUT', 'appeals.open input: justification: Too small: expected string to have >=1 characters']);
    const link = await fails(call('appeals.decide', { ticketId: 'ot-0001', outcome: 'upheld', rationale: 'r', evidenceLinks: ['no scheme'] }, 'olga'));
    expect(link.details?.issues).toEqual([{ path: 'evidenceLinks.0', message: 'a link of the form scheme:reference (e.g. evidence:ev-004, audit:ae-000003, https://…)' }]);
    const outcome = await fails(call('appeals.decide', { ticketId: 'ot-0001', outcome: 'granted', rationale: 'r' }, 'olga'));
    expect(outcome.message).toBe('appeals.decide input: outcome: Invalid option: expected one of "upheld"|"overturned"|"modified"');
    const policy = await fails(
      call(
        'appeals.setSlaPolicy',
        { name: 'p', targets: { timeToTriage: { low: 10, normal: 10, high: 10, urgent: 999 }, timeToDecision: { low: 60, normal: 60, high: 60, urgent: 60 } }, calendar: null },
        'admin',
      ),
    );
    expect(policy.message).toBe('appeals.setSlaPolicy input: targets.timeToTriage.urgent: time to triage exceeds time to decision for urgent');
    const calendar = await fails(
      call(
        'appeals.setSlaPolicy',
        {
          name: 'p',
          targets: { timeToTriage: { low: 10, normal: 10, high: 10, urgent: 10 }, timeToDecision: { low: 60, normal: 60, high: 60, urgent: 60 } },
          calendar: { utcOffsetMinutes: 0, workdays: [1], start: '17:00', end: '09:00' },
        },
        'admin',
      ),
    );
    expect(calendar.message).toBe('appeals.setSlaPolicy input: calendar.end: start must be before end');
    expect((await h.store.listAuditEvents({ limit: 100_000 })).length).toBe(before);
  });

  it('a denial crosses the dispatcher as DENIED with its appeal link; the output is validated', async () => {
    const denied = await fails(call('appeals.queue', {}, 'arun'));
    expect(denied.code).toBe('DENIED');
    expect(denied.details?.appealLink).toMatch(/^#\/appeals\/new\?denial=ae-\d{6}$/);
    const page = (await call('appeals.queue', { scope: 'mine' }, 'arun')) as { total: number; rows: Array<{ id: string }> };
    expect(page.rows.map((r) => r.id)).toEqual(['ot-0001']);
  });

  it('the appeal modal’s data: causes, suggestions and whether it can be appealed', async () => {
    const d = await h.deny('arun', 'evidence.export', { type: 'evidence', id: ev001.id, labels: ev001.labels });
    const ctx = (await call('appeals.denial', { denialEventId: d }, 'arun')) as {
      appealable: boolean;
      causes: unknown[];
      suggestions: Array<{ kind: string }>;
      appealLink: string;
    };
    expect(ctx).toMatchObject({ appealable: true, appealLink: `#/appeals/new?denial=${d}`, causes: [{ label: 'sensitivity', value: 'confidential', allowedWith: 'public' }] });
    expect(ctx.suggestions.map((s) => s.kind)).toEqual(['redacted-export']);
    const forOmbuds = (await call('appeals.denial', { denialEventId: d }, 'olga')) as { appealable: boolean; notAppealableReason: string };
    expect(forOmbuds).toMatchObject({ appealable: false, notAppealableReason: 'only arun, who was denied, can appeal it' });
    const appealed = (await call('appeals.denial', { denialEventId: 'ae-000003' }, 'arun')) as { appealable: boolean; existingTicketId: string };
    expect(appealed).toMatchObject({ appealable: false, existingTicketId: 'ot-0001' });
  });
});
