import { runCli } from './cli-kit.ts';
import { analyzeCommand } from './costguard/analyze-command.ts';

process.exitCode = await runCli({
  name: 'costguard',
  summary: 'explain why a query is expensive and what to run instead',
  commands: [analyzeCommand],
  argv: process.argv.slice(2),
});
