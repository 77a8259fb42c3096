import { describe, expect, it } from 'vitest';
import { WorkbenchError } from '../../../shared/api/errors.ts';
import { parseSelect, printSelect, splitStatements } from './parse.ts';

function badInput(fn: () => unknown): WorkbenchError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(WorkbenchError);
    expect((e as WorkbenchError).code).toBe('BAD_INPUT');
    return e as WorkbenchError;
  }
  throw new Error('expected BAD_INPUT');
}

describe('parseSelect', () => {
  it('prints a parsed query back in canonical form', () => {
    const p = parseSelect('select o.id from orders o where o.status = \'it\'\'s\' limit 5', 'sqlite');
    expect(printSelect(p, p.ast)).toBe(`SELECT "o"."id" FROM "orders" AS "o" WHERE "o"."status" = 'it''s' LIMIT 5`);
  });

  it('reads "quoted" names as columns on SQLite, as SQLite does', () => {
    const p = parseSelect('SELECT "id" FROM "t" WHERE substr("state", 1, 3) = \'ope\'', 'sqlite');
    expect(p.ast.where.left.args.value[0]).toEqual({ type: 'column_ref', table: null, column: 'state' });
  });

  it('keeps AS MATERIALIZED / NOT MATERIALIZED, which the parser has no grammar for', () => {
    const p = parseSelect('WITH "x" AS MATERIALIZED (SELECT id FROM orders), y AS NOT MATERIALIZED (SELECT 1 AS one) SELECT id FROM x, y', 'postgres');
    expect([...p.materialized]).toEqual([
      ['x', 'MATERIALIZED'],
      ['y', 'NOT MATERIALIZED'],
    ]);
    expect(printSelect(p, p.ast)).toBe('WITH "x" AS MATERIALIZED (SELECT id FROM "orders"), "y" AS NOT MATERIALIZED (SELECT 1 AS "one") SELECT id FROM "x", "y"');
  });

  it('leaves MATERIALIZED inside a string alone', () => {
    const p = parseSelect("SELECT 'x AS MATERIALIZED (' AS s", 'sqlite');
    expect(p.materialized.size).toBe(0);
  });

  it('reads SQLite CROSS JOIN as a join (the parser would take CROSS for an alias)', () => {
    const p = parseSelect('SELECT e.id FROM events e CROSS JOIN customers c', 'sqlite');
    expect(printSelect(p, p.ast)).toBe('SELECT "e"."id" FROM "events" AS "e" INNER JOIN "customers" AS "c"');
  });

  it('rejects what it cannot analyze, naming what and where', () => {
    expect(badInput(() => parseSelect('  ', 'sqlite')).message).toBe('sql: the query is empty');
    expect(badInput(() => parseSelect('DELETE FROM orders', 'sqlite')).message).toBe('sql: only SELECT statements are analyzed, got DELETE');
    expect(badInput(() => parseSelect('SELECT 1; SELECT 2', 'sqlite')).message).toBe('sql: expected one statement, got 2');
    const syntax = badInput(() => parseSelect('SELEC id FROM t', 'postgres'));
    expect(syntax.message).toBe('sql: not a PostgreSQL query the analyzer can parse at line 1, column 7: Expected "--", "/*", ":=", "=", "FOR", "TO", or [ \\t\\n\\r] but "i" found.');
    expect(syntax.details).toEqual({ where: 'sql', dialect: 'postgres', line: 1, column: 7 });
    expect(badInput(() => parseSelect('SELECT a FROM t NATURAL JOIN u', 'sqlite')).message).toBe(
      'sql: NATURAL JOIN is not supported by the analyzer; write the join condition (JOIN … USING (…))',
    );
  });
});

describe('splitStatements', () => {
  it('splits on semicolons outside strings and comments, with starting lines', () => {
    expect(splitStatements("SELECT 1;\n\n  SELECT ';' AS x; -- trailing\n/* only a comment */;\nSELECT $$a;b$$ AS y")).toEqual([
      { sql: 'SELECT 1', line: 1 },
      { sql: "SELECT ';' AS x", line: 3 },
      { sql: 'SELECT $$a;b$$ AS y', line: 5 },
    ]);
  });
});
