import { runPlannedCli } from './planned-cli.ts';

await runPlannedCli('audit-pack', 'build a reproducible, signed audit pack an auditor can verify offline', 'audit pack', [
  { name: 'build', usage: 'build --org ORG [--from T --to T] [--at T] --out audit-pack-ORG-DATE.tgz', summary: 'collect policies, proofs, SLOs and controls into one signed pack' },
]);
