import { APPEALS_MIGRATION_NAME, APPEALS_POSTGRES, APPEALS_SQLITE } from '../../appeals/appeals-schema.ts';
import type { Migration } from './migration.ts';

/**
 * Appeals and ombuds: ticket timelines, comments, the SLA policy versions, the SLA clock
 * cache, recorded breaches, signed decision artifacts and the exceptions they grant. The
 * SQL lives with the capability (`main/appeals/appeals-schema.ts`).
 */
export const appeals: Migration = {
  version: 3,
  name: APPEALS_MIGRATION_NAME,
  sqlite: APPEALS_SQLITE,
  postgres: APPEALS_POSTGRES,
};
