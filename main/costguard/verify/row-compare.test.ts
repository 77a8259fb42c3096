import { describe, expect, it } from 'vitest';
import { sameRows } from './row-compare.ts';

describe('sameRows', () => {
  it('compares rows as multisets, whatever their order', () => {
    expect(sameRows({ columns: ['a', 'b'], rows: [[1, 'x'], [2, 'y'], [2, 'y']] }, { columns: ['a', 'b'], rows: [[2, 'y'], [1, 'x'], [2, 'y']] })).toBe(true);
  });

  it('names what differs', () => {
    expect(sameRows({ columns: ['a'], rows: [[1], [2]] }, { columns: ['a'], rows: [[1]] })).toBe('2 rows before, 1 after');
    expect(sameRows({ columns: ['a'], rows: [[1], [1]] }, { columns: ['a'], rows: [[1], [2]] })).toBe('row [1] appears 2 time(s) before and 1 after');
    expect(sameRows({ columns: ['a'], rows: [[1]] }, { columns: ['a'], rows: [['1']] })).toBe('row [1] appears 1 time(s) before and 0 after');
    expect(sameRows({ columns: ['a', 'b'], rows: [] }, { columns: ['a'], rows: [] })).toBe('2 columns before, 1 after');
  });

  it('projects the original onto the kept columns', () => {
    const original = { columns: ['id', 'body', 'state'], rows: [[1, 'long text', 'open'], [2, 'more', 'closed']] };
    expect(sameRows(original, { columns: ['id', 'state'], rows: [[2, 'closed'], [1, 'open']] }, ['id', 'state'])).toBe(true);
    expect(sameRows(original, { columns: ['state', 'id'], rows: [] }, ['id', 'state'])).toBe('columns state, id are not the kept columns id, state');
  });
});
