import { DRILL_NAMES, DrillName, type AssuranceRun } from '../../../shared/domain/assurance.ts';
import { runDrills } from '../../../main/assurance/run-drills.ts';
import { resolveConfig } from '../../../main/config.ts';
import { openStore } from '../../../main/store/open-store.ts';
import { postgresAdminUrl } from '../../../main/store/temp-postgres.ts';
import { EXIT, UsageError, parseFlags, type Subcommand } from '../cli-kit.ts';

/** One line per run: outcome, drill, duration, summary. */
export function formatRunsTable(runs: readonly AssuranceRun[]): string {
  const rows = runs.map((r) => [r.outcome.toUpperCase(), r.name, `${((Date.parse(r.finishedAt) - Date.parse(r.startedAt)) / 1000).toFixed(1)}s`, r.summary]);
  const header = ['OUTCOME', 'DRILL', 'TOOK', 'SUMMARY'];
  const widths = [0, 1, 2].map((i) => Math.max(header[i]!.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 3 ? c.padEnd(widths[i]!) : c)).join('  ');
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

/**
 * `audit-pack chaos`: runs fault-injection drills and measurements and records each result
 * in the workbench's store, where `audit-pack build` finds them. The PostgreSQL drills use
 * the store's server when it is PostgreSQL, else the local test server, and say "skipped"
 * with the reason when it is unreachable.
 */
export const chaosCommand: Subcommand = {
  name: 'chaos',
  summary: `run fault-injection drills (${DRILL_NAMES.join(', ')}) and record the results in the store for the audit pack`,
  usage: 'chaos [--drill NAME…] [--data-dir D] [--database-url URL] [--json]',
  async run(argv, io) {
    const { values, positionals } = parseFlags(argv, {
      drill: { type: 'string', multiple: true },
      'data-dir': { type: 'string' },
      'database-url': { type: 'string' },
      json: { type: 'boolean' },
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
    const drills = (values.drill ?? [...DRILL_NAMES]).map((d) => {
      const parsed = DrillName.safeParse(d);
      if (!parsed.success) throw new UsageError(`--drill ${JSON.stringify(d)}: expected one of ${DRILL_NAMES.join(', ')}`);
      return parsed.data;
    });
    const config = resolveConfig(process.env, {
      ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}),
      ...(values['database-url'] ? { databaseUrl: values['database-url'] } : {}),
    });
    const store = await openStore({ dataDir: config.dataDir, ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}) });
    const controller = new AbortController();
    const onSigint = () => {
      io.stderr('cancelling: the drill in progress finishes its current step, then the run stops\n');
      controller.abort();
    };
    process.once('SIGINT', onSigint);
    try {
      const runs = await runDrills({
        store,
        drills,
        signal: controller.signal,
        context: { recordedBy: 'cli:audit-pack chaos', workbenchVersion: config.version, postgresUrl: config.databaseUrl ?? postgresAdminUrl() },
        onProgress: (p) => {
          if (values.json) return;
          if (p.phase === 'start') io.stderr(`[${p.index + 1}/${p.total}] ${p.drill}\n`);
          else if (p.phase === 'step') io.stderr(`      ${p.label}\n`);
        },
      });
      if (values.json) io.stdout(JSON.stringify(runs) + '\n');
      else io.stdout(formatRunsTable(runs) + `recorded ${runs.length} run${runs.length === 1 ? '' : 's'} in ${store.location.display}\n`);
      return runs.some((r) => r.outcome === 'failed') ? EXIT.NEGATIVE : EXIT.OK;
    } finally {
      process.off('SIGINT', onSigint);
      await store.close();
    }
  },
};
