import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { DiffView } from '../../../shared/api/redaction.ts';
import { EXIT, Logger, UsageError, parseFlags, type Subcommand } from '../cli-kit.ts';
import { STORE_FLAGS, STORE_USAGE, openCliContext } from './cli-context.ts';

/** The human summary of a dry-run; the plan file is the exact diff. */
export function formatDiff(view: DiffView, out: string): string {
  const p = view.policy;
  const lines = [
    `plan ${view.planHash}`,
    `  policy     ${p.name ? `${p.name}: ` : ''}cases ${p.cases.join(', ')}; purposes ${p.purposes.join(', ')}; retention ${p.retention}`,
    `  at         ${p.at} (erases vectors created before ${p.cutoff})`,
    `  erases     ${view.totals.vectors} vectors in ${view.totals.shards} of ${view.store.shards} shards`,
  ];
  for (const s of view.shards.filter((x) => x.count > 0)) {
    lines.push(`    shard ${String(s.shard).padStart(2)}  ${String(s.count).padStart(9)}  first ids ${s.sampleIds.slice(0, 5).join(', ')}${s.count > 5 ? ', …' : ''}`);
  }
  lines.push(`  queries    ${view.totals.affectedQueries} logged queries returned some of them`);
  lines.push(`  written    ${out}`);
  return lines.join('\n') + '\n';
}

export const dryRunCommand: Subcommand = {
  name: 'dry-run',
  summary: 'write the exact diff a retention policy would erase (ids per shard, affected queries, plan hash); changes nothing',
  usage: `dry-run (--case C [--case C …] --purpose P [--purpose P …] --retention 90d | --policy NAME) --out diff.json [--json] ${STORE_USAGE}`,
  async run(argv, io) {
    const { values, positionals } = parseFlags(argv, {
      ...STORE_FLAGS,
      case: { type: 'string', multiple: true },
      purpose: { type: 'string', multiple: true },
      retention: { type: 'string' },
      policy: { type: 'string' },
      out: { type: 'string' },
      json: { type: 'boolean' },
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
    if (!values.out) throw new UsageError('--out FILE is required: the plan is written there');
    const byName = values.policy !== undefined;
    const inline = values.case !== undefined || values.purpose !== undefined || values.retention !== undefined;
    if (byName === inline) throw new UsageError('give either --policy NAME, or --case, --purpose and --retention');
    if (inline && (!values.case || !values.purpose || !values.retention)) throw new UsageError('--case, --purpose and --retention go together');
    const c = await openCliContext(values);
    try {
      const log = new Logger(io, c.logFormat);
      log.log('info', 'dry-run.start', { at: c.at });
      const view = await c.client.dryRun({
          policy: byName ? { name: values.policy! } : { cases: values.case!, purposes: values.purpose!, retention: values.retention! },
          at: c.at,
          sample: 20,
        });
      const out = resolve(values.out);
      mkdirSync(dirname(out), { recursive: true });
      copyFileSync(view.planPath, out);
      log.log('info', 'dry-run.done', { planHash: view.planHash, vectors: view.totals.vectors, out });
      io.stdout(values.json ? JSON.stringify({ ...view, out }) + '\n' : formatDiff(view, out));
      return EXIT.OK;
    } finally {
      await c.close();
    }
  },
};
