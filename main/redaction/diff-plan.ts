import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { StoreKind } from '../store/store.ts';
import { type CanonicalValue, writeCanonical } from './canonical-json.ts';
import type { AffectedQuery, QueryLog } from './query-log.ts';
import { badRedactionInput, redactionError } from './redaction-error.ts';
import { cutoffIso, normalizePolicy, policyRanges, type RetentionPolicy } from './retention-policy.ts';
import type { VectorBackend } from './vector-backend.ts';
import { shardOf } from './vector-backend.ts';

export const PLAN_FORMAT = 'compliance-workbench/redaction-plan@1';

export interface PlanRange {
  caseId: string;
  purpose: string;
  count: number;
}

export interface PlanShard {
  shard: number;
  count: number;
  /** The policy ranges that hold rows in this shard, in (caseId, purpose) order. */
  ranges: PlanRange[];
  /** Every id the plan erases from this shard, ascending. */
  ids: Float64Array;
}

export interface PlanPolicy extends RetentionPolicy {
  /** `at` minus `retention`: vectors created strictly before this are selected. */
  cutoff: string;
}

/** The exact diff a retention policy would erase. */
export interface Plan {
  format: typeof PLAN_FORMAT;
  policy: PlanPolicy;
  store: { kind: StoreKind; shards: number; dimension: number };
  totals: { vectors: number; shards: number; affectedQueries: number };
  shards: PlanShard[];
  affectedQueries: AffectedQuery[];
}

/** A plan and the SHA-256 of its canonical JSON: the plan's identity. */
export interface HashedPlan {
  plan: Plan;
  planHash: string;
}

export interface PlanProgress {
  shardsDone: number;
  shards: number;
  vectors: number;
}

/**
 * The dry-run: per shard, the ids the policy selects (each range is one clustered-key range
 * scan), sorted; then the logged queries that returned any of them. Reads only.
 */
export async function buildPlan(
  backend: VectorBackend,
  queryLog: QueryLog,
  policyInput: RetentionPolicy,
  options: { onProgress?: (p: PlanProgress) => void; signal?: AbortSignal } = {},
): Promise<HashedPlan> {
  const policy = normalizePolicy(policyInput);
  const ranges = policyRanges(policy);
  let vectors = 0;
  let shardsDone = 0;
  // All shards at once: a backend with shard workers scans them in parallel.
  const shards: PlanShard[] = await Promise.all(
    Array.from({ length: backend.shards }, async (_, shard): Promise<PlanShard> => {
      if (options.signal?.aborted) throw redactionError('CANCELLED', 'dry-run', `cancelled after ${shardsDone} of ${backend.shards} shards`);
      const { ids, counts } = await backend.selectIds(shard, ranges);
      ids.sort();
      const planRanges: PlanRange[] = [];
      counts.forEach((count, i) => {
        if (count > 0) planRanges.push({ caseId: ranges[i]!.caseId, purpose: ranges[i]!.purpose, count });
      });
      vectors += ids.length;
      options.onProgress?.({ shardsDone: ++shardsDone, shards: backend.shards, vectors });
      return { shard, count: ids.length, ranges: planRanges, ids };
    }),
  );
  if (options.signal?.aborted) throw redactionError('CANCELLED', 'dry-run', 'cancelled');
  const affectedQueries = await queryLog.affectedBy(shards.map((s) => s.ids));
  const plan: Plan = {
    format: PLAN_FORMAT,
    policy: { ...policy, cutoff: cutoffIso(policy) },
    store: { kind: backend.kind, shards: backend.shards, dimension: backend.dimension },
    totals: { vectors, shards: shards.filter((s) => s.count > 0).length, affectedQueries: affectedQueries.length },
    shards,
    affectedQueries,
  };
  return { plan, planHash: planHash(plan) };
}

function planValue(plan: Plan): CanonicalValue {
  return plan as unknown as CanonicalValue;
}

export function planHash(plan: Plan): string {
  const h = createHash('sha256');
  writeCanonical(planValue(plan), (c) => h.update(c));
  return h.digest('hex');
}

const PREFIX = '{"plan":';
const SUFFIX = /,"planHash":"([0-9a-f]{64})"\}\n?$/;
const MAX_PLAN_BYTES = 400 * 1024 * 1024;

/**
 * Writes `{"plan": …, "planHash": "…"}` as canonical JSON (RFC 8785), streamed, into a
 * temporary file renamed into place: a reader never sees half a plan.
 */
