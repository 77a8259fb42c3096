import { COSTGUARD_MIGRATION_NAME, COSTGUARD_POSTGRES, COSTGUARD_SQLITE } from '../../costguard/store/costguard-schema.ts';
import type { Migration } from './migration.ts';

/**
 * Cost Guard: per-namespace per-minute usage counters, the analyzed-query log and rewrite
 * adoptions. The SQL lives with the capability (`main/costguard/store/costguard-schema.ts`).
 */
export const costguard: Migration = {
  version: 4,
  name: COSTGUARD_MIGRATION_NAME,
  sqlite: COSTGUARD_SQLITE,
  postgres: COSTGUARD_POSTGRES,
};
