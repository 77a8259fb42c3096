import { runCli } from './cli-kit.ts';
import { packCommand } from './prov-verify/pack-command.ts';
import { verifyCommand } from './prov-verify/verify-command.ts';
import { cacheCommand } from './prov-verify/cache-command.ts';
import { verifyBundleCommand } from './prov-verify/verify-bundle-command.ts';
import { tufVerifyCommand } from './prov-verify/tuf-verify-command.ts';
import { logCommand } from './prov-verify/log-command.ts';
import { x509LimboCommand } from './prov-verify/x509-limbo-command.ts';

process.exitCode = await runCli({
  name: 'prov-verify',
  summary: 'make and verify signed evidence packs, offline',
  commands: [packCommand, verifyCommand, cacheCommand, tufVerifyCommand, verifyBundleCommand, x509LimboCommand, logCommand],
  argv: process.argv.slice(2),
});
