import { describe, expect, it } from 'vitest';
import { ACTIONS } from './actions.ts';
import { cedarSchemaText } from './cedar-schema.ts';
import { defaultPolicies } from './default-policies.ts';
import { checkPolicyText, compilePolicySet } from './policy-set.ts';

const schema = cedarSchemaText(ACTIONS);
const permitAudit = 'permit (principal, action == Workbench::Action::"audit.read", resource) when { principal in Workbench::Role::"ombuds" };';

describe('checkPolicyText', () => {
  it('accepts a valid policy and reads its effect, the actions it targets and its annotations', () => {
    const r = checkPolicyText('p', `@denial("no")\n${permitAudit}`, schema, ACTIONS);
    expect(r.ok && r.parsed.meta).toEqual({ id: 'p', effect: 'permit', actions: ['audit.read'], annotations: { denial: 'no' } });
  });

  it('expands an action group to its members and an unconstrained action to all', () => {
    const group = checkPolicyText('g', 'forbid (principal, action in Workbench::Action::"data-export", resource);', schema, ACTIONS);
    expect(group.ok && group.parsed.meta.actions).toEqual(['evidence.export']);
    const all = checkPolicyText('a', 'forbid (principal, action, resource) when { resource.tenant == "x" };', schema, ACTIONS);
    expect(all.ok && all.parsed.meta.actions).toBe('all');
  });

  it("refuses text that does not parse, with the engine's message", () => {
    const r = checkPolicyText('p', 'permit (principal, action, resource) when { 1 + };', schema, ACTIONS);
    expect(r).toEqual({
      ok: false,
      errors: ['unexpected token `}` (expected `!`, `(`, `-`, `[`, `{`, `false`, identifier, `if`, number, `?principal`, `?resource`, string literal, or `true`)'],
    });
  });

  it('refuses more than one statement', () => {
    expect(checkPolicyText('p', `${permitAudit}\n${permitAudit}`, schema, ACTIONS)).toEqual({
      ok: false,
      errors: ['a policy must hold exactly one Cedar policy statement; found 2 policies and 0 templates'],
    });
  });

  it("refuses what the schema rejects, with the engine's message and help", () => {
    const r = checkPolicyText('p', 'forbid (principal, action == Workbench::Action::"audit.read", resource) when { context.nope == 1 };', schema, ACTIONS);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors[0]).toContain('attribute `nope` in context for Workbench::Action::"audit.read" not found');
    expect(!r.ok && r.errors[0]).toContain('did you mean');
    const unknownAction = checkPolicyText('p', 'permit (principal, action == Workbench::Action::"evidence.delete", resource);', schema, ACTIONS);
    expect(!unknownAction.ok && unknownAction.errors.join(' ')).toContain('evidence.delete');
  });

  it('refuses an @id that contradicts the policy id, and placeholders it cannot fill', () => {
    const r = checkPolicyText('p', `@id("q")\n@reason("{resource.colour}")\n${permitAudit}`, schema, ACTIONS);
    expect(!r.ok && r.errors).toEqual([
      '@id("q") does not match the policy id "p"',
      expect.stringMatching(/^@reason: unknown placeholder \{resource\.colour\} \(known: \{action\}, /),
    ]);
  });
});

describe('compilePolicySet', () => {
  it('compiles the built-in defaults with no issue', () => {
    const set = compilePolicySet(defaultPolicies(ACTIONS), schema, ACTIONS);
    expect(set.ok).toBe(true);
    expect(set.ok && [...set.meta.keys()]).toEqual(Object.keys(defaultPolicies(ACTIONS)).sort());
    expect(set.ok && set.dropped).toEqual([]);
  });

  it('drops an invalid permit (it can only deny more) and reports it', () => {
    const set = compilePolicySet({ ok: permitAudit, bad: 'permit (principal, action, resource) when { resource.colour == "red" };' }, schema, ACTIONS);
    expect(set.ok).toBe(true);
    expect(set.ok && Object.keys(set.texts)).toEqual(['ok']);
    expect(set.ok && set.dropped.map((d) => d.policyId)).toEqual(['bad']);
  });

  it('fails the whole set on an invalid forbid or an unparseable policy (either could have forbidden something)', () => {
    const forbid = compilePolicySet({ ok: permitAudit, bad: 'forbid (principal, action, resource) when { resource.colour == "red" };' }, schema, ACTIONS);
    expect(forbid.ok).toBe(false);
    expect(!forbid.ok && forbid.issues.map((i) => i.policyId)).toEqual(['bad']);
    const garbage = compilePolicySet({ ok: permitAudit, bad: 'forbid (principal, action, resource' }, schema, ACTIONS);
    expect(!garbage.ok && garbage.issues.map((i) => i.policyId)).toEqual(['bad']);
  });
});
