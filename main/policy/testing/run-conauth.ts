import { WorkbenchError } from '../../../shared/api/errors.ts';
import type { ConauthSequence, Expectation } from '../../../fixtures/conauth/sequences.ts';
import type { PolicyWorkbench } from '../policy-workbench.ts';

export interface StepOutcome {
  sequence: string;
  step: number;
  what: string;
  expected: Expectation;
  got: 'allow' | { deny: string[]; details: Record<string, unknown> };
  /** The session epoch presented, when the step presented a stale one. */
  sessionEpoch?: number;
}

function describeOutcome(e: unknown): StepOutcome['got'] {
  if (e instanceof WorkbenchError && e.code === 'DENIED') {
    const details = e.details ?? {};
    return { deny: [...((details.policyIds as string[] | undefined) ?? [])].sort(), details };
  }
  throw e;
}

/**
 * Runs one fixture sequence against a workbench: changes as `admin`, then the next
 * sensitive action, recording what each decision was (the test compares it with the
 * fixture's expectation). A change that fails throws: the fixture is broken, not the PDP.
 */
export async function runConauthSequence(wb: PolicyWorkbench, seq: ConauthSequence): Promise<StepOutcome[]> {
  const out: StepOutcome[] = [];
  let epochBeforeLastChange: number | undefined;
  for (const [i, step] of seq.steps.entries()) {
    if ('change' in step) {
      epochBeforeLastChange = wb.services.pdp.epoch();
      await wb.call(step.change.method, step.change.input, 'admin');
      continue;
    }
    if ('call' in step) {
      const { actor, method, input, expect, staleSession } = step.call;
      const epoch = staleSession ? epochBeforeLastChange : undefined;
      let got: StepOutcome['got'];
      try {
        await wb.call(method, input, actor, epoch);
        got = 'allow';
      } catch (e) {
        got = describeOutcome(e);
      }
      out.push({ sequence: seq.name, step: i, what: `${actor} ${method} ${JSON.stringify(input)}`, expected: expect, got, ...(epoch !== undefined ? { sessionEpoch: epoch } : {}) });
      continue;
    }
    const { actor: actorId, action, resource, context, expect } = step.guard;
    const actor = await wb.store.getActor(actorId);
    if (!actor) throw new Error(`fixture ${seq.name} step ${i}: no actor ${actorId}`);
    let got: StepOutcome['got'];
    try {
      await wb.services.pep.guard(actor, action, resource, context ? { context } : {});
      got = 'allow';
    } catch (e) {
      got = describeOutcome(e);
    }
    out.push({ sequence: seq.name, step: i, what: `${actorId} ${action} ${resource.type}/${resource.id}`, expected: expect, got });
  }
  return out;
}

/** The outcome as the fixture writes its expectation, for one `toEqual`. */
export function asExpectation(got: StepOutcome['got']): Expectation {
  return got === 'allow' ? 'allow' : { deny: got.deny };
}
