import type { BusinessCalendar } from '../../shared/api/appeals.ts';

const MINUTE = 60_000;
const DAY = 86_400_000;
/** Ten years of days: a calendar always has a workday, so only a bug walks further. */
const MAX_DAYS = 3660;

/**
 * Time arithmetic on an SLA clock: with no calendar every millisecond counts; with one,
 * only the working hours of working days. All instants are epoch milliseconds (UTC).
 */
export interface ClockMath {
  /** Counted time in [from, to); 0 when to ≤ from. */
  between(from: number, to: number): number;
  /** The instant at which `amount` counted ms have passed since `from` (amount 0: `from`). */
  add(from: number, amount: number): number;
}

export const WALL_CLOCK: ClockMath = {
  between: (from, to) => Math.max(0, to - from),
  add: (from, amount) => from + amount,
};

function minutesOf(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

function localDate(day: number): string {
  return new Date(day * DAY).toISOString().slice(0, 10);
}

export function clockMath(calendar: BusinessCalendar | null): ClockMath {
  if (calendar === null) return WALL_CLOCK;
  const offset = calendar.utcOffsetMinutes * MINUTE;
  const start = minutesOf(calendar.start) * MINUTE;
  const end = minutesOf(calendar.end) * MINUTE;
  const workdays = new Set(calendar.workdays);
  const holidays = new Set(calendar.holidays);

  /** The working window of local day `day` (days since 1970-01-01 local) in UTC ms, or null. */
  const window = (day: number): [number, number] | null => {
    // 1970-01-01 was a Thursday (4).
    const weekday = (((day + 4) % 7) + 7) % 7;
    if (!workdays.has(weekday) || holidays.has(localDate(day))) return null;
    const base = day * DAY - offset;
    return [base + start, base + end];
  };
  const dayOf = (t: number) => Math.floor((t + offset) / DAY);

  return {
    between(from, to) {
      if (to <= from) return 0;
      let total = 0;
      const last = dayOf(to);
      for (let day = dayOf(from); day <= last; day++) {
        const w = window(day);
        if (w) total += Math.max(0, Math.min(to, w[1]) - Math.max(from, w[0]));
      }
      return total;
    },
    add(from, amount) {
      if (amount <= 0) return from;
      let left = amount;
      const first = dayOf(from);
      for (let day = first; day < first + MAX_DAYS; day++) {
        const w = window(day);
        if (!w) continue;
        const begin = Math.max(from, w[0]);
        if (begin >= w[1]) continue;
        const available = w[1] - begin;
        if (left <= available) return begin + left;
        left -= available;
      }
      throw new Error(`business calendar has no working time within ${MAX_DAYS} days of ${new Date(from).toISOString()}`);
    },
  };
}
