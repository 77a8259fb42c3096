import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import canonicalize from 'canonicalize';
import { WorkbenchError } from '../../../shared/api/errors.ts';
import { loadOrCreateWorkbenchKey } from '../../../main/appeals/workbench-key.ts';
import type { AuditPackProgress, BuiltAuditPack } from '../../../main/auditpack/build-options.ts';
import { buildAuditPack } from '../../../main/auditpack/build-audit-pack.ts';
import { defaultCollectors, defaultDerivers } from '../../../main/auditpack/default-audit-pack.ts';
import { resolveConfig } from '../../../main/config.ts';
import { spkiFingerprint, readSigningKey } from '../../../main/provenance/pack/pack-signing.ts';
import { findProjectRoot } from '../../../main/project-root.ts';
import { openStore } from '../../../main/store/open-store.ts';
import { EXIT, UsageError, parseFlags, type CliIo, type Subcommand } from '../cli-kit.ts';

/** A time flag: ISO-8601 with a zone (Z or ±hh:mm), or a bare date (midnight UTC). */
export function parseTimeFlag(flag: string, text: string): Date {
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/.test(text)) {
    throw new UsageError(`--${flag} ${JSON.stringify(text)}: expected an ISO-8601 time such as 2026-11-28T12:00:00Z`);
  }
  const d = new Date(text);
  if (Number.isNaN(d.getTime())) throw new UsageError(`--${flag} ${JSON.stringify(text)}: not a valid time`);
  return d;
}

