import canonicalize from 'canonicalize';
import { WorkbenchError } from '../../../shared/api/errors.ts';
import { DRILL_KINDS, DRILL_NAMES, type AssuranceRun } from '../../../shared/domain/assurance.ts';
import { AssuranceRepository } from '../../assurance/assurance-repository.ts';
import type { CollectContext, Collected, Collector } from '../pack-file.ts';
import { PACK_PATHS } from '../pack-paths.ts';

export const CHAOS_RUNS_TYPE = 'compliance-workbench.chaos-runs.v1';

/** Recorded runs of one kind that started in [from, to) and had finished by `at`, newest first. */
export async function recordedRuns(ctx: CollectContext, kind: 'chaos' | 'measurement', name?: string): Promise<AssuranceRun[]> {
  const runs = await new AssuranceRepository(ctx.store.sql).list({ from: ctx.from.toISOString(), to: ctx.to.toISOString(), kind, ...(name ? { name } : {}) });
  const at = ctx.at.toISOString();
  return runs.filter((r) => r.finishedAt <= at);
}

/**
 * chaos: every fault-injection run recorded in the store in the period (`audit-pack chaos`
 * records them), with the newest run of each drill up front — what was injected, what
 * happened, the invariant and its checks. A drill with no run in the period says so.
 */
export const chaosRunsCollector: Collector = {
  section: 'chaos',
  async collect(ctx: CollectContext): Promise<Collected> {
    if (ctx.signal?.aborted) throw new WorkbenchError('CANCELLED', 'audit pack build cancelled while collecting chaos runs');
    ctx.progress?.('chaos runs');
    const runs = await recordedRuns(ctx, 'chaos');
    const drills = DRILL_NAMES.filter((d) => DRILL_KINDS[d] === 'chaos');
    const latest = drills.map((drill) => {
      const r = runs.find((x) => x.name === drill);
      return r
        ? { drill, runId: r.id, outcome: r.outcome, startedAt: r.startedAt, finishedAt: r.finishedAt, summary: r.summary, status: 'recorded' }
        : { drill, runId: null, outcome: null, startedAt: null, finishedAt: null, summary: null, status: 'no run recorded in the period' };
    });
    const failed = runs.filter((r) => r.outcome === 'failed').length;
    const latestAt = runs.reduce<string | null>((m, r) => (m === null || r.finishedAt > m ? r.finishedAt : m), null);
    const doc = {
      type: CHAOS_RUNS_TYPE,
      org: ctx.org,
      period: { from: ctx.from.toISOString(), to: ctx.to.toISOString() },
      at: ctx.at.toISOString(),
      status: runs.length === 0 ? 'no chaos run recorded in the period' : `${runs.length} chaos run${runs.length === 1 ? '' : 's'} recorded, ${failed} failed`,
      counts: {
        runs: runs.length,
        passed: runs.filter((r) => r.outcome === 'passed').length,
        failed,
        skipped: runs.filter((r) => r.outcome === 'skipped').length,
      },
      latest,
      runs,
    };
    return {
      files: [
        {
          path: PACK_PATHS.chaosRuns,
          section: 'chaos',
          title: 'Chaos runs: fault-injection drills and what they showed',
          mediaType: 'application/json',
          data: Buffer.from(canonicalize(doc)! + '\n', 'utf8'),
          records: runs.length,
          ...(latestAt ? { asOf: latestAt } : {}),
        },
      ],
      facts: { 'chaos.runs': runs.length, 'chaos.failed': failed, 'chaos.latestAt': latestAt },
    };
  },
};
