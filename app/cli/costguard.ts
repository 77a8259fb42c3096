import { runPlannedCli } from './planned-cli.ts';

await runPlannedCli('costguard', 'explain why a query is expensive and what to run instead', 'cost guard', [
  { name: 'analyze', usage: 'analyze --db <SQLite file | PostgreSQL URL> (--query SQL | --file queries.sql) [--json]', summary: 'plan-based hints with verified rewrites' },
]);
