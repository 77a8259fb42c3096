import { badRedactionInput } from './redaction-error.ts';

const UNIT_MS = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 } as const;
const DURATION = /^(\d{1,6})([dhms])$/;

/**
 * A retention or grace duration: a whole number and one unit, `90d`, `12h`, `30m`, `0s`.
 * One unit only, so the text an operator writes is the text the report shows back.
 */
export function parseDuration(text: string, where = 'duration'): number {
  const m = DURATION.exec(text);
  if (!m) throw badRedactionInput(where, `${JSON.stringify(text)} is not a duration like 90d, 12h, 30m or 0s`, { value: text });
  return Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
}

export function isDuration(text: string): boolean {
  return DURATION.test(text);
}
