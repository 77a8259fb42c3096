import { afterEach, describe, expect, it } from 'vitest';
import { createDispatcher, methodsOf } from '../../shared/api/contract.ts';
import { WorkbenchError } from '../../shared/api/errors.ts';
import { redaction, redactionEvents } from '../../shared/api/redaction.ts';
import { fixtureCases } from '../../fixtures/vector/generate-vectors.ts';
import { AT, startRedactionHarness, type RedactionHarness } from './testing/redaction-harness.ts';

const harnesses: RedactionHarness[] = [];
afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.close();
});

async function setup(opts: { backlogThreshold?: number } = {}) {
  const h = await startRedactionHarness(opts);
  harnesses.push(h);
  const dispatch = createDispatcher({ redaction }, { redaction: h.service });
  const call = (method: string, input: unknown, actorId = 'sam') => dispatch(`redaction.${method}`, { input, session: { actorId } }, { transport: 'in-process' });
  const policy = { cases: fixtureCases(h.spec).slice(0, 10), purposes: ['research'], retention: '90d' };
  return { h, call, policy };
}

type Diff = { planHash: string; totals: { vectors: number }; shards: Array<{ shard: number; count: number; sampleIds: number[] }> };
type Job = { id: string; state: string; erased: number; total: number; running: boolean; batches: { total: number; done: number } };

