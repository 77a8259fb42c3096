import { runCli } from './cli-kit.ts';
import { buildCommand } from './audit-pack/build-command.ts';
import { chaosCommand } from './audit-pack/chaos-command.ts';
import { verifyCommand } from './audit-pack/verify-command.ts';

process.exitCode = await runCli({
  name: 'audit-pack',
  summary: 'build a reproducible, signed audit pack an auditor can verify offline',
  commands: [buildCommand, verifyCommand, chaosCommand],
  argv: process.argv.slice(2),
});
