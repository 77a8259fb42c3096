import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_FIXTURE, generateQueryLog, generateVectors, type FixtureSpec } from '../../../fixtures/vector/generate-vectors.ts';
import { openRedaction, vectorStoreExists, vectorsDir } from '../../../main/redaction/open-redaction.ts';
import { EXIT, UsageError, parseFlags, type Subcommand } from '../cli-kit.ts';
import { STORE_FLAGS, STORE_USAGE, openCliContext } from './cli-context.ts';

/** Where generate-fixture records its spec, so verify --fixture can regenerate probe vectors. */
export const FIXTURE_SPEC_FILE = 'fixture.json';

function int(name: string, text: string | undefined, fallback: number, min: number, max: number): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) throw new UsageError(`--${name} must be a whole number from ${min} to ${max}`);
  return Number(text);
}

export const generateCommand: Subcommand = {
  name: 'generate-fixture',
  summary: 'create the vector store and fill it with deterministic synthetic vectors and a query log (demo and test data)',
  usage: `generate-fixture [--vectors N] [--shards S] [--dimension D] [--cases C] [--queries Q] [--seed N] ${STORE_USAGE}`,
  async run(argv, io) {
    const { values, positionals } = parseFlags(argv, {
      ...STORE_FLAGS,
      vectors: { type: 'string' },
      shards: { type: 'string' },
      dimension: { type: 'string' },
      cases: { type: 'string' },
      queries: { type: 'string' },
      seed: { type: 'string' },
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
    const spec: FixtureSpec = {
      ...DEFAULT_FIXTURE,
      vectors: int('vectors', values.vectors, DEFAULT_FIXTURE.vectors, 1, 100_000_000),
      shards: int('shards', values.shards, DEFAULT_FIXTURE.shards, 1, 100),
      dimension: int('dimension', values.dimension, DEFAULT_FIXTURE.dimension, 2, 4096),
      cases: int('cases', values.cases, DEFAULT_FIXTURE.cases, 1, 100_000),
      queries: int('queries', values.queries, DEFAULT_FIXTURE.queries, 0, 10_000_000),
      seed: int('seed', values.seed, DEFAULT_FIXTURE.seed, 0, 0xffff_ffff),
    };
    const c = await openCliContext(values);
    try {
      if (await vectorStoreExists(c.store, c.dataDir)) throw new UsageError(`${c.dataDir} already has a vector store`);
      const r = await openRedaction(c.store, c.dataDir, { create: { shards: spec.shards, dimension: spec.dimension } });
      try {
        const t0 = performance.now();
        await generateVectors(r.backend, spec);
        await generateQueryLog(r.queryLog, spec);
        for (let s = 0; s < spec.shards; s++) await r.backend.compact(s);
        if (c.store.location.kind === 'sqlite') writeFileSync(join(vectorsDir(c.dataDir), FIXTURE_SPEC_FILE), JSON.stringify(spec, null, 2) + '\n');
        io.stdout(`generated ${spec.vectors} vectors (${spec.dimension} dims, ${spec.shards} shards, ${spec.cases} cases) and ${spec.queries} logged queries in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
      } finally {
        await r.close();
      }
      return EXIT.OK;
    } finally {
      await c.close();
    }
  },
};