export function writePlanFile(path: string, hashed: HashedPlan): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  const fd = openSync(temp, 'w');
  try {
    const h = createHash('sha256');
    let pending: string[] = [];
    let size = 0;
    const flush = () => {
      if (pending.length === 0) return;
      writeSync(fd, pending.join(''));
      pending = [];
      size = 0;
    };
    const write = (chunk: string) => {
      pending.push(chunk);
      size += chunk.length;
      if (size > 1 << 20) flush();
    };
    write(PREFIX);
    writeCanonical(planValue(hashed.plan), (c) => {
      h.update(c);
      write(c);
    });
    const digest = h.digest('hex');
    if (digest !== hashed.planHash) throw redactionError('INTERNAL', path, `plan hash ${hashed.planHash} does not match its content (${digest})`);
    write(`,"planHash":"${digest}"}\n`);
    flush();
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw e;
  }
  closeSync(fd);
  renameSync(temp, path);
}

/** Reads a plan file, checks its hash over the exact bytes, and validates every field. */
export function readPlanFile(path: string): HashedPlan {
  const { digest, parsed } = readHashed(path);
  const plan = validatePlan(parsed, path);
  // The hash names the plan; it must be the hash of its canonical form, or one plan could carry many names.
  const canonical = planHash(plan);
  if (canonical !== digest) throw badRedactionInput(path, 'plan is not in canonical form (RFC 8785); write plans with dry-run', { file: path });
  return { plan, planHash: digest };
}

/** The file's plan, parsed, and the hash of its exact bytes; the bytes are dropped on return. */
function readHashed(path: string): { digest: string; parsed: unknown } {
  let size: number;
  try {
    size = statSync(path).size;
  } catch (e) {
    throw redactionError('NOT_FOUND', path, `cannot read the plan: ${(e as Error).message}`, { file: path });
  }
  if (size > MAX_PLAN_BYTES) throw badRedactionInput(path, `is ${size} bytes; plans are at most ${MAX_PLAN_BYTES}`, { file: path });
  const bytes = readFileSync(path);
  const head = bytes.subarray(0, PREFIX.length).toString('latin1');
  const tail = bytes.subarray(Math.max(0, bytes.length - 90)).toString('latin1');
  const m = SUFFIX.exec(tail);
  if (head !== PREFIX || !m) throw badRedactionInput(path, 'is not a redaction plan (expected {"plan":…,"planHash":"…"} as written by dry-run)', { file: path });
  const body = bytes.subarray(PREFIX.length, bytes.length - m[0].length);
  const digest = createHash('sha256').update(body).digest('hex');
  if (digest !== m[1]) throw badRedactionInput(path, `plan hash mismatch: the file says ${m[1]}, its plan hashes to ${digest} (edited after the dry-run?)`, { file: path });
  try {
    return { digest, parsed: JSON.parse(body.toString('utf8')) };
  } catch (e) {
    throw badRedactionInput(path, `plan is not valid JSON: ${(e as Error).message}`, { file: path });
  }
}

function fail(where: string, message: string): never {
  throw badRedactionInput(where, message);
}

function obj(v: unknown, where: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(where, 'must be an object');
  return v as Record<string, unknown>;
}

function int(v: unknown, where: string, min = 0): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) fail(where, `must be a whole number ≥ ${min}`);
  return v;
}

function str(v: unknown, where: string): string {
  if (typeof v !== 'string') fail(where, 'must be a string');
  return v;
}

function strList(v: unknown, where: string): string[] {
  if (!Array.isArray(v)) fail(where, 'must be an array of strings');
  return v.map((x, i) => str(x, `${where}[${i}]`));
}

