import { readFile } from 'node:fs/promises';
import canonicalize from 'canonicalize';
import type { VerifyReport } from '../../../shared/domain/provenance.ts';
import { verifyPack } from '../../../main/provenance/verify-service.ts';
import { EXIT, Logger, UsageError, parseFlags, type Subcommand } from '../cli-kit.ts';
import { parseAt } from './reference-time.ts';
import { logKeyArg } from './log-command.ts';

/** A short human summary; the JSON report (--json) is the contract. */
export function formatReport(report: VerifyReport, packName: string): string {
  const lines = [`${report.verified ? 'VERIFIED' : 'NOT VERIFIED'}  ${packName}`, `  reference time  ${report.referenceTime}`];
  if (report.pack.signer) lines.push(`  signer          ${report.pack.signer.kind}: ${report.pack.signer.subject}`);
  lines.push(`  merkle root     ${report.merkle.expectedRoot ?? '(none)'} ${report.merkle.match ? '(matches the files)' : '(DOES NOT match the files)'}`);
  const c = report.counts;
  lines.push(`  files           ${c.ok} ok, ${c.missing} missing, ${c.modified} modified, ${c.unexpected} unexpected`);
  for (const f of report.files.filter((f) => f.status !== 'ok').slice(0, 50)) lines.push(`    ${f.status.padEnd(10)} ${f.path}`);
  for (const p of report.plugins) {
    lines.push(`  plugin ${p.name.padEnd(8)} ${p.ok ? 'verified' : 'NOT verified'}`);
    for (const e of p.errors) lines.push(`    error: ${e}`);
    for (const w of p.warnings) lines.push(`    warning: ${w}`);
  }
  const pluginErrors = new Set(report.plugins.map((p) => `${p.name}: not verified`));
  for (const e of report.errors.filter((e) => !pluginErrors.has(e) && !/: (missing|modified|unexpected)$/.test(e))) lines.push(`  error: ${e}`);
  return lines.join('\n') + '\n';
}

export const verifyCommand: Subcommand = {
  name: 'verify',
  summary: 'verify a pack (folder or .tgz): every file against the manifest, the Merkle root, the signature through the attestation plugins',
  usage:
    'verify <pack|pack.tgz> [--plugin cosign|x509-pki|tuf-root] [--offline] [--cache DIR] [--at T] [--identity I --issuer U] [--key PUB.pem] [--trust-anchor CA.pem]... [--eku OID] [--tlog] [--log-key VKEY] [--json] [--log-format text|json]',
  async run(argv, io) {
    const { values, positionals } = parseFlags(argv, {
      plugin: { type: 'string' },
      offline: { type: 'boolean' },
      cache: { type: 'string' },
      at: { type: 'string' },
      identity: { type: 'string' },
      issuer: { type: 'string' },
      key: { type: 'string' },
      'trust-anchor': { type: 'string', multiple: true },
      eku: { type: 'string' },
      tlog: { type: 'boolean' },
      'log-key': { type: 'string' },
      json: { type: 'boolean' },
      'log-format': { type: 'string' },
    });
    if (positionals.length !== 1) throw new UsageError('verify takes exactly one pack');
    const logFormat = values['log-format'] ?? 'text';
    if (logFormat !== 'text' && logFormat !== 'json') throw new UsageError('--log-format is text or json');
    if ((values.identity === undefined) !== (values.issuer === undefined)) throw new UsageError('--identity and --issuer go together');
    if (values.offline && !values.cache) throw new UsageError('--offline needs --cache DIR (the pinned trust material)');
    const log = new Logger(io, logFormat);
    const pack = positionals[0]!;
    const at = values.at ? parseAt(values.at) : new Date();
    log.log('info', 'verify.start', { pack, at: at.toISOString(), offline: values.offline ?? false });
    const report = await verifyPack(pack, {
      at,
      ...(values.plugin ? { plugin: values.plugin } : {}),
      ...(values.cache ? { offlineCacheDir: values.cache } : {}),
      offline: values.offline ?? false,
      pluginOptions: {
        ...(values.identity ? { identity: values.identity, issuer: values.issuer } : {}),
        ...(values.key ? { publicKey: await readFile(values.key, 'utf8') } : {}),
        ...(values['trust-anchor'] ? { trustAnchors: await Promise.all(values['trust-anchor'].map((f) => readFile(f, 'utf8'))) } : {}),
        ...(values.eku ? { eku: values.eku } : {}),
      },
      tlog: values.tlog ?? false,
      ...(values['log-key'] ? { logKey: await logKeyArg(values['log-key']) } : {}),
    });
    for (const p of report.plugins) log.log(p.ok ? 'info' : 'warn', 'verify.plugin', { plugin: p.name, ok: p.ok, errors: p.errors });
    log.log(report.verified ? 'info' : 'warn', 'verify.done', { verified: report.verified, errors: report.errors.length });
    io.stdout(values.json ? canonicalize(report) + '\n' : formatReport(report, pack));
    return report.verified ? EXIT.OK : EXIT.NEGATIVE;
  },
};
