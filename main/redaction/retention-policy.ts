import { parseDuration } from './duration.ts';
import { badRedactionInput } from './redaction-error.ts';

/** Case ids, purposes, tenants and regions: ASCII, so byte order = string order on every store. */
export const LABEL = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
export const POLICY_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** A stored policy: which cases and purposes, kept how long. The reference time comes with each run. */
export interface StoredPolicy {
  name: string;
  cases: string[];
  purposes: string[];
  retention: string;
}

/** A policy at a reference time: everything a dry-run needs. */
export interface RetentionPolicy {
  /** The stored policy it came from, if any. */
  name?: string;
  /** Sorted, distinct. */
  cases: string[];
  /** Sorted, distinct. */
  purposes: string[];
  retention: string;
  /** Reference time, ISO-8601 UTC with milliseconds. */
  at: string;
}

/** One clustered-key range the policy selects: `case_id = caseId AND purpose = purpose AND created_at < beforeMs`. */
export interface PolicyRange {
  caseId: string;
  purpose: string;
  beforeMs: number;
}

export function checkLabel(value: string, where: string): string {
  if (!LABEL.test(value)) throw badRedactionInput(where, `${JSON.stringify(value)} must be 1-128 characters of A-Z a-z 0-9 . _ : - starting with a letter or digit`, { value });
  return value;
}

export function checkIsoTime(value: string, where: string): number {
  const ms = ISO_MS.test(value) ? Date.parse(value) : NaN;
  if (!Number.isFinite(ms) || new Date(ms).toISOString() !== value) {
    throw badRedactionInput(where, `${JSON.stringify(value)} is not an ISO-8601 UTC time like 2026-11-28T12:00:00.000Z`, { value });
  }
  return ms;
}

function sortedDistinct(values: readonly string[], where: string): string[] {
  if (values.length === 0) throw badRedactionInput(where, 'names none; a policy must name at least one', {});
  values.forEach((v, i) => checkLabel(v, `${where}[${i}]`));
  return [...new Set(values)].sort();
}

/** Validates and normalises a policy (sorted, distinct lists); throws BAD_INPUT naming the field. */
export function normalizePolicy(input: { name?: string; cases: readonly string[]; purposes: readonly string[]; retention: string; at: string }): RetentionPolicy {
  if (input.name !== undefined && !POLICY_NAME.test(input.name)) {
    throw badRedactionInput('policy.name', `${JSON.stringify(input.name)} must be 1-64 characters of a-z 0-9 . _ - starting with a letter or digit`);
  }
  parseDuration(input.retention, 'policy.retention');
  checkIsoTime(input.at, 'policy.at');
  const policy: RetentionPolicy = {
    cases: sortedDistinct(input.cases, 'policy.cases'),
    purposes: sortedDistinct(input.purposes, 'policy.purposes'),
    retention: input.retention,
    at: input.at,
  };
  if (policy.cases.length > 100_000) throw badRedactionInput('policy.cases', `names ${policy.cases.length} cases; at most 100000`);
  if (input.name !== undefined) policy.name = input.name;
  checkCutoff(policy);
  return policy;
}

export function normalizeStoredPolicy(input: StoredPolicy): StoredPolicy {
  const p = normalizePolicy({ ...input, at: '2000-01-01T00:00:00.000Z' });
  return { name: input.name, cases: p.cases, purposes: p.purposes, retention: p.retention };
}

/** Vectors created strictly before this instant are past retention. */
export function cutoffMs(policy: RetentionPolicy): number {
  return checkIsoTime(policy.at, 'policy.at') - parseDuration(policy.retention, 'policy.retention');
}

function checkCutoff(policy: RetentionPolicy): void {
  const c = cutoffMs(policy);
  if (c < -8.64e15 || c > 8.64e15) throw badRedactionInput('policy.retention', `reaches outside the representable time range from ${policy.at}`);
}

export function cutoffIso(policy: RetentionPolicy): string {
  return new Date(cutoffMs(policy)).toISOString();
}

/** The ranges the policy selects, in (caseId, purpose) order: the order batches walk them. */
export function policyRanges(policy: RetentionPolicy): PolicyRange[] {
  const beforeMs = cutoffMs(policy);
  const out: PolicyRange[] = [];
  for (const caseId of policy.cases) for (const purpose of policy.purposes) out.push({ caseId, purpose, beforeMs });
  return out;
}
