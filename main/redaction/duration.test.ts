import { describe, expect, it } from 'vitest';
import { WorkbenchError } from '../../shared/api/errors.ts';
import { parseDuration } from './duration.ts';

describe('parseDuration', () => {
  it.each([
    ['90d', 90 * 86_400_000],
    ['12h', 12 * 3_600_000],
    ['30m', 30 * 60_000],
    ['45s', 45_000],
    ['0s', 0],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['90', 'd90', '1.5d', '-1d', '90D', '1w', '90d ', '', '1234567d'])('rejects %j with BAD_INPUT naming where', (text) => {
    const err = (() => {
      try {
        parseDuration(text, 'policy.retention');
      } catch (e) {
        return e;
      }
    })() as WorkbenchError;
    expect(err).toBeInstanceOf(WorkbenchError);
    expect(err.code).toBe('BAD_INPUT');
    expect(err.message).toBe(`policy.retention: ${JSON.stringify(text)} is not a duration like 90d, 12h, 30m or 0s`);
    expect(err.details).toMatchObject({ where: 'policy.retention', value: text });
  });
});
