import { foundation } from './001-foundation.ts';
import { conauthResidency } from './002-conauth-residency.ts';
import { appeals } from './003-appeals.ts';
import { costguard } from './004-costguard.ts';
import { vectorRedaction } from './005-vector-redaction.ts';
import { assurance } from './006-assurance.ts';
import type { Migration } from './migration.ts';
import { validateRegistry } from './migration.ts';

/**
 * Every schema migration, in order. To add one: create `NNN-what.ts` exporting a
 * `Migration` with the next version, and append it here. Never edit a shipped migration.
 */
export const MIGRATIONS: readonly Migration[] = [foundation, conauthResidency, appeals, costguard, vectorRedaction, assurance];

validateRegistry(MIGRATIONS);

export type { Migration } from './migration.ts';