/** Validates a parsed plan; every error names the field (`<file>: plan.shards[3].ids[17]`). */
export function validatePlan(parsed: unknown, file: string): Plan {
  const at = (p: string) => `${file}: plan.${p}`;
  const root = obj(parsed, `${file}: plan`);
  if (root.format !== PLAN_FORMAT) fail(at('format'), `must be ${JSON.stringify(PLAN_FORMAT)}`);
  const p = obj(root.policy, at('policy'));
  const policy = normalizePolicy({
    ...(p.name !== undefined ? { name: str(p.name, at('policy.name')) } : {}),
    cases: strList(p.cases, at('policy.cases')),
    purposes: strList(p.purposes, at('policy.purposes')),
    retention: str(p.retention, at('policy.retention')),
    at: str(p.at, at('policy.at')),
  });
  if (p.cutoff !== cutoffIso(policy)) fail(at('policy.cutoff'), `must be ${cutoffIso(policy)} (at minus retention)`);
  const s = obj(root.store, at('store'));
  if (s.kind !== 'sqlite' && s.kind !== 'postgres') fail(at('store.kind'), 'must be "sqlite" or "postgres"');
  const store = { kind: s.kind, shards: int(s.shards, at('store.shards'), 1), dimension: int(s.dimension, at('store.dimension'), 1) };
  if (!Array.isArray(root.shards) || root.shards.length !== store.shards) fail(at('shards'), `must list all ${store.shards} shards`);
  const caseSet = new Set(policy.cases);
  const purposeSet = new Set(policy.purposes);
  let total = 0;
  const shards: PlanShard[] = (root.shards as unknown[]).map((raw, i) => {
    const w = (f: string) => at(`shards[${i}].${f}`);
    const sh = obj(raw, at(`shards[${i}]`));
    if (sh.shard !== i) fail(w('shard'), `must be ${i}`);
    if (!Array.isArray(sh.ids)) fail(w('ids'), 'must be an array of ids');
    const rawIds = sh.ids as unknown[];
    const ids = new Float64Array(rawIds.length);
    let prev = 0;
    for (let k = 0; k < rawIds.length; k++) {
      const id = rawIds[k];
      if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= prev) fail(w(`ids[${k}]`), 'ids must be positive whole numbers in strictly ascending order');
      if (shardOf(id, store.shards) !== i) fail(w(`ids[${k}]`), `id ${id} belongs to shard ${shardOf(id, store.shards)}`);
      ids[k] = id;
      prev = id;
    }
    // Let the parsed array go now: a 10M-id plan would otherwise be held twice.
    sh.ids = null;
    const count = int(sh.count, w('count'));
    if (count !== ids.length) fail(w('count'), `is ${count} but the shard lists ${ids.length} ids`);
    if (!Array.isArray(sh.ranges)) fail(w('ranges'), 'must be an array');
    let rangeSum = 0;
    let prevKey = '';
    const ranges = (sh.ranges as unknown[]).map((r, k) => {
      const ro = obj(r, w(`ranges[${k}]`));
      const range = { caseId: str(ro.caseId, w(`ranges[${k}].caseId`)), purpose: str(ro.purpose, w(`ranges[${k}].purpose`)), count: int(ro.count, w(`ranges[${k}].count`), 1) };
      if (!caseSet.has(range.caseId) || !purposeSet.has(range.purpose)) fail(w(`ranges[${k}]`), 'names a case or purpose outside the policy');
      const key = `${range.caseId}\u0000${range.purpose}`;
      if (key <= prevKey) fail(w(`ranges[${k}]`), 'ranges must be in (caseId, purpose) order, each once');
      prevKey = key;
      rangeSum += range.count;
      return range;
    });
    if (rangeSum !== count) fail(w('ranges'), `counts add up to ${rangeSum}, the shard erases ${count}`);
    total += count;
    return { shard: i, count, ranges, ids };
  });
  const t = obj(root.totals, at('totals'));
  if (!Array.isArray(root.affectedQueries)) fail(at('affectedQueries'), 'must be an array');
  const affectedQueries = (root.affectedQueries as unknown[]).map((raw, i) => {
    const q = obj(raw, at(`affectedQueries[${i}]`));
    const ids = Array.isArray(q.ids) ? (q.ids as unknown[]).map((x, k) => int(x, at(`affectedQueries[${i}].ids[${k}]`), 1)) : fail(at(`affectedQueries[${i}].ids`), 'must be an array');
    return { queryId: str(q.queryId, at(`affectedQueries[${i}].queryId`)), at: str(q.at, at(`affectedQueries[${i}].at`)), actorId: str(q.actorId, at(`affectedQueries[${i}].actorId`)), ids };
  });
  const totals = {
    vectors: int(t.vectors, at('totals.vectors')),
    shards: int(t.shards, at('totals.shards')),
    affectedQueries: int(t.affectedQueries, at('totals.affectedQueries')),
  };
  if (totals.vectors !== total) fail(at('totals.vectors'), `is ${totals.vectors}, the shards erase ${total}`);
  if (totals.shards !== shards.filter((x) => x.count > 0).length) fail(at('totals.shards'), 'does not match the shards that erase something');
  if (totals.affectedQueries !== affectedQueries.length) fail(at('totals.affectedQueries'), `is ${totals.affectedQueries}, the plan lists ${affectedQueries.length}`);
  return { format: PLAN_FORMAT, policy: { ...policy, cutoff: cutoffIso(policy) }, store: store as Plan['store'], totals, shards, affectedQueries };
}
