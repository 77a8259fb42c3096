import { runCli } from './cli-kit.ts';
import { packCommand } from './prov-verify/pack-command.ts';
import { verifyCommand } from './prov-verify/verify-command.ts';

process.exitCode = await runCli({
  name: 'prov-verify',
  summary: 'make and verify signed evidence packs, offline',
  commands: [packCommand, verifyCommand],
  argv: process.argv.slice(2),
});
