import type { ActionSpec } from './actions.ts';
import { ACTION_GROUPS } from './actions.ts';
import { cedar, engineMessage, type DetailedError, type PolicyJson } from './cedar-wasm.ts';
import { T } from './cedar-schema.ts';
import { templateProblems } from './reason-text.ts';

export interface PolicyMeta {
  id: string;
  effect: 'permit' | 'forbid';
  /** Actions the policy's scope can match ('all' for an unconstrained action). */
  actions: 'all' | string[];
  annotations: Record<string, string>;
}

/** What the engine said about one policy. */
export interface PolicyIssue {
  policyId: string;
  message: string;
}

export type CompiledPolicySet =
  | {
      ok: true;
      /** id → Cedar text of every policy the engine evaluates. */
      texts: Record<string, string>;
      meta: Map<string, PolicyMeta>;
      /** Invalid permits left out (leaving a permit out can only deny more). */
      dropped: PolicyIssue[];
    }
  | {
      ok: false;
      /** Why nothing may be allowed: an invalid forbid, or a set the engine cannot load. */
      issues: PolicyIssue[];
    };

const errText = (errors: DetailedError[]) => errors.map(engineMessage).join('; ');

interface EntityRef {
  type: string;
  id: string;
}

function refOf(v: unknown): EntityRef | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const o = v as { type?: unknown; id?: unknown; __entity?: unknown };
  if (o.__entity !== undefined) return refOf(o.__entity);
  return typeof o.type === 'string' && typeof o.id === 'string' ? { type: o.type, id: o.id } : undefined;
}

/** Expands an action scope to concrete action names (a group stands for its members). */
function scopeActions(scope: PolicyJson['action'], actions: readonly ActionSpec[]): 'all' | string[] {
  const s = scope as { op: string; entity?: unknown; entities?: unknown[] };
  if (s.op === 'All') return 'all';
  const refs = (s.entity !== undefined ? [s.entity] : (s.entities ?? [])).map(refOf).filter((r): r is EntityRef => r?.type === T.action);
  const out = new Set<string>();
  for (const r of refs) {
    if ((ACTION_GROUPS as readonly string[]).includes(r.id)) {
      if (s.op === 'in') for (const a of actions) if (a.groups.includes(r.id as ActionSpec['groups'][number])) out.add(a.name);
    } else out.add(r.id);
  }
  return [...out].sort();
}

export interface ParsedPolicy {
  json: PolicyJson;
  meta: PolicyMeta;
}

/**
 * One policy's text on its own: exactly one Cedar policy, annotations we can render, and
 * (when a schema is given) strict validation. Returns the engine's messages on failure.
 */
export function checkPolicyText(
  id: string,
  text: string,
  schema: string,
  actions: readonly ActionSpec[],
): { ok: true; parsed: ParsedPolicy } | { ok: false; errors: string[]; effect?: 'permit' | 'forbid' } {
  const c = cedar();
  const parts = c.policySetTextToParts(text);
  if (parts.type !== 'success') return { ok: false, errors: parts.errors.map(engineMessage) };
  if (parts.policies.length !== 1 || parts.policy_templates.length !== 0) {
    return { ok: false, errors: [`a policy must hold exactly one Cedar policy statement; found ${parts.policies.length} policies and ${parts.policy_templates.length} templates`] };
  }
  const json = c.policyToJson(text);
  if (json.type !== 'success') return { ok: false, errors: json.errors.map(engineMessage) };
  const annotations = json.json.annotations ?? {};
  const errors: string[] = [];
  const idAnnotation = annotations.id;
  if (idAnnotation !== undefined && idAnnotation !== id) errors.push(`@id(${JSON.stringify(idAnnotation)}) does not match the policy id ${JSON.stringify(id)}`);
  for (const key of ['reason', 'denial']) {
    const value = annotations[key];
    if (value !== undefined) for (const p of templateProblems(value)) errors.push(`@${key}: ${p}`);
  }
  const v = c.validate({ schema, policies: { staticPolicies: { [id]: text } }, validationSettings: { mode: 'strict' } });
  if (v.type !== 'success') errors.push(...v.errors.map(engineMessage));
  else errors.push(...v.validationErrors.map((e) => engineMessage(e.error)));
  if (errors.length) return { ok: false, errors, effect: json.json.effect };
  return {
    ok: true,
    parsed: {
      json: json.json,
      meta: { id, effect: json.json.effect, actions: scopeActions(json.json.action, actions), annotations: { ...annotations } },
    },
  };
}

/**
 * Compiles the stored active policies. Fail closed: an invalid forbid (or an engine that
 * refuses the set) makes the whole set unusable, because leaving a forbid out could allow
 * what it forbids; an invalid permit is dropped and reported, because leaving it out can
 * only deny more.
 */
export function compilePolicySet(policies: Readonly<Record<string, string>>, schema: string, actions: readonly ActionSpec[]): CompiledPolicySet {
  const texts: Record<string, string> = {};
  const meta = new Map<string, PolicyMeta>();
  const dropped: PolicyIssue[] = [];
  const fatal: PolicyIssue[] = [];
  for (const id of Object.keys(policies).sort()) {
    const text = policies[id]!;
    const checked = checkPolicyText(id, text, schema, actions);
    if (checked.ok) {
      texts[id] = text;
      meta.set(id, checked.parsed.meta);
      continue;
    }
    const issue = { policyId: id, message: checked.errors.join('; ') };
    // A policy that does not even parse might have been a forbid: only a known permit may be dropped.
    if (checked.effect === 'permit') dropped.push(issue);
    else fatal.push(issue);
  }
  if (fatal.length) return { ok: false, issues: fatal };
  const whole = cedar().validate({ schema, policies: { staticPolicies: texts }, validationSettings: { mode: 'strict' } });
  if (whole.type !== 'success') return { ok: false, issues: [{ policyId: '(policy set)', message: errText(whole.errors) }] };
  return { ok: true, texts, meta, dropped };
}