/** A file a flag names, as text; unreadable is NOT_FOUND (exit 2) naming the flag and the file. */
export async function readFlagFile(flag: string, file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    throw new WorkbenchError('NOT_FOUND', `--${flag} ${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { file });
  }
}

/** What `build` reports: stdout as text, or canonical JSON with --json. */
export interface BuildSummary {
  out: string;
  sha256: string;
  bytes: number;
  merkleRoot: string;
  /** SPKI SHA-256 fingerprint of the signing key: what the verifier's --key must hash to. */
  signerKeyFingerprint: string;
  org: string;
  period: { from: string; to: string };
  at: string;
  files: number;
  controls: { total: number; present: number; missing: number; stale: number };
}

export function buildSummary(built: BuiltAuditPack, signerKeyFingerprint: string): BuildSummary {
  const count = (s: string) => built.controlMap.filter((r) => r.status === s).length;
  return {
    out: built.out,
    sha256: built.sha256,
    bytes: built.bytes,
    merkleRoot: built.merkleRoot,
    signerKeyFingerprint,
    org: built.index.org,
    period: built.index.period,
    at: built.index.at,
    // index.json itself is a file of the pack too.
    files: built.index.entries.length + 1,
    controls: { total: built.controlMap.length, present: count('present'), missing: count('missing'), stale: count('stale') },
  };
}

export function formatSummary(s: BuildSummary): string {
  return (
    [
      `audit pack   ${s.out}`,
      `  sha256       ${s.sha256}`,
      `  bytes        ${s.bytes}`,
      `  merkle root  ${s.merkleRoot}`,
      `  signer       sha256:${s.signerKeyFingerprint}`,
      `  org          ${s.org}`,
      `  period       ${s.period.from} .. ${s.period.to} (as of ${s.at})`,
      `  files        ${s.files}`,
      `  controls     ${s.controls.total}: ${s.controls.present} present, ${s.controls.missing} missing, ${s.controls.stale} stale`,
    ].join('\n') + '\n'
  );
}

/** Progress lines for stderr: one per collector/deriver and phase, archive progress in tenths. */
export function progressPrinter(io: CliIo): (p: AuditPackProgress) => void {
  let last = '';
  let tenth = -1;
  return (p) => {
    let line: string | undefined;
    if (p.phase === 'collect' || p.phase === 'derive') line = `[${p.phase} ${p.done}/${p.total ?? '?'}] ${p.label}`;
    else if (p.phase === 'sign') line = `[sign] ${p.label}`;
    else if (p.phase === 'archive' && p.total) {
      const t = Math.floor((p.done / p.total) * 10);
      if (t !== tenth) {
        tenth = t;
        line = `[archive] ${t * 10}% of ${p.total} bytes`;
      }
    }
    // Per-file hash progress is too chatty for a terminal; the collect and archive lines carry the story.
    if (line !== undefined && line !== last) {
      last = line;
      io.stderr(line + '\n');
    }
  };
}

export const buildCommand: Subcommand = {
  name: 'build',
  summary: 'collect policies, proofs, SLOs, chaos runs and controls into one signed, reproducible pack (.tgz, pack format 1.2 + in-toto DSSE)',
  usage:
    'build --org ORG [--from T --to T] [--at T] [--out audit-pack-ORG-DATE.tgz] [--data-dir D] [--database-url URL] [--packs DIR] [--key KEY.pem] [--proposed-policies FILE.cedar] [--json]',
  async run(argv, io) {
    const { values, positionals } = parseFlags(argv, {
      org: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      at: { type: 'string' },
      out: { type: 'string' },
      'data-dir': { type: 'string' },
      'database-url': { type: 'string' },
      packs: { type: 'string' },
      key: { type: 'string' },
      'proposed-policies': { type: 'string' },
      json: { type: 'boolean' },
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
    if (!values.org) throw new UsageError('--org is required');
    if (!/^[A-Za-z0-9._-]{1,100}$/.test(values.org)) throw new UsageError(`--org ${JSON.stringify(values.org)}: letters, digits, ".", "_" and "-" only`);
    // Without --at the pack is as of now; give --at to rebuild the same bytes later.
    const at = values.at ? parseTimeFlag('at', values.at) : new Date();
    const to = values.to ? parseTimeFlag('to', values.to) : undefined;
    const from = values.from ? parseTimeFlag('from', values.from) : undefined;
    if (from && to && from.getTime() >= to.getTime()) throw new UsageError(`--from ${values.from} must be before --to ${values.to}`);
    const out = resolve(values.out ?? `audit-pack-${values.org}-${at.toISOString().slice(0, 10)}.tgz`);
    const proposedPolicies = values['proposed-policies'] ? await readFlagFile('proposed-policies', values['proposed-policies']) : undefined;

    const config = resolveConfig(process.env, {
      ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}),
      ...(values['database-url'] ? { databaseUrl: values['database-url'] } : {}),
    });
    const signingKeyPem = values.key ? await readFlagFile('key', values.key) : await readFile(loadOrCreateWorkbenchKey(config.dataDir).path, 'utf8');
    const fingerprint = spkiFingerprint(readSigningKey(signingKeyPem));

    const store = await openStore({ dataDir: config.dataDir, ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}) });
    const controller = new AbortController();
    const onSigint = () => {
      io.stderr('cancelling: nothing is kept\n');
      controller.abort();
    };
    process.once('SIGINT', onSigint);
    try {
      const built = await buildAuditPack({
        org: values.org,
        at,
        ...(from ? { from } : {}),
        ...(to ? { to } : {}),
        out,
        store,
        dataDir: config.dataDir,
        projectRoot: findProjectRoot(),
        workbenchVersion: config.version,
        signingKeyPem,
        ...(values.packs ? { packsDir: resolve(values.packs) } : {}),
        ...(proposedPolicies !== undefined ? { proposedPolicies } : {}),
        collectors: defaultCollectors(),
        derivers: defaultDerivers(),
        onProgress: progressPrinter(io),
        signal: controller.signal,
      });
      const summary = buildSummary(built, fingerprint);
      io.stdout(values.json ? canonicalize(summary) + '\n' : formatSummary(summary));
      return EXIT.OK;
    } finally {
      process.off('SIGINT', onSigint);
      await store.close();
    }
  },
};
