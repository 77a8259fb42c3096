import { runCli } from './cli-kit.ts';
import { applyCommand, resumeCommand } from './vector-redactor/apply-command.ts';
import { dryRunCommand } from './vector-redactor/dry-run-command.ts';
import { generateCommand } from './vector-redactor/generate-command.ts';
import { certificateCommand, jobsCommand, policyCommand, receiptsCommand, restoreCommand } from './vector-redactor/job-commands.ts';
import { verifyCommand } from './vector-redactor/verify-command.ts';

process.exitCode = await runCli({
  name: 'vector-redactor',
  summary: 'preview and apply vector retention policies, resumably, with proof',
  commands: [dryRunCommand, applyCommand, resumeCommand, restoreCommand, jobsCommand, receiptsCommand, certificateCommand, verifyCommand, policyCommand, generateCommand],
  argv: process.argv.slice(2),
});
