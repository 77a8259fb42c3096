import { WorkbenchError } from '../../../shared/api/errors.ts';

/** `quota` calls per `windowSeconds`, at most `burst` (default: quota) at once. */
export interface RatePolicy {
  quota: number;
  windowSeconds: number;
  burst?: number;
}

export interface RateLimiterConfig {
  default: RatePolicy;
  /** Per-namespace policies; a namespace without one uses the default policy (with its own budget). */
  namespaces?: Readonly<Record<string, RatePolicy>>;
}

export interface RateDecision {
  namespace: string;
  allowed: boolean;
  /** 0 when allowed; else how long until one call would be allowed. */
  retryAfterMs: number;
  /** Calls that could be made right now. */
  remaining: number;
  /** Seconds until the budget is full again. */
  resetSeconds: number;
  /** IETF httpapi RateLimit-Policy value: `"default";q=100;w=60`. */
  policyHeader: string;
  /** IETF httpapi RateLimit value: `"default";r=50;t=30`. */
  limitHeader: string;
}

export type DecisionObserver = (decision: RateDecision, atMs: number) => void;

function validate(where: string, p: RatePolicy): Required<RatePolicy> {
  const burst = p.burst ?? p.quota;
  for (const [k, v] of [
    ['quota', p.quota],
    ['windowSeconds', p.windowSeconds],
    ['burst', burst],
  ] as const) {
    if (!Number.isInteger(v) || v <= 0) throw new WorkbenchError('BAD_INPUT', `${where}.${k}: must be a positive integer, got ${JSON.stringify(v)}`, { where: `${where}.${k}` });
  }
  return { quota: p.quota, windowSeconds: p.windowSeconds, burst };
}

/**
 * Per-namespace rate shaping with GCRA (the generic cell rate algorithm — a token bucket
 * kept as one timestamp): a namespace may make one call every `window / quota`, with up to
 * `burst` calls banked. Time comes from the injected clock, never the wall.
 */
export class RateLimiter {
  readonly #default: Required<RatePolicy>;
  readonly #policies = new Map<string, Required<RatePolicy>>();
  /** Theoretical arrival time per namespace (ms). */
  readonly #tat = new Map<string, number>();
  readonly #now: () => number;
  readonly #observers: DecisionObserver[] = [];

  constructor(config: RateLimiterConfig, now: () => number) {
    this.#default = validate('default', config.default);
    for (const [ns, p] of Object.entries(config.namespaces ?? {})) this.#policies.set(ns, validate(`namespaces.${ns}`, p));
    this.#now = now;
  }

  /** Called with every decision (the usage recorder listens here). */
  observe(observer: DecisionObserver): void {
    this.#observers.push(observer);
  }

  policyOf(namespace: string): { name: string } & Required<RatePolicy> {
    const own = this.#policies.get(namespace);
    return own ? { name: namespace, ...own } : { name: 'default', ...this.#default };
  }

  policies(): Array<{ namespace: string; policy: string; quota: number; windowSeconds: number; burst: number }> {
    const out = [...this.#policies.entries()].map(([ns, p]) => ({ namespace: ns, policy: ns, quota: p.quota, windowSeconds: p.windowSeconds, burst: p.burst }));
    out.push({ namespace: '*', policy: 'default', quota: this.#default.quota, windowSeconds: this.#default.windowSeconds, burst: this.#default.burst });
    return out.sort((a, b) => a.namespace.localeCompare(b.namespace));
  }

  check(namespace: string): RateDecision {
    const t = this.#now();
    const p = this.policyOf(namespace);
    const interval = (p.windowSeconds * 1000) / p.quota;
    const tolerance = interval * p.burst;
    const tat = Math.max(this.#tat.get(namespace) ?? t, t);
    const next = tat + interval;
    let decision: RateDecision;
    const policyHeader = `"${p.name}";q=${p.quota};w=${p.windowSeconds}`;
    if (next - t > tolerance) {
      const retryAfterMs = Math.ceil(next - t - tolerance);
      const resetSeconds = Math.ceil((tat - t) / 1000);
      decision = { namespace, allowed: false, retryAfterMs, remaining: 0, resetSeconds, policyHeader, limitHeader: `"${p.name}";r=0;t=${resetSeconds}` };
    } else {
      this.#tat.set(namespace, next);
      const remaining = Math.max(0, Math.floor((tolerance - (next - t)) / interval + 1e-9));
      const resetSeconds = Math.ceil((next - t) / 1000);
      decision = { namespace, allowed: true, retryAfterMs: 0, remaining, resetSeconds, policyHeader, limitHeader: `"${p.name}";r=${remaining};t=${resetSeconds}` };
    }
    for (const o of this.#observers) o(decision, t);
    return decision;
  }

  /** check(), throwing RATE_LIMITED (with the headers in its details) when the call is not allowed. */
  take(namespace: string): RateDecision {
    const d = this.check(namespace);
    if (!d.allowed) {
      throw new WorkbenchError('RATE_LIMITED', `too many ${namespace} calls: retry in ${Math.max(1, Math.ceil(d.retryAfterMs / 1000))} s`, {
        retryAfterMs: d.retryAfterMs,
        policyHeader: d.policyHeader,
        limitHeader: d.limitHeader,
        namespace,
      });
    }
    return d;
  }
}
