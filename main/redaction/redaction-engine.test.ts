import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { WorkbenchError } from '../../shared/api/errors.ts';
import { fixtureCases, fixtureEmbedding } from '../../fixtures/vector/generate-vectors.ts';
import { STORE_KINDS, skipStoreKind } from '../store/testing/store-targets.ts';
import { decodeEmbedding } from './embedding.ts';
import { checkCertificate, type ErasureCertificate } from './erasure-certificate.ts';
import { verifyJob } from './job-verifier.ts';
import { vectorsDir } from './open-redaction.ts';
import type { RetentionPolicy } from './retention-policy.ts';
import { shardFileName } from './shard-schema.ts';
import { AT, startRedactionHarness, type RedactionHarness } from './testing/redaction-harness.ts';
import type { VectorBackend } from './vector-backend.ts';

const harnesses: RedactionHarness[] = [];
afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.close();
});

async function harness(kind: 'sqlite' | 'postgres'): Promise<RedactionHarness> {
  const h = await startRedactionHarness({ kind });
  harnesses.push(h);
  return h;
}

function policy(h: RedactionHarness, at = AT): RetentionPolicy {
  return { cases: fixtureCases(h.spec).slice(0, 12), purposes: ['research'], retention: '90d', at };
}

async function dump(b: VectorBackend): Promise<string[]> {
  const rows: string[] = [];
  for (let s = 0; s < b.shards; s++) {
    await b.scan(s, (id, caseId, purpose, createdAt, tenant, e) => rows.push(`${id}|${caseId}|${purpose}|${createdAt}|${tenant}|${Buffer.from(e).toString('hex')}`));
  }
  return rows.sort();
}

function verifyDeps(h: RedactionHarness) {
  const r = h.redaction;
  return {
    store: h.store,
    backend: r.backend,
    jobs: r.jobs,
    vectors: r.vectors,
    loadPlan: (x: string) => r.engine.loadPlan(x),
    certificate: (id: string) => r.engine.certificate(id),
    trustedKeyId: () => r.engine.signingKeyId(),
  };
}

const fixtureProbes = (h: RedactionHarness) => async (ids: readonly number[]) => ids.map((id) => ({ id, vector: fixtureEmbedding(h.spec, id) }));

