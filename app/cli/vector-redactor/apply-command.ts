import { resolve } from 'node:path';
import type { JobView } from '../../../shared/api/redaction.ts';
import { EXIT, Logger, UsageError, parseFlags, type CliIo, type Subcommand } from '../cli-kit.ts';
import { STORE_FLAGS, STORE_USAGE, openCliContext, type CliContext } from './cli-context.ts';
import { ProgressBar } from './progress-bar.ts';

const PURGE_FLAGS = {
  'batch-size': { type: 'string' },
  concurrency: { type: 'string' },
  'rows-per-second': { type: 'string' },
  progress: { type: 'string' },
} as const;

function intFlag(name: string, text: string | undefined, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  const v = Number(text);
  if (!/^\d+$/.test(text) || v < min || v > max) throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(text)}`);
  return v;
}

export function formatJob(job: JobView): string {
  const lines = [
    `job ${job.id}  ${job.state.toUpperCase()}`,
    `  plan       ${job.planHash}`,
    `  erased     ${job.erased} of ${job.total} vectors (${job.batches.done}/${job.batches.total} batches receipted)`,
    `  recalled   ${job.createdAt} by ${job.createdBy}; grace until ${job.graceUntil}`,
  ];
  if (job.error) lines.push(`  error      ${job.error}`);
  return lines.join('\n') + '\n';
}

/**
 * Follows a job the service runs in the background until it stops: draws progress, turns
 * the first Ctrl-C into a cancel (the batches in flight finish, the job pauses, resumable),
 * and returns the exit code for how it ended.
 */
async function follow(c: CliContext, started: JobView, io: CliIo, progress: 'auto' | 'bar' | 'none', tty: boolean): Promise<number> {
  const log = new Logger(io, c.logFormat);
  const drawBar = progress === 'bar' || (progress === 'auto' && c.logFormat === 'text');
  const bar = new ProgressBar(io.stderr, tty);
  c.onEvent((e) => {
    if (e.topic !== 'redaction.job' || e.payload.jobId !== started.id) return;
    const p = e.payload;
    if (c.logFormat === 'json') log.log('info', 'apply.progress', { jobId: p.jobId, state: p.state, erased: p.erased, total: p.total, batchesDone: p.batchesDone, batchCount: p.batchCount, rate: Math.round(p.rate), etaSeconds: p.etaSeconds, concurrency: p.concurrency });
    if (drawBar && p.state === 'purging') bar.update({ done: p.erased, total: p.total, rate: p.rate, etaSeconds: p.etaSeconds, concurrency: p.concurrency });
  });
  let cancelled = false;
  const onSigint = () => {
    if (cancelled) return;
    cancelled = true;
    bar.end();
    io.stderr('cancelling: the batches in flight finish, then the job pauses (resume continues it)\n');
    void c.client.cancel({ jobId: started.id }).catch(() => undefined);
  };
  process.on('SIGINT', onSigint);
  try {
    await c.service.settled(started.id);
  } finally {
    process.off('SIGINT', onSigint);
    bar.end();
  }
  const job = (await c.client.listJobs({})).jobs.find((j) => j.id === started.id)!;
  io.stdout(formatJob(job));
  if (job.state === 'completed') {
    io.stdout(`  certificate vector-redactor certificate ${job.id}\n`);
    return EXIT.OK;
  }
  if (job.state === 'recalled') {
    io.stdout(`  the purge starts after ${job.graceUntil}: vector-redactor resume ${job.id}; to lift the recall before then: vector-redactor restore ${job.id}\n`);
    return EXIT.OK;
  }
  if (job.state === 'paused') io.stdout(`  resume with: vector-redactor resume ${job.id}\n`);
  return EXIT.NEGATIVE;
}

function progressMode(text: string | undefined): 'auto' | 'bar' | 'none' {
  if (text === undefined) return 'auto';
  if (text !== 'auto' && text !== 'bar' && text !== 'none') throw new UsageError('--progress is auto, bar or none');
  return text;
}

export const applyCommand: Subcommand = {
  name: 'apply',
  summary: 'apply exactly a plan: recall its vectors, purge them in checkpointed batches with receipts, issue the erasure certificate; refuses if the data changed',
  usage: `apply --plan diff.json [--grace 0s] [--batch-size N] [--concurrency N] [--rows-per-second N] [--progress auto|bar|none] ${STORE_USAGE}`,
  async run(argv, io) {
    const { values, positionals } = parseFlags(argv, { ...STORE_FLAGS, ...PURGE_FLAGS, plan: { type: 'string' }, grace: { type: 'string' } });
    if (positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
    if (!values.plan) throw new UsageError('--plan FILE is required (write one with dry-run)');
    const batchSize = intFlag('batch-size', values['batch-size'], 1, 1_000_000);
    const maxConcurrency = intFlag('concurrency', values.concurrency, 1, 16);
    const rowsPerSecondPerShard = intFlag('rows-per-second', values['rows-per-second'], 0, 1_000_000_000);
    const progress = progressMode(values.progress);
    const c = await openCliContext(values);
    try {
      const job = await c.client.apply(
        {
          planPath: resolve(values.plan),
          grace: values.grace ?? '0s',
          at: c.at,
          ...(batchSize ? { batchSize } : {}),
          ...(maxConcurrency ? { maxConcurrency } : {}),
          ...(rowsPerSecondPerShard ? { rowsPerSecondPerShard } : {}),
        },
      );
      return await follow(c, job, io, progress, process.stderr.isTTY === true);
    } finally {
      await c.close();
    }
  },
};

export const resumeCommand: Subcommand = {
  name: 'resume',
  summary: 'continue a paused, failed or interrupted purge from its checkpoints (also: start the purge of a recalled job after its grace window)',
  usage: `resume <job> [--concurrency N] [--rows-per-second N] [--progress auto|bar|none] ${STORE_USAGE}`,
  async run(argv, io) {
    const { values, positionals } = parseFlags(argv, { ...STORE_FLAGS, ...PURGE_FLAGS });
    if (positionals.length !== 1) throw new UsageError('resume takes exactly one job id');
    const maxConcurrency = intFlag('concurrency', values.concurrency, 1, 16);
    const rowsPerSecondPerShard = intFlag('rows-per-second', values['rows-per-second'], 0, 1_000_000_000);
    const progress = progressMode(values.progress);
    const c = await openCliContext(values);
    try {
      const job = await c.client.resume({
        jobId: positionals[0]!,
        at: c.at,
        ...(maxConcurrency ? { maxConcurrency } : {}),
        ...(rowsPerSecondPerShard ? { rowsPerSecondPerShard } : {}),
      });
      return await follow(c, job, io, progress, process.stderr.isTTY === true);
    } finally {
      await c.close();
    }
  },
};
