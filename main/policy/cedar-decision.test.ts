import { describe, expect, it } from 'vitest';
import { interpretAnswer, SYSTEM_POLICY } from './cedar-decision.ts';
import type { AuthorizationAnswer } from './cedar-wasm.ts';
import type { PolicyMeta } from './policy-set.ts';
import { PLACEHOLDERS, type TemplateValues } from './reason-text.ts';

const values = Object.fromEntries(PLACEHOLDERS.map((p) => [p, `<${p}>`])) as unknown as TemplateValues;
const meta = new Map<string, PolicyMeta>([
  ['role.audit.read', { id: 'role.audit.read', effect: 'permit', actions: ['audit.read'], annotations: { denial: '{action} needs a role' } }],
  ['role.any', { id: 'role.any', effect: 'permit', actions: 'all', annotations: {} }],
  ['no-red', { id: 'no-red', effect: 'forbid', actions: 'all', annotations: { reason: 'tenant {resource.tenant} is red' } }],
  ['plain-forbid', { id: 'plain-forbid', effect: 'forbid', actions: 'all', annotations: {} }],
]);
const success = (decision: 'allow' | 'deny', reason: string[], errors: Array<{ policyId: string; message: string }> = []): AuthorizationAnswer => ({
  type: 'success',
  warnings: [],
  response: {
    decision,
    diagnostics: { reason, errors: errors.map((e) => ({ policyId: e.policyId, error: { message: e.message, help: null, code: null, url: null, severity: null } })) },
  },
});

describe('interpretAnswer', () => {
  it('allows with the determining permits', () => {
    expect(interpretAnswer(success('allow', ['role.any', 'role.audit.read']), meta, 'audit.read', values)).toEqual({
      allow: true,
      policyIds: ['role.any', 'role.audit.read'],
      reason: 'allowed by role.any, role.audit.read',
    });
  });

  it('denies when any policy errored, even if Cedar allowed (the fail-open trap)', () => {
    const v = interpretAnswer(success('allow', ['role.any'], [{ policyId: 'no-red', message: 'entity does not exist' }]), meta, 'audit.read', values);
    expect(v).toEqual({ allow: false, policyIds: ['no-red'], reason: 'policy evaluation failed, denied (fail closed): no-red: entity does not exist' });
  });

  it('denies a request the schema rejected', () => {
    const answer: AuthorizationAnswer = { type: 'failure', warnings: [], errors: [{ message: 'action `X` does not exist in the supplied schema', help: null, code: null, url: null, severity: null }] };
    expect(interpretAnswer(answer, meta, 'x', values)).toEqual({
      allow: false,
      policyIds: [SYSTEM_POLICY.schema],
      reason: 'request rejected by the policy schema: action `X` does not exist in the supplied schema',
    });
  });

  it("names the forbids that decided, with their rendered @reason (or the id when they have none)", () => {
    expect(interpretAnswer(success('deny', ['plain-forbid', 'no-red']), meta, 'audit.read', values)).toEqual({
      allow: false,
      policyIds: ['no-red', 'plain-forbid'],
      reason: 'tenant <resource.tenant> is red; forbidden by plain-forbid',
    });
  });

  it('on a default deny names the permits that could have applied and why not', () => {
    expect(interpretAnswer(success('deny', []), meta, 'audit.read', values)).toEqual({
      allow: false,
      policyIds: ['role.any', 'role.audit.read'],
      reason: 'role.any does not apply; <action> needs a role',
    });
    const onlyForAudit = new Map([...meta].filter(([id]) => id !== 'role.any'));
    expect(interpretAnswer(success('deny', []), onlyForAudit, 'packs.verify', values)).toEqual({
      allow: false,
      policyIds: [SYSTEM_POLICY.defaultDeny],
      reason: 'no policy permits packs.verify',
    });
  });
});
