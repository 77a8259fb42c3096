import type { SlaPolicy } from '../../shared/api/appeals.ts';

/**
 * The built-in SLA policy (version 0), in force until an administrator sets one: round the
 * clock, time to triage 1 h / 4 h / 8 h / 24 h and time to decision 8 h / 1 day / 3 days /
 * 7 days for urgent / high / normal / low.
 */
export const DEFAULT_SLA_POLICY: SlaPolicy = {
  name: 'Built-in default (24×7)',
  targets: {
    timeToTriage: { low: 1440, normal: 480, high: 240, urgent: 60 },
    timeToDecision: { low: 10080, normal: 4320, high: 1440, urgent: 480 },
  },
  calendar: null,
};
