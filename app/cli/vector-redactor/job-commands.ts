import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { EXIT, UsageError, parseFlags, type Subcommand } from '../cli-kit.ts';
import { formatJob } from './apply-command.ts';
import { STORE_FLAGS, STORE_USAGE, openCliContext } from './cli-context.ts';

function oneJob(positionals: string[], command: string): string {
  if (positionals.length !== 1) throw new UsageError(`${command} takes exactly one job id`);
  return positionals[0]!;
}

export const jobsCommand: Subcommand = {
  name: 'jobs',
  summary: 'list redaction jobs, newest first, and the recall backlog',
  usage: `jobs [--json] ${STORE_USAGE}`,
  async run(argv, io) {
    const { values } = parseFlags(argv, { ...STORE_FLAGS, json: { type: 'boolean' } }, false);
    const c = await openCliContext(values);
    try {
      const list = await c.client.listJobs({});
      if (values.json) io.stdout(JSON.stringify(list) + '\n');
      else {
        io.stdout(`backlog: ${list.backlog.vectors} vectors recalled and not yet erased in ${list.backlog.jobs} jobs (alert above ${list.backlog.threshold})\n`);
        for (const j of list.jobs) io.stdout(formatJob(j));
      }
      return EXIT.OK;
    } finally {
      await c.close();
    }
  },
};

export const receiptsCommand: Subcommand = {
  name: 'receipts',
  summary: "list a job's batch receipts (id range, count, digest of ids) and the audit events that chain them",
  usage: `receipts <job> [--json] ${STORE_USAGE}`,
  async run(argv, io) {
    const { values, positionals } = parseFlags(argv, { ...STORE_FLAGS, json: { type: 'boolean' } });
    const jobId = oneJob(positionals, 'receipts');
    const c = await openCliContext(values);
    try {
      const all = [];
      for (let after = -1; ; ) {
        const page = await c.client.receipts({ jobId, afterBatch: after, limit: 1000 });
        all.push(...page.receipts);
        if (page.receipts.length < 1000) break;
        after = page.receipts[page.receipts.length - 1]!.batch;
      }
      if (values.json) io.stdout(JSON.stringify(all) + '\n');
      else for (const r of all) io.stdout(`batch ${r.batch}  shard ${r.shard}  ids ${r.firstId}..${r.lastId}  ${r.count} vectors  sha256 ${r.digest}  audit ${r.auditEventId}\n`);
      return EXIT.OK;
    } finally {
      await c.close();
    }
  },
};

export const certificateCommand: Subcommand = {
  name: 'certificate',
  summary: "print (or write) a completed job's signed erasure certificate and check it",
  usage: `certificate <job> [--out FILE] ${STORE_USAGE}`,
  async run(argv, io) {
    const { values, positionals } = parseFlags(argv, { ...STORE_FLAGS, out: { type: 'string' } });
    const jobId = oneJob(positionals, 'certificate');
    const c = await openCliContext(values);
    try {
      const { certificate, checks } = await c.client.certificate({ jobId });
      const text = JSON.stringify(certificate, null, 2) + '\n';
      if (values.out) {
        const out = resolve(values.out);
        mkdirSync(dirname(out), { recursive: true });
        writeFileSync(out, text);
      } else io.stdout(text);
      for (const ch of checks) io.stderr(`${ch.ok ? 'ok  ' : 'FAIL'}  ${ch.name}: ${ch.detail}\n`);
      return checks.every((ch) => ch.ok) ? EXIT.OK : EXIT.NEGATIVE;
    } finally {
      await c.close();
    }
  },
};

export const restoreCommand: Subcommand = {
  name: 'restore',
  summary: 'lift a recall inside its grace window: the vectors are visible again and nothing is purged',
  usage: `restore <job> ${STORE_USAGE}`,
  async run(argv, io) {
    const { values, positionals } = parseFlags(argv, STORE_FLAGS);
    const jobId = oneJob(positionals, 'restore');
    const c = await openCliContext(values);
    try {
      io.stdout(formatJob(await c.client.restore({ jobId, at: c.at })));
      return EXIT.OK;
    } finally {
      await c.close();
    }
  },
};

export const policyCommand: Subcommand = {
  name: 'policy',
  summary: 'list stored retention policies, or save one: policy save NAME --case C … --purpose P … --retention 90d',
  usage: `policy [list | save NAME --case C [--case C …] --purpose P [--purpose P …] --retention 90d] ${STORE_USAGE}`,
  async run(argv, io) {
    const { values, positionals } = parseFlags(argv, { ...STORE_FLAGS, case: { type: 'string', multiple: true }, purpose: { type: 'string', multiple: true }, retention: { type: 'string' } });
    const [verb = 'list', name, ...rest] = positionals;
    if (rest.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(rest[0])}`);
    if (verb !== 'list' && verb !== 'save') throw new UsageError(`policy ${JSON.stringify(verb)}: expected list or save`);
    if (verb === 'save' && (!name || !values.case || !values.purpose || !values.retention)) throw new UsageError('policy save needs NAME, --case, --purpose and --retention');
    const c = await openCliContext(values);
    try {
      if (verb === 'save') {
        const p = await c.client.savePolicy({ name: name!, cases: values.case!, purposes: values.purpose!, retention: values.retention! });
        io.stdout(`saved ${p.name}: cases ${p.cases.join(', ')}; purposes ${p.purposes.join(', ')}; retention ${p.retention}\n`);
      } else {
        for (const p of (await c.client.policies({})).policies) io.stdout(`${p.name}: cases ${p.cases.join(', ')}; purposes ${p.purposes.join(', ')}; retention ${p.retention} (saved by ${p.savedBy} at ${p.savedAt})\n`);
      }
      return EXIT.OK;
    } finally {
      await c.close();
    }
  },
};
