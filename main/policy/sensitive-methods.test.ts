import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../../shared/api/index.ts';
import { methodsOf } from '../../shared/api/contract.ts';
import { WorkbenchError } from '../../shared/api/errors.ts';
import { resolveConfig } from '../config.ts';
import { createWorkbench, type Workbench } from '../workbench.ts';

/** A valid input for every sensitive method; a new sensitive method without one fails the coverage test. */
const SAMPLE_INPUTS: Record<string, (wb: Workbench) => Promise<unknown>> = {
  'audit.list': async () => ({}),
  'audit.verifyChain': async () => ({}),
  'evidence.list': async () => ({ tenant: 'acme' }),
  'evidence.get': async (wb) => ({ id: (await wb.store.listEvidence({ limit: 1 }))[0]!.id }),
  'verify.run': async () => ({ path: '/nonexistent/pack' }),
};

describe('every sensitive method goes through the PEP', () => {
  let dataDir: string;
  let wb: Workbench;
  const sensitive = methodsOf(api).filter(([, spec]) => spec.sensitive).map(([name]) => name);

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'wb-pep-'));
    wb = await createWorkbench(resolveConfig({}, { dataDir, now: () => new Date('2026-11-28T12:00:00.000Z') }));
    await wb.store.upsertActor({ id: 'nobody', displayName: 'No Rights', tenant: 'acme', region: 'us-west-2', roles: [] }, '2026-11-28T12:00:00.000Z');
  });
  afterAll(async () => {
    await wb?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('has a sample input for each sensitive method', () => {
    expect(Object.keys(SAMPLE_INPUTS).sort()).toEqual([...sensitive].sort());
  });

  it.each(sensitive)('%s denies an actor without rights, audits it, and offers an appeal', async (name) => {
    const before = (await wb.store.listAuditEvents({ afterSeq: 0, limit: 100000 })).length;
    const input = await SAMPLE_INPUTS[name]!(wb);
    const err = (await wb.dispatch(name, { input, session: { actorId: 'nobody' } }, { transport: 'in-process' }).catch((e: unknown) => e)) as WorkbenchError;
    expect(err).toBeInstanceOf(WorkbenchError);
    expect(err.code).toBe('DENIED');
    const events = await wb.store.listAuditEvents({ afterSeq: before, limit: 10 });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actorId: 'nobody', decision: 'deny' });
    expect(err.details).toMatchObject({ decisionId: events[0]!.id, appealLink: `#/appeals/new?denial=${events[0]!.id}` });
    expect((err.details?.policyIds as string[]).length).toBeGreaterThan(0);
  });
});
