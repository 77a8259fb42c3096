import { describe, expect, it } from 'vitest';
import { PlaceholderError, toPostgresPlaceholders } from './placeholders.ts';

describe('toPostgresPlaceholders', () => {
  it('numbers placeholders in order', () => {
    expect(toPostgresPlaceholders('SELECT * FROM t WHERE a = ? AND b IN (?, ?) LIMIT ?')).toEqual({
      text: 'SELECT * FROM t WHERE a = $1 AND b IN ($2, $3) LIMIT $4',
      count: 4,
    });
  });

  it('leaves ? inside string literals, doubled quotes included', () => {
    expect(toPostgresPlaceholders("SELECT 'why?', 'it''s ?' , ? AS x")).toEqual({
      text: "SELECT 'why?', 'it''s ?' , $1 AS x",
      count: 1,
    });
  });

  it('honours backslash escapes only in E strings', () => {
    expect(toPostgresPlaceholders("SELECT E'a\\'?', ?")).toEqual({ text: "SELECT E'a\\'?', $1", count: 1 });
    // In a standard string a backslash is an ordinary character, so the literal ends at the second quote.
    expect(toPostgresPlaceholders("SELECT 'a\\', ?")).toEqual({ text: "SELECT 'a\\', $1", count: 1 });
    // "type'…'" is not an E string just because the identifier ends in e.
    expect(toPostgresPlaceholders("SELECT type'x\\', ?")).toEqual({ text: "SELECT type'x\\', $1", count: 1 });
  });

  it('leaves ? inside quoted identifiers and comments', () => {
    const sql = 'SELECT "what?" , "a""?" -- trailing ?\n FROM t /* outer ? /* nested ? */ still ? */ WHERE x = ?';
    expect(toPostgresPlaceholders(sql)).toEqual({
      text: 'SELECT "what?" , "a""?" -- trailing ?\n FROM t /* outer ? /* nested ? */ still ? */ WHERE x = $1',
      count: 1,
    });
  });

  it('leaves ? inside dollar-quoted bodies, tagged or not', () => {
    const sql = 'DO $$ BEGIN PERFORM 1 WHERE ? IS NULL; END $$; SELECT $fn$ ? $$ ? $fn$, ?';
    expect(toPostgresPlaceholders(sql)).toEqual({
      text: 'DO $$ BEGIN PERFORM 1 WHERE ? IS NULL; END $$; SELECT $fn$ ? $$ ? $fn$, $1',
      count: 1,
    });
  });

  it('does not mistake a $ inside an identifier for a dollar quote', () => {
    expect(toPostgresPlaceholders('SELECT a$b$ FROM t WHERE c = ?')).toEqual({ text: 'SELECT a$b$ FROM t WHERE c = $1', count: 1 });
  });

  it('rejects positional $n parameters and unterminated literals', () => {
    expect(() => toPostgresPlaceholders('SELECT $1')).toThrow(
      new PlaceholderError('positional parameter at offset 7: write ? placeholders, the client numbers them'),
    );
    expect(() => toPostgresPlaceholders("SELECT 'open ?")).toThrow('unterminated string literal starting at offset 7');
    expect(() => toPostgresPlaceholders('SELECT /* open')).toThrow('unterminated comment starting at offset 7');
    expect(() => toPostgresPlaceholders('SELECT $x$ open')).toThrow('unterminated dollar-quoted string starting at offset 7');
  });
});
