import { runPlannedCli } from './planned-cli.ts';

await runPlannedCli('vector-redactor', 'preview and apply vector retention policies, resumably, with proof', 'vector redaction', [
  { name: 'dry-run', usage: 'dry-run --case CASE --retention 90d --purpose P --out diff.json', summary: 'write the exact diff a retention policy would erase' },
  { name: 'apply', usage: 'apply --plan diff.json', summary: 'apply exactly a plan, checkpointed and resumable' },
  { name: 'verify', usage: 'verify <job>', summary: 're-run the policy predicate and check nothing deleted is retrievable' },
]);
