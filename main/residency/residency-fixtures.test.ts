import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkbenchError } from '../../shared/api/errors.ts';
import type { ResidencyException, ResidencyReport } from '../../shared/api/residency.ts';
import { RESIDENCY_CASES, START, type ResidencyCase, type ResidencyExpectation } from '../../fixtures/residency/cases.ts';
import { appealLinkFor } from '../policy/pep.ts';
import { openPolicyWorkbench, type PolicyWorkbench } from '../policy/policy-workbench.ts';
import { createStoreLocation, skipStoreKind, STORE_KINDS, type TestStoreLocation } from '../store/testing/store-targets.ts';
import { listResidencyEvents } from './residency-recorder.ts';

interface Observed {
  what: string;
  expected: ResidencyExpectation;
  got: ResidencyExpectation;
}

describe.each(STORE_KINDS)('residency fixtures on %s', (kind) => {
  let loc: TestStoreLocation;
  let wb: PolicyWorkbench;
  let clock = START;
  const named = new Map<string, ResidencyException>();
  let denials = 0;
  let linked = 0;
  let violationsSeen = 0;

  beforeAll(async () => {
    if (skipStoreKind(kind)) return;
    loc = await createStoreLocation(kind);
    wb = await openPolicyWorkbench({ dataDir: loc.dataDir, databaseUrl: loc.databaseUrl, now: () => new Date(clock) });
    // The migration left the demo rows unpinned; an operator pins them deliberately.
    const r = (await wb.call('residency.pinUnpinned', {}, 'admin')) as { pinned: unknown[] };
    expect(r.pinned).toHaveLength(20);
  });
  afterAll(async () => {
    await wb?.close();
    await loc?.cleanup();
  });

  async function observe(what: string, expected: ResidencyExpectation, run: () => Promise<unknown>): Promise<Observed> {
    let got: ResidencyExpectation;
    let decisionId: string;
    try {
      await run();
      const head = (await wb.store.listAuditEvents({ afterSeq: 0, limit: 100000 })).filter((e) => e.decision !== 'info').at(-1)!;
      decisionId = head.id;
      const exceptionId = (head.payload.residency as { exceptionId: string | null } | undefined)?.exceptionId ?? null;
      const name = [...named].find(([, e]) => e.id === exceptionId)?.[0];
      got = exceptionId === null ? 'allow' : { allowUnder: name ?? exceptionId };
    } catch (e) {
      if (!(e instanceof WorkbenchError) || e.code !== 'DENIED') throw e;
      denials += 1;
      decisionId = String(e.details?.decisionId);
      if (e.details?.appealLink === appealLinkFor(decisionId)) linked += 1;
      const recorded = (await listResidencyEvents(wb.store.sql)).find((r) => r.decisionId === decisionId);
      if (recorded && recorded.exceptionId === null) violationsSeen += 1;
      got = {
        deny: [...(e.details?.policyIds as string[])].sort(),
        violation: recorded && recorded.exceptionId === null ? { from: recorded.fromRegion, to: recorded.toRegion } : null,
      };
      if (recorded) {
        // The attempt is recorded with who, what, from/to and when.
        expect(recorded).toMatchObject({ at: clock, outcome: 'denied' });
        expect(recorded.actorId.length).toBeGreaterThan(0);
      }
    }
    return { what, expected, got };
  }

  async function runCase(c: ResidencyCase): Promise<Observed[]> {
    clock = START;
    const out: Observed[] = [];
    for (const step of c.steps) {
      if ('clock' in step) clock = step.clock;
      else if ('relabel' in step) await wb.store.sql.run('UPDATE evidence SET region = ? WHERE id = ?', [step.relabel.region, step.relabel.evidenceId]);
      else if ('admin' in step) {
        const input = Object.fromEntries(Object.entries(step.admin.input).map(([k, v]) => [k, typeof v === 'string' && v.startsWith('$') ? named.get(v.slice(1))!.id : v]));
        const result = (await wb.call(step.admin.method, input, 'admin')) as ResidencyException;
        if (step.admin.as) named.set(step.admin.as, result);
      } else if ('read' in step) {
        const { actor, method, input, expect: e } = step.read;
        out.push(await observe(`${actor} ${method} ${JSON.stringify(input)}`, e, () => wb.call(method, input, actor)));
      } else {
        const { actor: actorId, evidenceId, to, expect: e } = step.export;
        const actor = (await wb.store.getActor(actorId))!;
        const item = (await wb.store.getEvidence(evidenceId))!;
        out.push(
          await observe(`${actorId} export ${evidenceId} to ${to}`, e, () =>
            wb.services.residencyGuard.guardExport(actor, 'evidence.export', { type: 'evidence', id: item.id, labels: item.labels }, to),
          ),
        );
      }
    }
    return out;
  }

  it.skipIf(skipStoreKind(kind)).each(RESIDENCY_CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const got = await runCase(c);
    expect(got.map((o) => [o.what, o.got])).toEqual(got.map((o) => [o.what, o.expected]));
  });

  it.skipIf(skipStoreKind(kind))('every crossing denial carries an appeal link and is recorded once; the report counts each', async () => {
    expect(denials).toBeGreaterThanOrEqual(9);
    expect(linked).toBe(denials);
    const report = (await wb.call('residency.report', {}, 'admin')) as ResidencyReport;
    expect(report.violations.total).toBe(violationsSeen);
    expect(report.violations.denied).toBe(violationsSeen);
    expect(report.crossingsUnderException.byException.map((b) => b.count)).toEqual([1, 1]);
    const byId = new Map(report.reconciliation.checks.map((c) => [c.id, c.ok]));
    expect(byId.get('violations.counted-once')).toBe(true);
    expect(byId.get('exceptions.referenced')).toBe(true);
    // The relabelled row disagrees with its pin, so the report must not say "reconciled".
    expect(byId.get('inventory.labels-match-pins')).toBe(false);
    expect(report.reconciliation.reconciled).toBe(false);
    expect(report.inventory.mismatches).toEqual([
      { resourceType: 'evidence', resourceId: 'ev-004', labelTenant: 'globex', labelRegion: 'us-west-2', pinTenant: 'globex', pinRegion: 'eu-central-1' },
    ]);
  });
});
