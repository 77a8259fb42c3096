import type { AuthorizationAnswer } from './cedar-wasm.ts';
import { engineMessage } from './cedar-wasm.ts';
import type { PolicyMeta } from './policy-set.ts';
import { renderTemplate, type TemplateValues } from './reason-text.ts';

/** Policy ids the workbench itself uses when no stored policy decided. */
export const SYSTEM_POLICY = {
  /** The request did not fit the schema (unknown action, malformed entity or context). */
  schema: 'pdp.schema',
  /** No policy permits the action at all. */
  defaultDeny: 'pdp.default-deny',
  /** The engine or the store failed while deciding. */
  error: 'pdp.error',
  /** The principal is not an actor of the store. */
  unknownPrincipal: 'pdp.unknown-principal',
  /** The stored policy set cannot be evaluated (an invalid forbid, or it could not be loaded). */
  brokenSet: 'pdp.policy-set-invalid',
} as const;

export interface Verdict {
  allow: boolean;
  policyIds: string[];
  reason: string;
}

const sorted = (xs: Iterable<string>) => [...new Set(xs)].sort();

/**
 * Reads Cedar's answer, failing closed: a failure (the schema rejected the request), or any
 * policy that errored while evaluating, is a deny naming what failed — Cedar itself would
 * skip an erroring forbid and could allow. A deny with determining policies names those
 * forbids and their `@reason`s; a deny with none names the permits that could have allowed
 * the action and their `@denial`s (why they did not apply).
 */
export function interpretAnswer(answer: AuthorizationAnswer, meta: ReadonlyMap<string, PolicyMeta>, action: string, values: TemplateValues): Verdict {
  if (answer.type !== 'success') {
    const why = answer.errors.map(engineMessage).join('; ') || 'no detail';
    return { allow: false, policyIds: [SYSTEM_POLICY.schema], reason: `request rejected by the policy schema: ${why}` };
  }
  const { decision, diagnostics } = answer.response;
  if (diagnostics.errors.length > 0) {
    const ids = sorted(diagnostics.errors.map((e) => e.policyId));
    const why = diagnostics.errors.map((e) => `${e.policyId}: ${engineMessage(e.error)}`).join('; ');
    return { allow: false, policyIds: ids, reason: `policy evaluation failed, denied (fail closed): ${why}` };
  }
  const determining = sorted(diagnostics.reason);
  if (decision === 'allow') {
    return { allow: true, policyIds: determining, reason: `allowed by ${determining.join(', ')}` };
  }
  if (determining.length > 0) {
    const reasons = determining.map((id) => {
      const template = meta.get(id)?.annotations.reason;
      return template ? renderTemplate(template, values) : `forbidden by ${id}`;
    });
    return { allow: false, policyIds: determining, reason: reasons.join('; ') };
  }
  const permits = [...meta.values()].filter((m) => m.effect === 'permit' && (m.actions === 'all' || m.actions.includes(action)));
  if (permits.length === 0) return { allow: false, policyIds: [SYSTEM_POLICY.defaultDeny], reason: `no policy permits ${action}` };
  const ids = sorted(permits.map((p) => p.id));
  const reasons = ids.map((id) => {
    const template = meta.get(id)!.annotations.denial;
    return template ? renderTemplate(template, values) : `${id} does not apply`;
  });
  return { allow: false, policyIds: ids, reason: reasons.join('; ') };
}
