import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import canonicalize from 'canonicalize';
import { WORKBENCH_KEY_PATH, workbenchKeyFromPem } from '../../../main/appeals/workbench-key.ts';
import { resolveConfig } from '../../../main/config.ts';
import { verifyPack } from '../../../main/provenance/verify-service.ts';
import { EXIT, UsageError, parseFlags, type Subcommand } from '../cli-kit.ts';
import { formatReport } from '../prov-verify/verify-command.ts';
import { parseTimeFlag, readFlagFile } from './build-command.ts';

/**
 * `audit-pack verify`: the same check as `prov-verify verify PACK --key PUB.pem`, with the
 * public half of this workbench's key (or the one given). An auditor without the workbench
 * uses prov-verify and the public key handed over with the pack.
 */
export const verifyCommand: Subcommand = {
  name: 'verify',
  summary: "verify an audit pack offline: every file, the Merkle root, the manifest signature and the in-toto statement, with the workbench's public key",
  usage: 'verify PACK.tgz [--key PUB.pem] [--data-dir D] [--at T] [--json]',
  async run(argv, io) {
    const { values, positionals } = parseFlags(argv, {
      key: { type: 'string' },
      'data-dir': { type: 'string' },
      at: { type: 'string' },
      json: { type: 'boolean' },
    });
    if (positionals.length !== 1) throw new UsageError('verify takes exactly one pack');
    let publicKey: string;
    if (values.key) publicKey = await readFlagFile('key', values.key);
    else {
      const dataDir = resolveConfig(process.env, values['data-dir'] ? { dataDir: values['data-dir'] } : {}).dataDir;
      const keyFile = join(dataDir, WORKBENCH_KEY_PATH);
      // Never create a key here: a fresh key could not have signed anything.
      if (!existsSync(keyFile)) throw new UsageError(`no workbench key at ${keyFile}: give the signer's public key with --key`);
      publicKey = workbenchKeyFromPem(readFileSync(keyFile, 'utf8'), keyFile).publicKeyPem;
    }
    const at = values.at ? parseTimeFlag('at', values.at) : new Date();
    const report = await verifyPack(positionals[0]!, { at, pluginOptions: { publicKey } });
    io.stdout(values.json ? canonicalize(report) + '\n' : formatReport(report, positionals[0]!));
    return report.verified ? EXIT.OK : EXIT.NEGATIVE;
  },
};
