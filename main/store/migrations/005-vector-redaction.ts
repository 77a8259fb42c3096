import { REDACTION_MIGRATION_NAME, REDACTION_POSTGRES, REDACTION_SQLITE } from '../../redaction/redaction-schema.ts';
import type { Migration } from './migration.ts';

/**
 * Vector governance (ADR-055): stored retention policies, redaction jobs and their fixed
 * batches, recalls, receipts linked to the audit trail, the vector query log; on PostgreSQL
 * also the vectors and their per-batch checkpoints and receipts. The SQL lives with the
 * capability (`main/redaction/redaction-schema.ts`).
 */
export const vectorRedaction: Migration = {
  version: 5,
  name: REDACTION_MIGRATION_NAME,
  sqlite: REDACTION_SQLITE,
  postgres: REDACTION_POSTGRES,
};
