import type { DiffView, ErasureCertificate, JobView } from '../../../shared/api/redaction.ts';

/** Fixed data for the view's tests: a 3-shard dry-run, two jobs and a certificate. */
export function sampleDiff(): DiffView {
  return {
    planHash: 'ab'.repeat(32),
    planPath: '/data/redaction/plans/abab.json',
    policy: { cases: ['CASE-123'], purposes: ['research'], retention: '90d', at: '2026-11-28T12:00:00.000Z', cutoff: '2026-08-30T12:00:00.000Z' },
    store: { kind: 'sqlite', shards: 3, dimension: 32 },
    totals: { vectors: 1234, shards: 2, affectedQueries: 1 },
    shards: [
      { shard: 0, count: 1000, ranges: [{ caseId: 'CASE-123', purpose: 'research', count: 1000 }], sampleIds: [3, 6, 9] },
      { shard: 1, count: 234, ranges: [{ caseId: 'CASE-123', purpose: 'research', count: 234 }], sampleIds: [1, 4] },
      { shard: 2, count: 0, ranges: [], sampleIds: [] },
    ],
    affectedQueries: [{ queryId: 'vq-0000007', at: '2026-10-01T08:00:00.000Z', actorId: 'arun', ids: [4, 9] }],
    affectedQueriesTruncated: false,
  };
}

export function sampleJob(patch: Partial<JobView> = {}): JobView {
  return {
    id: 'rj-abababababababab',
    planHash: 'ab'.repeat(32),
    state: 'purging',
    policy: sampleDiff().policy,
    total: 1234,
    erased: 400,
    batches: { total: 5, done: 2 },
    createdBy: 'sam',
    createdAt: '2026-11-28T12:00:00.000Z',
    graceUntil: '2026-11-28T12:00:00.000Z',
    updatedAt: '2026-11-28T12:00:00.000Z',
    error: null,
    hasCertificate: false,
    running: true,
    ...patch,
  };
}

export function sampleCertificate(): ErasureCertificate {
  return {
    body: {
      format: 'compliance-workbench/erasure-certificate@1',
      jobId: 'rj-abababababababab',
      planHash: 'ab'.repeat(32),
      policy: sampleDiff().policy,
      store: { kind: 'sqlite', shards: 3, dimension: 32 },
      recalledAt: '2026-11-28T12:00:00.000Z',
      erased: { vectors: 1234, batches: 5, shards: [{ shard: 0, vectors: 1000, batches: 4 }, { shard: 1, vectors: 234, batches: 1 }] },
      receiptsChain: 'cd'.repeat(32),
      remainingMatching: 0,
      issuedAt: '2026-11-28T12:05:00.000Z',
      issuer: { keyId: 'ef'.repeat(32), publicKey: 'AAAA' },
    },
    signature: { algorithm: 'Ed25519', keyId: 'ef'.repeat(32), value: 'BBBB' },
  };
}
