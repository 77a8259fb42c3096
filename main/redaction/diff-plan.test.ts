import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkbenchError } from '../../shared/api/errors.ts';
import { attributesOf, caseIdOf, fixtureCases, fixtureQueries } from '../../fixtures/vector/generate-vectors.ts';
import { buildPlan, planHash, readPlanFile, writePlanFile, type HashedPlan, type Plan } from './diff-plan.ts';
import { cutoffMs, normalizePolicy } from './retention-policy.ts';
import { AT, startRedactionHarness, type RedactionHarness } from './testing/redaction-harness.ts';

function caught(fn: () => unknown): WorkbenchError {
  try {
    fn();
  } catch (e) {
    return e as WorkbenchError;
  }
  throw new Error('did not throw');
}

describe('the dry-run diff', () => {
  let h: RedactionHarness;
  let hashed: HashedPlan;
  const policyInput = () => ({ cases: fixtureCases(h.spec).slice(3, 9), purposes: ['research'], retention: '400d', at: AT });

  beforeAll(async () => {
    h = await startRedactionHarness();
    hashed = await buildPlan(h.redaction.backend, h.redaction.queryLog, policyInput());
  });
  afterAll(async () => h?.close());

  it('lists exactly the ids the policy selects, per shard, ascending — computed here independently from the fixture', () => {
    const policy = normalizePolicy(policyInput());
    const cutoff = cutoffMs(policy);
    const expected: number[][] = Array.from({ length: h.spec.shards }, () => []);
    for (let id = 1; id <= h.spec.vectors; id++) {
      const a = attributesOf(h.spec, id);
      if (policy.cases.includes(caseIdOf(a.caseIndex, h.spec.cases)) && h.spec.purposes[a.purposeIndex] === 'research' && a.createdAt < cutoff) expected[id % h.spec.shards]!.push(id);
    }
    // 400 days before AT cuts through 2025: some rows of these cases are kept, some go.
    expect(expected.flat().length).toBeGreaterThan(100);
    expect(hashed.plan.shards.map((s) => Array.from(s.ids))).toEqual(expected);
    expect(hashed.plan.shards.map((s) => s.count)).toEqual(expected.map((e) => e.length));
    expect(hashed.plan.totals).toEqual({ vectors: expected.flat().length, shards: 4, affectedQueries: hashed.plan.affectedQueries.length });
    expect(hashed.plan.policy).toEqual({ ...policy, cutoff: '2025-10-24T12:00:00.000Z' });
    expect(hashed.plan.store).toEqual({ kind: 'sqlite', shards: 4, dimension: 32 });
  });

  it('lists the logged queries that returned any of those ids, and which', () => {
    const erased = new Set(hashed.plan.shards.flatMap((s) => Array.from(s.ids)));
    const expected = fixtureQueries(h.spec)
      .map((q) => ({ queryId: q.id, at: q.at, actorId: q.actorId, ids: q.resultIds.filter((id) => erased.has(id)).sort((a, b) => a - b) }))
      .filter((q) => q.ids.length > 0);
    expect(expected.length).toBeGreaterThan(0);
    expect(hashed.plan.affectedQueries).toEqual(expected);
  });

  it('writes the same bytes for the same data and policy, and the hash is the SHA-256 of the canonical plan', async () => {
    const again = await buildPlan(h.redaction.backend, h.redaction.queryLog, policyInput());
    const a = join(h.location.dataDir, 'a.json');
    const b = join(h.location.dataDir, 'b.json');
    writePlanFile(a, hashed);
    writePlanFile(b, again);
    const bytes = readFileSync(a);
    expect(readFileSync(b).equals(bytes)).toBe(true);
    const text = bytes.toString('utf8');
    expect(text.startsWith('{"plan":{"affectedQueries":[')).toBe(true);
    expect(text.endsWith(`,"planHash":"${hashed.planHash}"}\n`)).toBe(true);
    const body = text.slice('{"plan":'.length, text.lastIndexOf(',"planHash"'));
    expect(createHash('sha256').update(body).digest('hex')).toBe(hashed.planHash);
    expect(readPlanFile(a).planHash).toBe(hashed.planHash);
  });

  it('a different reference time is a different plan', async () => {
    const later = await buildPlan(h.redaction.backend, h.redaction.queryLog, { ...policyInput(), at: '2026-12-28T12:00:00.000Z' });
    expect(later.planHash).not.toBe(hashed.planHash);
    expect(later.plan.totals.vectors).toBeGreaterThan(hashed.plan.totals.vectors);
  });

  it('refuses a plan edited after the dry-run', () => {
    const path = join(h.location.dataDir, 'edited.json');
    writePlanFile(path, hashed);
    const first = hashed.plan.shards[0]!.ids[0]!;
    const text = readFileSync(path, 'utf8').replace(`"ids":[${first},`, `"ids":[${first + 4},`);
    writeFileSync(path, text);
    const e = caught(() => readPlanFile(path));
    expect(e.code).toBe('BAD_INPUT');
    expect(e.message).toMatch(new RegExp(`^${path}: plan hash mismatch: the file says ${hashed.planHash}, its plan hashes to [0-9a-f]{64} \\(edited after the dry-run\\?\\)$`));
  });

  it('refuses a plan that is not in canonical form, even with a matching hash', () => {
    const path = join(h.location.dataDir, 'pretty.json');
    writePlanFile(path, hashed);
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as { plan: unknown };
    const body = JSON.stringify(parsed.plan, null, 1);
    writeFileSync(path, `{"plan":${body},"planHash":"${createHash('sha256').update(body).digest('hex')}"}\n`);
    expect(caught(() => readPlanFile(path))).toMatchObject({ code: 'BAD_INPUT', message: `${path}: plan is not in canonical form (RFC 8785); write plans with dry-run` });
  });

  it('names the field of a plan that does not add up', () => {
    const path = join(h.location.dataDir, 'bad.json');
    const bad = (patch: (p: Plan) => void): string => {
      const plan = structuredClone(hashed.plan);
      patch(plan);
      writePlanFile(path, { plan, planHash: planHash(plan) });
      return caught(() => readPlanFile(path)).message;
    };
    expect(bad((p) => (p.shards[1]!.count += 1))).toBe(`${path}: plan.shards[1].count: is ${hashed.plan.shards[1]!.count + 1} but the shard lists ${hashed.plan.shards[1]!.count} ids`);
    expect(bad((p) => (p.shards[2]!.ids = Float64Array.from([...p.shards[2]!.ids].reverse())))).toBe(
      `${path}: plan.shards[2].ids[1]: ids must be positive whole numbers in strictly ascending order`,
    );
    expect(bad((p) => (p.shards[0]!.ids[0] = 1))).toBe(`${path}: plan.shards[0].ids[0]: id 1 belongs to shard 1`);
    expect(bad((p) => (p.policy.cutoff = AT))).toBe(`${path}: plan.policy.cutoff: must be 2025-10-24T12:00:00.000Z (at minus retention)`);
    expect(bad((p) => (p.totals.vectors = 1))).toBe(`${path}: plan.totals.vectors: is 1, the shards erase ${hashed.plan.totals.vectors}`);
    expect(caught(() => readPlanFile(join(h.location.dataDir, 'absent.json')))).toMatchObject({ code: 'NOT_FOUND' });
  });
});