describe('the redaction namespace', () => {
  it('marks every method sensitive', () => {
    expect(methodsOf({ redaction }).map(([name, spec]) => [name, spec.sensitive])).toEqual(
      ['apply', 'cancel', 'certificate', 'dryRun', 'listJobs', 'policies', 'receipts', 'restore', 'resume', 'savePolicy', 'verify'].map((m) => [`redaction.${m}`, true]),
    );
  });

  it('denies an actor without a steward role on every method, audits the denial and offers an appeal', async () => {
    const { h, call, policy } = await setup();
    const inputs: Record<string, unknown> = {
      policies: {},
      savePolicy: { name: 'p1', ...policy },
      dryRun: { policy },
      listJobs: {},
      apply: { planHash: 'a'.repeat(64) },
      cancel: { jobId: 'rj-0000000000000000' },
      resume: { jobId: 'rj-0000000000000000' },
      restore: { jobId: 'rj-0000000000000000' },
      receipts: { jobId: 'rj-0000000000000000' },
      certificate: { jobId: 'rj-0000000000000000' },
      verify: { jobId: 'rj-0000000000000000' },
    };
    for (const [method, input] of Object.entries(inputs)) {
      const before = (await h.store.listAuditEvents({ afterSeq: 0, limit: 10_000 })).length;
      const err = (await call(method, input, 'arun').catch((e: unknown) => e)) as WorkbenchError;
      expect(err, method).toBeInstanceOf(WorkbenchError);
      expect(err.code, method).toBe('DENIED');
      const [ev] = await h.store.listAuditEvents({ afterSeq: before, limit: 10 });
      const action = ['savePolicy', 'apply', 'cancel', 'resume', 'restore'].includes(method) ? 'vectors.purge' : 'vectors.read';
      expect(ev, method).toMatchObject({ actorId: 'arun', action, decision: 'deny', resourceType: 'vector-shard' });
      expect(err.details).toMatchObject({ decisionId: ev!.id, appealLink: `#/appeals/new?denial=${ev!.id}`, reason: `${action} needs one of the roles data_steward, admin` });
    }
  });

  it('dry-run shows the diff with sample ids and progress; apply purges in the background with live events; receipts, certificate and verify follow', async () => {
    const { h, call, policy } = await setup();
    const diff = (await call('dryRun', { policy, at: AT, sample: 3, progressId: 'p-1' })) as Diff;
    expect(diff.totals.vectors).toBeGreaterThan(100);
    for (const s of diff.shards) expect(s.sampleIds).toHaveLength(Math.min(3, s.count));
    const progress = h.events.flatMap((e) => (e.topic === 'progress' && e.payload.jobId === 'p-1' ? [e.payload] : []));
    expect(progress[progress.length - 1]).toEqual({ jobId: 'p-1', label: `dry-run: ${diff.totals.vectors} vectors would be erased`, done: 4, total: 4, finished: true });
    expect(progress.filter((p) => !p.finished).map((p) => p.done)).toEqual([1, 2, 3, 4]);

    const started = (await call('apply', { planHash: diff.planHash, at: AT, batchSize: 30 })) as Job;
    expect(started).toMatchObject({ id: `rj-${diff.planHash.slice(0, 16)}`, total: diff.totals.vectors });
    await h.service.settled(started.id);
    const { jobs, backlog } = (await call('listJobs', {})) as { jobs: Job[]; backlog: unknown };
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ id: started.id, state: 'completed', erased: diff.totals.vectors, running: false });
    expect(backlog).toEqual({ vectors: 0, jobs: 0, threshold: 1_000_000 });

    const jobEvents = h.events.filter((e) => e.topic === 'redaction.job').map((e) => e.payload as { state: string; erased: number });
    for (const e of h.events.filter((x) => x.topic === 'redaction.job')) expect(redactionEvents['redaction.job'].safeParse(e.payload).success).toBe(true);
    expect(jobEvents[0]).toMatchObject({ state: 'recalled', erased: 0 });
    expect(jobEvents.some((e) => e.state === 'purging' && e.erased > 0)).toBe(true);
    expect(jobEvents[jobEvents.length - 1]).toMatchObject({ state: 'completed', erased: diff.totals.vectors });

    const page1 = (await call('receipts', { jobId: started.id, limit: 2 })) as { receipts: Array<{ batch: number; count: number }>; total: number };
    expect(page1.receipts.map((r) => r.batch)).toEqual([0, 1]);
    expect(page1.total).toBe(jobs[0]!.batches.total);
    const page2 = (await call('receipts', { jobId: started.id, afterBatch: 1, limit: 1000 })) as typeof page1;
    expect(page2.receipts[0]!.batch).toBe(2);
    expect([...page1.receipts, ...page2.receipts].reduce((n, r) => n + r.count, 0)).toBe(diff.totals.vectors);

    const cert = (await call('certificate', { jobId: started.id })) as { certificate: { body: { planHash: string } }; checks: Array<{ ok: boolean }> };
    expect(cert.certificate.body.planHash).toBe(diff.planHash);
    expect(cert.checks.map((c) => c.ok)).toEqual([true, true, true, true]);

    const v = (await call('verify', { jobId: started.id })) as { verdict: string; checks: Array<{ name: string; skipped?: boolean }> };
    expect(v.verdict).toBe('verified');
    expect(v.checks.find((c) => c.name === 'nearest-neighbour search')?.skipped).toBe(true);
  });

  it('apply with a grace window recalls and waits: resume is refused until it ends, restore lifts the recall', async () => {
    const { call, policy } = await setup();
    const diff = (await call('dryRun', { policy, at: AT })) as Diff;
    const job = (await call('apply', { planHash: diff.planHash, at: AT, grace: '7d' })) as Job;
    expect(job).toMatchObject({ state: 'recalled', running: false, erased: 0 });
    await expect(call('resume', { jobId: job.id, at: '2026-12-01T00:00:00.000Z' })).rejects.toMatchObject({ code: 'CONFLICT', details: { graceUntil: '2026-12-05T12:00:00.000Z' } });
    expect(await call('restore', { jobId: job.id, at: '2026-12-01T00:00:00.000Z' })).toMatchObject({ state: 'restored' });
    await expect(call('resume', { jobId: job.id })).rejects.toMatchObject({ code: 'CONFLICT', message: `job ${job.id}: is restored; there is nothing to resume` });
  });

  it('cancel pauses a running purge after the batches in flight; resume finishes it', async () => {
    const { h, call, policy } = await setup();
    const diff = (await call('dryRun', { policy, at: AT })) as Diff;
    // 10 rows per second per shard: slow enough to cancel mid-way.
    const job = (await call('apply', { planHash: diff.planHash, at: AT, batchSize: 10, rowsPerSecondPerShard: 10 })) as Job;
    expect(job.running).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    const paused = (await call('cancel', { jobId: job.id })) as Job;
    expect(paused).toMatchObject({ state: 'paused', running: false });
    expect(paused.erased).toBeLessThan(diff.totals.vectors);
    await call('resume', { jobId: job.id });
    await h.service.settled(job.id);
    expect(((await call('listJobs', {})) as { jobs: Job[] }).jobs[0]).toMatchObject({ state: 'completed', erased: diff.totals.vectors });
  });

  it('alerts when the recall backlog exceeds the threshold', async () => {
    const { h, call, policy } = await setup({ backlogThreshold: 50 });
    const diff = (await call('dryRun', { policy, at: AT })) as Diff;
    await call('apply', { planHash: diff.planHash, at: AT, grace: '1d' });
    const alerts = h.events.filter((e) => e.topic === 'redaction.backlog').map((e) => e.payload);
    expect(alerts).toEqual([{ vectors: diff.totals.vectors, jobs: 1, threshold: 50 }]);
  });

  it('stored policies: saved under a name (audited), listed, and usable by name', async () => {
    const { h, call, policy } = await setup();
    expect(await call('savePolicy', { name: 'research-90d', ...policy })).toEqual({ name: 'research-90d', ...policy, savedBy: 'sam', savedAt: AT });
    expect(await call('policies', {})).toEqual({ policies: [{ name: 'research-90d', ...policy, savedBy: 'sam', savedAt: AT }] });
    const byName = (await call('dryRun', { policy: { name: 'research-90d' }, at: AT })) as Diff & { policy: { name?: string } };
    const inline = (await call('dryRun', { policy, at: AT })) as Diff;
    expect(byName.totals).toEqual(inline.totals);
    expect(byName.policy.name).toBe('research-90d');
    await expect(call('dryRun', { policy: { name: 'nope' } })).rejects.toMatchObject({ code: 'NOT_FOUND', message: 'policy.name: no stored policy named "nope"' });
    const saved = (await h.store.listAuditEvents({ afterSeq: 0, limit: 10_000 })).filter((e) => e.action === 'vectors.purge' && e.resourceId === 'policy:research-90d');
    expect(saved).toHaveLength(1);
  });

  it('rejects bad input with the field named', async () => {
    const { call } = await setup();
    await expect(call('apply', { planHash: 'a'.repeat(64), planPath: '/x' })).rejects.toMatchObject({ code: 'BAD_INPUT', message: 'redaction.apply input: planHash: give exactly one of planHash and planPath' });
    await expect(call('dryRun', { policy: { cases: ['A'], purposes: ['p'], retention: '90 days' } })).rejects.toMatchObject({ code: 'BAD_INPUT' });
    await expect(call('apply', { planHash: 'b'.repeat(64) })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(call('certificate', { jobId: 'rj-0000000000000000' })).rejects.toMatchObject({ code: 'NOT_FOUND', message: 'job rj-0000000000000000: no such redaction job' });
  });
});
