import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import canonicalize from 'canonicalize';
import { WorkbenchError } from '../../../shared/api/errors.ts';
import { appendPackToLog, checkPackReceipt, rememberCheckpoint } from '../../../main/provenance/pack-log.ts';
import { readPack } from '../../../main/provenance/pack/pack-contents.ts';
import { generateNoteKey } from '../../../main/provenance/tlog/note-keys.ts';
import { TransparencyLog } from '../../../main/provenance/tlog/transparency-log.ts';
import { mirrorLog } from '../../../main/provenance/tlog/mirror.ts';
import { createTileHandler } from '../../../main/provenance/tlog/tile-handler.ts';
import { EXIT, UsageError, parseFlags, type CliIo, type Subcommand } from '../cli-kit.ts';

async function readKey(file: string, what: string): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch (e) {
    throw new WorkbenchError('NOT_FOUND', `cannot read ${what} ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

const VERIFIER_KEY = /^[^\s+]+\+[0-9a-f]{8}\+[A-Za-z0-9+/=]+$/;

/** `--log-key` takes the verifier key itself (`name+id+base64`) or a file holding it. */
export async function logKeyArg(value: string): Promise<string> {
  return VERIFIER_KEY.test(value.trim()) ? value.trim() : readKey(value, 'log key');
}

const verbs: Record<string, { usage: string; run(argv: string[], io: CliIo): Promise<number> }> = {
  init: {
    usage: 'log init --log DIR --name ORIGIN --signer-key-out FILE',
    async run(argv, io) {
      const { values } = parseFlags(argv, { log: { type: 'string' }, name: { type: 'string' }, 'signer-key-out': { type: 'string' } }, false);
      if (!values.log || !values.name || !values['signer-key-out']) throw new UsageError('--log, --name and --signer-key-out are required');
      const { signerKey, verifierKey } = generateNoteKey(values.name);
      await mkdir(dirname(values['signer-key-out']), { recursive: true });
      await writeFile(values['signer-key-out'], signerKey + '\n', { flag: 'wx', mode: 0o600 }).catch((e: NodeJS.ErrnoException) => {
        throw new WorkbenchError('CONFLICT', `${values['signer-key-out']}: ${e.code === 'EEXIST' ? 'exists; refusing to overwrite a signer key' : e.message}`);
      });
      await chmod(values['signer-key-out'], 0o600);
      await TransparencyLog.open(values.log, { signerKey });
      io.stdout(`created log ${values.name} in ${values.log}\nverifier key (pin this): ${verifierKey}\n`);
      return EXIT.OK;
    },
  },
  append: {
    usage: 'log append <pack-dir> --log DIR --signer-key FILE',
    async run(argv, io) {
      const { values, positionals } = parseFlags(argv, { log: { type: 'string' }, 'signer-key': { type: 'string' } });
      if (positionals.length !== 1 || !values.log || !values['signer-key']) throw new UsageError('one pack folder, --log and --signer-key are required');
      const r = await appendPackToLog(positionals[0]!, { logDir: values.log, signerKey: await readKey(values['signer-key'], 'signer key') });
      io.stdout(`logged at index ${r.index} (tree size ${r.size}); receipt stored in attestations/tlog-receipt.txt\n`);
      return EXIT.OK;
    },
  },
  verify: {
    usage: 'log verify <pack|pack.tgz> --log-key VKEY|FILE [--cache DIR] [--json]',
    async run(argv, io) {
      const { values, positionals } = parseFlags(argv, { 'log-key': { type: 'string' }, cache: { type: 'string' }, json: { type: 'boolean' } });
      if (positionals.length !== 1 || !values['log-key']) throw new UsageError('one pack and --log-key are required');
      const logKey = await logKeyArg(values['log-key']);
      const { latestCheckpoint, ...r } = await checkPackReceipt(await readPack(positionals[0]!), { logKey, ...(values.cache ? { cacheDir: values.cache } : {}) });
      // Only an explicit `log verify` advances what this verifier has seen; `verify --tlog` stays read-only.
      if (r.ok && latestCheckpoint && values.cache) await rememberCheckpoint(values.cache, logKey, latestCheckpoint);
      if (values.json) io.stdout(canonicalize(r) + '\n');
      else {
        const d = r.details as { origin?: string; index?: number; checkpointSize?: number; consistency?: { checked: boolean } };
        io.stdout(`${r.ok ? 'INCLUDED' : 'NOT VERIFIED'}  log ${d.origin ?? '?'} index ${d.index ?? '?'} of ${d.checkpointSize ?? '?'}; consistency with last seen: ${d.consistency?.checked ? 'checked' : 'nothing seen before'}\n`);
        for (const e of r.errors) io.stdout(`  error: ${e}\n`);
      }
      return r.ok ? EXIT.OK : EXIT.NEGATIVE;
    },
  },
  mirror: {
    usage: 'log mirror <source-dir|URL> <dest-dir> --log-key VKEY|FILE',
    async run(argv, io) {
      const { values, positionals } = parseFlags(argv, { 'log-key': { type: 'string' } });
      if (positionals.length !== 2 || !values['log-key']) throw new UsageError('a source, a destination and --log-key are required');
      const r = await mirrorLog(positionals[0]!, positionals[1]!, { logKey: await logKeyArg(values['log-key']) });
      io.stdout(`mirrored ${r.source}: size ${r.previousSize} → ${r.size}, ${r.fetched} files read, ${r.written} written\n`);
      return EXIT.OK;
    },
  },
  serve: {
    usage: 'log serve --log DIR [--port N]',
    async run(argv, io) {
      const { values } = parseFlags(argv, { log: { type: 'string' }, port: { type: 'string' } }, false);
      if (!values.log) throw new UsageError('--log is required');
      const server = createServer(createTileHandler(values.log));
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(values.port ? Number(values.port) : 0, '127.0.0.1', () => resolve());
      });
      io.stdout(`serving ${values.log} read-only at http://127.0.0.1:${(server.address() as AddressInfo).port}/ (Ctrl+C stops)\n`);
      await new Promise<void>((resolve) => process.once('SIGINT', () => server.close(() => resolve())));
      return EXIT.OK;
    },
  },
};

export const logCommand: Subcommand = {
  name: 'log',
  summary: 'the transparency log: init, append a pack (receipt stored in it), verify a receipt offline, mirror, serve read-only tiles',
  usage: 'log init|append|verify|mirror|serve …  (e.g. log append <pack-dir> --log DIR --signer-key FILE)',
  async run(argv, io) {
    const [verb, ...rest] = argv;
    const v = verb ? verbs[verb] : undefined;
    if (!v) throw new UsageError(`log needs one of: ${Object.values(verbs).map((x) => x.usage).join(' | ')}`);
    return v.run(rest, io);
  },
};
