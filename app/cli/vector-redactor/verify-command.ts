import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixtureEmbedding, type FixtureSpec } from '../../../fixtures/vector/generate-vectors.ts';
import type { ProbeSource, ProbeVector } from '../../../main/redaction/job-verifier.ts';
import { vectorsDir } from '../../../main/redaction/open-redaction.ts';
import type { JobVerificationView } from '../../../shared/api/redaction.ts';
import { EXIT, Logger, UsageError, parseFlags, type Subcommand } from '../cli-kit.ts';
import { STORE_FLAGS, STORE_USAGE, openCliContext } from './cli-context.ts';
import { FIXTURE_SPEC_FILE } from './generate-command.ts';

/** Probe vectors from a JSON-lines file: one `{"id": 17, "embedding": [0.1, …]}` per line. */
export function probesFromFile(path: string): ProbeSource {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`--probes ${path}: ${(e as Error).message}`);
  }
  const byId = new Map<number, Float32Array>();
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let v: { id?: unknown; embedding?: unknown };
    try {
      v = JSON.parse(line) as typeof v;
    } catch {
      throw new UsageError(`--probes ${path}:${i + 1}: not JSON`);
    }
    if (typeof v.id !== 'number' || !Array.isArray(v.embedding) || !v.embedding.every((x) => typeof x === 'number')) {
      throw new UsageError(`--probes ${path}:${i + 1}: expected {"id": number, "embedding": [numbers]}`);
    }
    byId.set(v.id, Float32Array.from(v.embedding as number[]));
  });
  return async (ids) => ids.flatMap((id): ProbeVector[] => (byId.has(id) ? [{ id, vector: byId.get(id)! }] : []));
}

/** Probe vectors regenerated from the fixture spec the generator left in the vectors folder. */
export function probesFromFixture(dataDir: string): ProbeSource {
  const file = join(vectorsDir(dataDir), FIXTURE_SPEC_FILE);
  let spec: FixtureSpec;
  try {
    spec = JSON.parse(readFileSync(file, 'utf8')) as FixtureSpec;
  } catch (e) {
    throw new UsageError(`--fixture: ${file} is not readable (was this store made by generate-fixture?): ${(e as Error).message}`);
  }
  return async (ids) => ids.map((id) => ({ id, vector: fixtureEmbedding(spec, id) }));
}

export function formatVerification(v: JobVerificationView): string {
  const lines = [`${v.verdict === 'verified' ? 'VERIFIED' : 'NOT VERIFIED'}  job ${v.jobId}`, `  plan  ${v.planHash}`];
  for (const c of v.checks) lines.push(`  ${c.skipped ? 'skip' : c.ok ? ' ok ' : 'FAIL'}  ${c.name.padEnd(26)} ${c.detail}`);
  return lines.join('\n') + '\n';
}

export const verifyCommand: Subcommand = {
  name: 'verify',
  summary: 're-run the policy predicate (expects zero), check no erased id is retrievable by id or by nearest-neighbour search with its own vector, and the certificate, receipts and audit trail',
  usage: `verify <job> [--probes FILE.jsonl | --fixture] [--json] ${STORE_USAGE}`,
  async run(argv, io) {
    const { values, positionals } = parseFlags(argv, { ...STORE_FLAGS, probes: { type: 'string' }, fixture: { type: 'boolean' }, json: { type: 'boolean' } });
    if (positionals.length !== 1) throw new UsageError('verify takes exactly one job id');
    if (values.probes && values.fixture) throw new UsageError('--probes and --fixture are alternatives');
    const c = await openCliContext(values);
    try {
      const probes = values.probes ? probesFromFile(values.probes) : values.fixture ? probesFromFixture(c.dataDir) : undefined;
      const result = await c.service.verify({ jobId: positionals[0]! }, c.ctx, probes);
      new Logger(io, c.logFormat).log(result.verdict === 'verified' ? 'info' : 'warn', 'verify.done', { jobId: result.jobId, verdict: result.verdict });
      io.stdout(values.json ? JSON.stringify(result) + '\n' : formatVerification(result));
      return result.verdict === 'verified' ? EXIT.OK : EXIT.NEGATIVE;
    } finally {
      await c.close();
    }
  },
};
