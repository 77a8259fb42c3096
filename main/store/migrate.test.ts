import { describe, expect, it } from 'vitest';
import { WorkbenchError } from '../../shared/api/errors.ts';
import { checkApplied } from './migrate.ts';
import { MIGRATIONS } from './migrations/index.ts';
import type { Migration } from './migrations/migration.ts';
import { validateRegistry } from './migrations/migration.ts';

const m = (version: number, name = `m${version}`): Migration => ({ version, name, sqlite: 'SELECT 1', postgres: 'SELECT 1' });
const applied = (...names: string[]) => names.map((name, i) => ({ version: i + 1, name, appliedAt: '2026-11-28T12:00:00.000Z' }));

describe('migration registry', () => {
  it('is the foundation first, with SQL for both dialects', () => {
    expect([MIGRATIONS[0]!.version, MIGRATIONS[0]!.name]).toEqual([1, 'foundation']);
    for (const table of ['actors', 'actor_roles', 'consents', 'evidence', 'audit_events', 'ombuds_ticket', 'settings']) {
      expect(MIGRATIONS[0]!.sqlite).toContain(`CREATE TABLE ${table} (`);
      expect(MIGRATIONS[0]!.postgres).toContain(`CREATE TABLE ${table} (`);
    }
  });

  it('rejects gaps, reordering, bad names and missing SQL', () => {
    expect(() => validateRegistry([m(1), m(3)])).toThrow('migration registry entry 2: version 3 out of order (expected 2)');
    expect(() => validateRegistry([m(2), m(1)])).toThrow('migration registry entry 1: version 2 out of order (expected 1)');
    expect(() => validateRegistry([m(1, 'Bad Name')])).toThrow('migration registry entry 1: name "Bad Name" must be snake_case');
    expect(() => validateRegistry([{ ...m(1), postgres: ' ' }])).toThrow('migration registry entry 1: needs SQL for both sqlite and postgres');
    expect(() => validateRegistry([m(1), m(2)])).not.toThrow();
  });
});

describe('checkApplied', () => {
  const registry = [m(1, 'foundation'), m(2, 'tickets_sla')];

  it('returns the version a store is at when its history matches the build', () => {
    expect(checkApplied([], registry)).toBe(0);
    expect(checkApplied(applied('foundation'), registry)).toBe(1);
    expect(checkApplied(applied('foundation', 'tickets_sla'), registry)).toBe(2);
  });

  it('refuses a newer store, a different history and a gap, as UNAVAILABLE', () => {
    const cases: [ReturnType<typeof applied>, string][] = [
      [applied('foundation', 'tickets_sla', 'future'), 'store schema is v3, newer than this build knows (v2); open it with a newer Compliance Workbench'],
      [applied('foundation', 'other'), 'store migration v2 is "other" but this build\'s v2 is "tickets_sla"'],
      [[{ version: 2, name: 'tickets_sla', appliedAt: '' }], 'store schema history has a gap: expected migration v1, found v2'],
    ];
    for (const [history, message] of cases) {
      let caught: unknown;
      try {
        checkApplied(history, registry);
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(WorkbenchError);
      expect([(caught as WorkbenchError).code, (caught as WorkbenchError).message]).toEqual(['UNAVAILABLE', message]);
    }
  });
});
