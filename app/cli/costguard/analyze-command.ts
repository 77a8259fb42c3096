import { readFile } from 'node:fs/promises';
import type { HintPayload } from '../../../shared/api/costguard.ts';
import { asWorkbenchError, WorkbenchError } from '../../../shared/api/errors.ts';
import { Analyzer } from '../../../main/costguard/analyzer.ts';
import type { QueryEngine } from '../../../main/costguard/engine/engine.ts';
import { PostgresEngine } from '../../../main/costguard/engine/postgres-engine.ts';
import { SqliteEngine } from '../../../main/costguard/engine/sqlite-engine.ts';
import { splitStatements } from '../../../main/costguard/sql/parse.ts';
import { EXIT, UsageError, parseFlags, type CliIo, type Subcommand } from '../cli-kit.ts';

const SEVERITIES = ['info', 'warning', 'critical'] as const;
type Severity = (typeof SEVERITIES)[number];

/** Opens the database `--db` names: a postgres:// URL, else a SQLite file (read-only). */
export function openEngine(db: string): QueryEngine {
  if (/^postgres(ql)?:\/\//i.test(db)) return new PostgresEngine(db);
  return SqliteEngine.openFile(db);
}

function human(n: number, p: HintPayload, where: string): string {
  const lines: string[] = [];
  lines.push(`[${n}] ${where} ${p.queryId}`);
  lines.push(`  cost ${p.estimatedCost} (${p.costModel})${p.estimatedRows !== null ? `, about ${p.estimatedRows} rows` : ''}`);
  for (const l of p.plan) lines.push(`  plan  ${l}`);
  if (p.hints.length === 0) lines.push('  no hints');
  for (const h of p.hints) {
    lines.push(`  ${h.severity} ${h.type}: ${h.message}`);
    lines.push(`    suggested: ${h.suggested}`);
    lines.push(`    docs: ${h.docs}`);
  }
  if (p.rewrite) {
    lines.push(`  rewrite (verified; cost ${p.estimatedCost} → ${p.rewrite.estimatedCost}${p.rewrite.changesResults ? '; CHANGES THE RESULTS, see notes' : '; same rows'}):`);
    for (const s of p.rewrite.steps) lines.push(`    - ${s.type} (${s.effect}): ${s.note}`);
    for (const l of p.rewrite.script.split('\n')) lines.push(`    ${l}`);
  }
  for (const r of p.rejected) lines.push(`  not offered: ${r.type}: ${r.reason}`);
  return lines.join('\n') + '\n';
}

export async function runAnalyze(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags(
    argv,
    {
      db: { type: 'string' },
      query: { type: 'string' },
      file: { type: 'string' },
      dialect: { type: 'string' },
      json: { type: 'boolean' },
      'fail-on': { type: 'string' },
    },
    false,
  );
  void positionals;
  if (!values.db) throw new UsageError('--db is required (a SQLite file or a postgres:// URL)');
  if ((values.query === undefined) === (values.file === undefined)) throw new UsageError('give exactly one of --query and --file');
  if (values.dialect !== undefined && values.dialect !== 'cypher') throw new UsageError('--dialect takes only "cypher" (SQL dialect comes from --db)');
  const failOn = values['fail-on'] as Severity | undefined;
  if (failOn !== undefined && !SEVERITIES.includes(failOn)) throw new UsageError(`--fail-on must be one of ${SEVERITIES.join(', ')}`);

  let statements: Array<{ sql: string; line: number }>;
  if (values.file !== undefined) {
    let text: string;
    try {
      text = await readFile(values.file, 'utf8');
    } catch (e) {
      throw new WorkbenchError('NOT_FOUND', `cannot read --file ${values.file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    statements = splitStatements(text);
    if (statements.length === 0) throw new WorkbenchError('BAD_INPUT', `--file ${values.file} holds no statements`);
  } else statements = [{ sql: values.query!, line: 1 }];

  const engine = openEngine(values.db);
  const analyzer = new Analyzer(engine);
  let failed = 0;
  let flagged = false;
  try {
    for (const [i, s] of statements.entries()) {
      const where = values.file !== undefined ? `${values.file}:${s.line}` : '--query';
      try {
        const payload = await analyzer.analyze(s.sql, values.dialect === 'cypher' ? 'cypher' : undefined);
        if (failOn && payload.hints.some((h) => SEVERITIES.indexOf(h.severity) >= SEVERITIES.indexOf(failOn))) flagged = true;
        io.stdout(values.json ? JSON.stringify({ source: where, sql: s.sql, ...payload }) + '\n' : human(i + 1, payload, where));
      } catch (e) {
        const err = asWorkbenchError(e);
        if (err.code === 'UNAVAILABLE') throw err;
        failed++;
        if (values.json) io.stdout(JSON.stringify({ source: where, sql: s.sql, error: err.toPayload() }) + '\n');
        else io.stderr(`[${i + 1}] ${where}: ${err.code}: ${err.message}\n`);
      }
    }
  } finally {
    await engine.close();
  }
  if (failed > 0) return EXIT.USAGE;
  return flagged ? EXIT.NEGATIVE : EXIT.OK;
}

export const analyzeCommand: Subcommand = {
  name: 'analyze',
  summary: 'plan-based hints with verified rewrites for each query (EXPLAIN only on your database; fixes verified on a scratch copy)',
  usage: 'analyze --db <SQLite file | PostgreSQL URL> (--query SQL | --file queries.sql) [--dialect cypher] [--json] [--fail-on info|warning|critical]',
  run: runAnalyze,
};
