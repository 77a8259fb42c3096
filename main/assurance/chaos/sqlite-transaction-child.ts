// Child process of the db-connection-drop drill (SQLite half):
//   node sqlite-transaction-child.ts <dataDir> <committed> <uncommitted>
// Commits <committed> audit events, then opens a transaction, appends <uncommitted> more,
// prints "in-transaction <walBytes>" and waits inside the transaction for its SIGKILL.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { openStore } from '../../store/open-store.ts';
import { drillAuditEvent } from './drill-audit-events.ts';

const [dataDir, committedText, uncommittedText] = process.argv.slice(2);
if (!dataDir || !committedText || !uncommittedText) {
  process.stderr.write('usage: sqlite-transaction-child.ts <dataDir> <committed> <uncommitted>\n');
  process.exit(2);
}
const committed = Number(committedText);
const uncommitted = Number(uncommittedText);
const store = await openStore({ dataDir });
for (let i = 0; i < committed; i++) await store.appendAuditEvent(drillAuditEvent('committed', i));
process.stdout.write(`committed ${committed}\n`);
await store.transaction(async (tx) => {
  for (let i = 0; i < uncommitted; i++) await tx.appendAuditEvent(drillAuditEvent('uncommitted', i));
  let walBytes = 0;
  try {
    walBytes = statSync(join(dataDir, 'workbench.sqlite-wal')).size;
  } catch {
    // No WAL file yet: the writes are still in the page cache only.
  }
  process.stdout.write(`in-transaction ${walBytes}\n`);
  // Hold the transaction open until the parent kills this process.
  await new Promise(() => setInterval(() => undefined, 60_000));
});