describe.each(STORE_KINDS)('vector redaction on %s', (kind) => {
  const skip = skipStoreKind(kind);

  it.skipIf(skip)('a recall hides the planned vectors from every query at once, and restore inside the grace window brings them back', async () => {
    const h = await harness(kind);
    const { engine, vectors } = h.redaction;
    const hashed = await engine.dryRun(policy(h));
    const id = hashed.plan.shards[1]!.ids[0]!;
    const row = (await vectors.get(id))!;
    const own = decodeEmbedding(row.embedding, 32);
    expect((await vectors.nearestMany([own], 3))[0]![0]).toEqual({ id, shard: 1, distance: 0 });

    const { job, created } = await engine.createJob(hashed, { actorId: 'sam', at: AT, grace: '1d' });
    expect(created).toBe(true);
    expect(job).toMatchObject({ state: 'recalled', total: hashed.plan.totals.vectors, graceUntil: '2026-11-29T12:00:00.000Z', createdBy: 'sam' });
    expect(await vectors.get(id)).toBeUndefined();
    expect((await vectors.nearestMany([own], 10))[0]!.some((x) => x.id === id)).toBe(false);
    // Nothing has been deleted: the rows are only hidden.
    expect(await h.redaction.backend.getById(id)).toBeDefined();
    await expect(vectors.ingest([{ ...row, id: 999_001, embedding: own }])).rejects.toMatchObject({ code: 'CONFLICT' });

    await expect(engine.purge(job.id, { actorId: 'sam', at: AT })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: `job ${job.id}: is in its grace window until 2026-11-29T12:00:00.000Z; purge after that, or restore it`,
    });
    const restored = await engine.restore(job.id, { actorId: 'sam', at: '2026-11-29T11:59:59.999Z' });
    expect(restored.state).toBe('restored');
    expect(await vectors.get(id)).toMatchObject({ id, caseId: row.caseId });
    await expect(engine.restore(job.id, { actorId: 'sam', at: AT })).rejects.toMatchObject({ code: 'CONFLICT' });
    const actions = (await h.store.listAuditEvents({ afterSeq: 0, limit: 1000 })).map((e) => e.action);
    expect(actions.filter((a) => a === 'vectors.recall' || a === 'vectors.restore')).toEqual(['vectors.recall', 'vectors.restore']);
  });

  it.skipIf(skip)('logs each search with the ids it returned, so a later dry-run names the queries it affects', async () => {
    const h = await harness(kind);
    const { engine, vectors } = h.redaction;
    const before = await engine.dryRun(policy(h));
    const id = before.plan.shards[3]!.ids[5]!;
    const own = fixtureEmbedding(h.spec, id);
    const { queryId, hits } = await vectors.search(own, 4, { actorId: 'sam', at: AT });
    expect(hits[0]).toEqual({ id, shard: 3, distance: 0 });
    expect(hits).toHaveLength(4);
    const after = await engine.dryRun(policy(h));
    const q = after.plan.affectedQueries.find((x) => x.queryId === queryId);
    const erased = new Set(after.plan.shards.flatMap((s) => Array.from(s.ids)));
    expect(q).toEqual({ queryId, at: AT, actorId: 'sam', ids: hits.map((x) => x.id).filter((x) => erased.has(x)).sort((a, b) => a - b) });
    expect(after.planHash).not.toBe(before.planHash);
    // Ids are unique across the store, checked at ingest.
    const row = (await vectors.get(id))!;
    await expect(vectors.ingest([{ ...row, caseId: 'CASE-999', embedding: own }])).rejects.toMatchObject({ code: 'CONFLICT', message: `vectors: ids already stored: ${id}` });
  });

  it.skipIf(skip)('the recall becomes final when the grace window ends', async () => {
    const h = await harness(kind);
    const { engine } = h.redaction;
    const { job } = await engine.createJob(await engine.dryRun(policy(h)), { actorId: 'sam', at: AT, grace: '1h' });
    await expect(engine.restore(job.id, { actorId: 'sam', at: '2026-11-28T13:00:00.000Z' })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: `job ${job.id}: its grace window ended at 2026-11-28T13:00:00.000Z; the recall is final`,
    });
    expect((await engine.purge(job.id, { actorId: 'sam', at: '2026-11-28T13:00:00.000Z' })).state).toBe('completed');
  });

  it.skipIf(skip)('apply refuses, with the differences, when the data no longer matches the plan — and changes nothing', async () => {
    const h = await harness(kind);
    const { engine, vectors, backend, jobs } = h.redaction;
    const hashed = await engine.dryRun(policy(h));
    const victim = hashed.plan.shards[2]!.ids[3]!;
    const row = (await backend.getById(victim))!;
    await vectors.ingest([{ id: 999_002, tenant: row.tenant, region: row.region, caseId: row.caseId, purpose: 'research', createdAt: row.createdAt, embedding: new Array(32).fill(0.5) }]);
    const before = await dump(backend);
    const err = (await engine.createJob(hashed, { actorId: 'sam', at: AT, grace: '0s' }).catch((e: unknown) => e)) as WorkbenchError;
    expect(err).toBeInstanceOf(WorkbenchError);
    expect(err.code).toBe('CONFLICT');
    const shard = 999_002 % 4;
    const planned = hashed.plan.shards[shard]!.count;
    expect(err.message).toBe(
      `plan ${hashed.planHash}: the data no longer matches the plan; nothing was changed. shard ${shard}: planned ${planned}, found ${planned + 1} (0 missing, 1 unexpected)`,
    );
    expect(err.details?.differences).toEqual([{ shard, planned, found: planned + 1, missing: [], missingCount: 0, unexpected: [999_002], unexpectedCount: 1 }]);
    expect(await jobs.listJobs()).toEqual([]);
    expect(await dump(backend)).toEqual(before);
  });

  it.skipIf(skip)('the purge erases exactly the plan, chains a receipt per batch into the audit trail, and signs a certificate that verifies', async () => {
    const h = await harness(kind);
    const { engine, backend, jobs } = h.redaction;
    const before = await dump(backend);
    const hashed = await engine.dryRun(policy(h));
    const erased = new Set(hashed.plan.shards.flatMap((s) => Array.from(s.ids)));
    const { job } = await engine.createJob(hashed, { actorId: 'sam', at: AT, grace: '0s', batchSize: 40 });
    const progress: number[] = [];
    const done = await engine.purge(job.id, { actorId: 'sam', at: AT, onProgress: (p) => progress.push(p.done) });
    expect(done).toMatchObject({ state: 'completed', receipted: { batches: job.batchCount, vectors: hashed.plan.totals.vectors }, hasCertificate: true, error: null });
    expect(job.batchCount).toBeGreaterThan(4);
    expect(progress[0]).toBe(0);
    expect(progress[progress.length - 1]).toBe(hashed.plan.totals.vectors);
    expect(await dump(backend)).toEqual(before.filter((r) => !erased.has(Number(r.split('|')[0]))));

    const receipts = await jobs.receipts(job.id);
    expect(receipts.map((r) => r.seq)).toEqual(Array.from({ length: job.batchCount }, (_, i) => i));
    expect(receipts.reduce((n, r) => n + r.count, 0)).toBe(hashed.plan.totals.vectors);
    for (const r of receipts) {
      const ev = (await h.store.getAuditEvent(r.auditEventId))!;
      expect(ev).toMatchObject({ action: 'vectors.purge.receipt', resourceType: 'redaction-job', resourceId: job.id, decision: 'info', actorId: 'sam' });
      expect(ev.payload).toEqual({ jobId: job.id, batch: r.seq, shard: r.shard, firstId: r.firstId, lastId: r.lastId, count: r.count, digest: r.digest });
    }
    expect((await h.store.verifyAuditChain()).ok).toBe(true);

    const cert = (await engine.certificate(job.id))!;
    expect(cert.body).toMatchObject({
      jobId: job.id,
      planHash: hashed.planHash,
      erased: { vectors: hashed.plan.totals.vectors, batches: job.batchCount },
      remainingMatching: 0,
      issuedAt: AT,
      recalledAt: AT,
    });
    expect(checkCertificate(cert, { trustedKeyId: engine.signingKeyId(), receipts }).every((c) => c.ok)).toBe(true);
    const forged: ErasureCertificate = structuredClone(cert);
    forged.body.erased.vectors += 1;
    expect(checkCertificate(forged, { trustedKeyId: engine.signingKeyId() }).find((c) => c.name === 'signature')).toEqual({
      name: 'signature',
      ok: false,
      detail: 'signature does not verify',
    });

    const v = await verifyJob(verifyDeps(h), done, { probes: fixtureProbes(h), maxProbes: 8 });
    expect(v.checks.map((c) => [c.name, c.ok, c.skipped ?? false])).toEqual([
      ['job state', true, false],
      ['plan', true, false],
      ['policy predicate', true, false],
      ['erased ids by id', true, false],
      ['nearest-neighbour search', true, false],
      ['certificate', true, false],
      ['receipts', true, false],
      ['audit trail', true, false],
    ]);
    expect(v).toMatchObject({ verdict: 'verified', remainingMatching: 0, retrievableById: [], retrievableByIdCount: 0, nearestNeighbour: { probes: 8, k: 10, found: [] } });

    // Applying the same plan again is the same job, already complete.
    expect(await engine.createJob(hashed, { actorId: 'sam', at: AT, grace: '0s' })).toMatchObject({ created: false, job: { id: job.id, state: 'completed' } });
  });

  it.skipIf(skip)('verify fails closed when an erased vector is back', async () => {
    const h = await harness(kind);
    const { engine, backend } = h.redaction;
    const hashed = await engine.dryRun(policy(h));
    const id = hashed.plan.shards[0]!.ids[0]!;
    const row = (await backend.getById(id))!;
    const { job } = await engine.createJob(hashed, { actorId: 'sam', at: AT, grace: '0s' });
    const done = await engine.purge(job.id, { actorId: 'sam', at: AT });
    await backend.insertRows(0, [{ ...row, caseId: 'CASE-999' }]);
    const v = await verifyJob(verifyDeps(h), done, { probes: fixtureProbes(h), maxProbes: 4 });
    expect(v.verdict).toBe('not-verified');
    expect(v.retrievableById).toEqual([id]);
    expect(v.checks.find((c) => c.name === 'erased ids by id')).toMatchObject({ ok: false });
    expect(v.nearestNeighbour.found).toEqual([id]);
    expect(v.checks.find((c) => c.name === 'policy predicate')).toMatchObject({ ok: true });
  });

  it.skipIf(skip)('cancelled and resumed, a purge ends in the same state as an uninterrupted one', async () => {
    const a = await harness(kind);
    const b = await harness(kind);
    const planA = await a.redaction.engine.dryRun(policy(a));
    const planB = await b.redaction.engine.dryRun(policy(b));
    expect(planB.planHash).toBe(planA.planHash);
    const jobA = (await a.redaction.engine.createJob(planA, { actorId: 'sam', at: AT, grace: '0s', batchSize: 25 })).job;
    const jobB = (await b.redaction.engine.createJob(planB, { actorId: 'sam', at: AT, grace: '0s', batchSize: 25 })).job;
    await a.redaction.engine.purge(jobA.id, { actorId: 'sam', at: AT });

    const controller = new AbortController();
    const paused = await b.redaction.engine.purge(jobB.id, {
      actorId: 'sam',
      at: AT,
      signal: controller.signal,
      maxConcurrency: 1,
      onProgress: (p) => {
        if (p.batchesDone >= 3) controller.abort();
      },
    });
    expect(paused.state).toBe('paused');
    expect(paused.receipted.batches).toBeGreaterThanOrEqual(3);
    expect(paused.receipted.batches).toBeLessThan(jobB.batchCount);
    const resumed = await b.redaction.engine.purge(jobB.id, { actorId: 'sam', at: AT });
    expect(resumed.state).toBe('completed');

    expect(await dump(b.redaction.backend)).toEqual(await dump(a.redaction.backend));
    const strip = (rs: Array<{ auditEventId?: string }>) => rs.map(({ auditEventId: _, ...r }) => r);
    expect(strip(await b.redaction.jobs.receipts(jobB.id))).toEqual(strip(await a.redaction.jobs.receipts(jobA.id)));
    expect(await b.redaction.backend.receipts(jobB.id)).toEqual(await a.redaction.backend.receipts(jobA.id));
    const certA = (await a.redaction.engine.certificate(jobA.id))!;
    const certB = (await b.redaction.engine.certificate(jobB.id))!;
    const { issuer: _ia, ...bodyA } = certA.body;
    const { issuer: _ib, ...bodyB } = certB.body;
    expect(bodyB).toEqual(bodyA);
    const receiptEvents = (await b.store.listAuditEvents({ afterSeq: 0, limit: 10_000 })).filter((e) => e.action === 'vectors.purge.receipt');
    expect(receiptEvents).toHaveLength(jobB.batchCount);
  });

  it.skipIf(skip)('a batch whose rows changed under the recall fails the job and deletes nothing of that batch', async () => {
    const h = await harness(kind);
    const { engine, backend } = h.redaction;
    const hashed = await engine.dryRun(policy(h));
    const { job } = await engine.createJob(hashed, { actorId: 'sam', at: AT, grace: '0s', batchSize: 1_000_000 });
    const target = (await h.redaction.jobs.batches(job.id)).find((x) => x.shard === 3)!;
    const seg = target.segments[0]!;
    // A planned row of the batch vanishes, written around the service, right in the store.
    const gone = target.lastId;
    if (kind === 'postgres') await h.store.sql.run('DELETE FROM vectors WHERE shard = 3 AND id = ?', [gone]);
    else {
      const db = new Database(join(vectorsDir(h.location.dataDir), shardFileName(3)));
      db.prepare('DELETE FROM vectors WHERE id = ?').run(gone);
      db.close();
    }
    const err = (await engine.purge(job.id, { actorId: 'sam', at: AT, maxConcurrency: 1 }).catch((e: unknown) => e)) as WorkbenchError;
    expect(err.code).toBe('CONFLICT');
    expect(err.message).toMatch(new RegExp(`^job ${job.id}: batch ${target.seq} \\(shard 3\\) found ${target.count - 1} rows with digest [0-9a-f]{64}, the plan fixed ${target.count} with ${target.digest}; nothing of that batch was deleted$`));
    const now = await h.redaction.jobs.requireJob(job.id);
    expect(now.state).toBe('failed');
    expect(now.error).toBe(err.message.slice(`job ${job.id}: `.length));
    expect(await backend.countInRanges(3, [{ caseId: seg.caseId, purpose: seg.purpose, beforeMs: seg.beforeMs }])).toBeGreaterThan(0);
    expect(await engine.certificate(job.id)).toBeUndefined();
  });

  // On SQLite the row lands inside a batch's key range (a batch mismatch); on PostgreSQL it
  // lies outside every batch's id interval, and the recount after the last batch finds it.
  it.skipIf(skip)('a row written into a recalled range around the service: the job fails and no certificate is issued', async () => {
    const h = await harness(kind);
    const { engine, backend } = h.redaction;
    const hashed = await engine.dryRun(policy(h));
    const { job } = await engine.createJob(hashed, { actorId: 'sam', at: AT, grace: '0s', batchSize: 1_000_000 });
    const seg = (await h.redaction.jobs.batches(job.id)).find((x) => x.shard === 3)!.segments[0]!;
    await backend.insertRows(3, [{ id: 999_003, tenant: 'tenant-0', region: 'eu-central-1', caseId: seg.caseId, purpose: seg.purpose, createdAt: 0, embedding: Buffer.alloc(128) }]);
    const err = (await engine.purge(job.id, { actorId: 'sam', at: AT, maxConcurrency: 1 }).catch((e: unknown) => e)) as WorkbenchError;
    expect(err.code).toBe('CONFLICT');
    expect((await h.redaction.jobs.requireJob(job.id)).state).toBe('failed');
    expect(await engine.certificate(job.id)).toBeUndefined();
    expect((await backend.getById(999_003))?.caseId).toBe(seg.caseId);
  });
});
