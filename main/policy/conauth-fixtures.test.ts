import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONAUTH_SEQUENCES } from '../../fixtures/conauth/sequences.ts';
import { createStoreLocation, skipStoreKind, STORE_KINDS, type TestStoreLocation } from '../store/testing/store-targets.ts';
import { appealLinkFor } from './pep.ts';
import { asExpectation, runConauthSequence, type StepOutcome } from './testing/run-conauth.ts';
import { openPolicyWorkbench, type PolicyWorkbench } from './policy-workbench.ts';

const NOW = new Date('2026-11-28T12:00:00.000Z');

describe.each(STORE_KINDS)('continuous-authorization fixtures on %s', (kind) => {
  let loc: TestStoreLocation;
  let wb: PolicyWorkbench;
  const outcomes: StepOutcome[] = [];

  beforeAll(async () => {
    if (skipStoreKind(kind)) return;
    loc = await createStoreLocation(kind);
    wb = await openPolicyWorkbench({ dataDir: loc.dataDir, databaseUrl: loc.databaseUrl, now: () => NOW });
  });
  afterAll(async () => {
    await wb?.close();
    await loc?.cleanup();
  });

  it.skipIf(skipStoreKind(kind)).each(CONAUTH_SEQUENCES.map((s) => [s.name, s] as const))('%s', async (_name, seq) => {
    const got = await runConauthSequence(wb, seq);
    outcomes.push(...got);
    expect(got.map((o) => [o.what, asExpectation(o.got)])).toEqual(got.map((o) => [o.what, o.expected]));
  });

  it.skipIf(skipStoreKind(kind))('every denial over the sequences carries an appeal link to its audited decision (share reported)', async () => {
    const denials = outcomes.filter((o) => o.got !== 'allow');
    expect(denials.length).toBeGreaterThanOrEqual(12);
    let linked = 0;
    for (const d of denials) {
      const details = (d.got as { details: Record<string, unknown> }).details;
      const event = await wb.store.getAuditEvent(String(details.decisionId));
      const ok =
        event !== undefined &&
        event.decision === 'deny' &&
        details.appealLink === appealLinkFor(event.id) &&
        typeof details.reason === 'string' &&
        details.reason.length > 0 &&
        JSON.stringify(event.payload.policyIds) === JSON.stringify(details.policyIds) &&
        event.payload.epoch === details.epoch;
      if (ok) linked += 1;
    }
    const share = linked / denials.length;
    console.log(`[conauth/${kind}] denials with an appeal link: ${linked}/${denials.length} = ${(share * 100).toFixed(1)}%`);
    expect(share).toBe(1);
  });

  it.skipIf(skipStoreKind(kind))('a stale session is recorded as such: the audit event names the epoch it presented', async () => {
    const stale = outcomes.filter((o) => o.sessionEpoch !== undefined && o.got !== 'allow');
    expect(stale.length).toBeGreaterThan(0);
    for (const s of stale) {
      const details = (s.got as { details: Record<string, unknown> }).details;
      const event = (await wb.store.getAuditEvent(String(details.decisionId)))!;
      expect(event.payload.sessionEpoch).toBe(s.sessionEpoch);
      expect(event.payload.epoch).toBeGreaterThan(s.sessionEpoch!);
      expect(event.payload.cached).toBeUndefined();
    }
  });

  it.skipIf(skipStoreKind(kind))('the audit chain still verifies after every decision and change', async () => {
    expect(await wb.store.verifyAuditChain()).toMatchObject({ ok: true, firstBrokenSeq: null });
  });
});
