import type { ActionSpec } from './actions.ts';
import { T } from './cedar-schema.ts';

/**
 * The built-in policy set, as Cedar text keyed by policy id. Installed into the store on
 * first start (and any id the store has never held on a later start); from then on the
 * stored versions are what the engine evaluates.
 *
 * Annotations the workbench reads: `@reason("…")` on a forbid explains a denial it causes;
 * `@denial("…")` on a permit explains a denial when no permit applied. Both may use
 * `{action}`, `{principal.id|tenant|region}`, `{resource.id|kind|tenant|region|sensitivity|purpose|subject}`
 * and `{context.purpose|destinationRegion|residencyException}`.
 */

const role = (r: string) => `${T.role}::${JSON.stringify(r)}`;
const act = (a: string) => `${T.action}::${JSON.stringify(a)}`;
const roleSet = (roles: readonly string[]) => `[${roles.map(role).join(', ')}]`;

export const ROLE_POLICY_PREFIX = 'role.';
export const RESIDENCY_POLICY_ID = 'residency.cross-region';
export const CONSENT_POLICY_ID = 'consent.purpose';
export const RESTRICTED_POLICY_ID = 'sensitivity.restricted';

function quote(s: string): string {
  return JSON.stringify(s);
}

/** `role.<action>`: who may perform the action, reproducing the foundation's role table. */
export function rolePolicy(a: ActionSpec): string {
  const anyTenant = a.roles.length ? `principal in ${roleSet(a.roles)}` : '';
  const ownTenant = a.ownTenantRoles.length ? `(principal in ${roleSet(a.ownTenantRoles)} && resource.tenant == principal.tenant)` : '';
  const condition = [anyTenant, ownTenant].filter(Boolean).join(' || ');
  const denial = a.ownTenantRoles.length
    ? a.roles.length
      ? `${a.name} needs one of the roles ${a.roles.join(', ')}, or one of ${a.ownTenantRoles.join(', ')} within the actor's own tenant (the resource is tenant {resource.tenant})`
      : `${a.name} needs one of the roles ${a.ownTenantRoles.join(', ')} within the actor's own tenant (the resource is tenant {resource.tenant})`
    : `${a.name} needs one of the roles ${a.roles.join(', ')}`;
  return [`@denial(${quote(denial)})`, `permit (principal, action == ${act(a.name)}, resource)`, `when { ${condition} };`].join('\n') + '\n';
}

const DATA_MOVES = `[${act('data-read')}, ${act('data-export')}]`;

const FIXED: Readonly<Record<string, string>> = {
  [RESIDENCY_POLICY_ID]: [
    '@reason("{action} would move tenant {resource.tenant} data held in {resource.region} into {context.destinationRegion}, and no residency exception covers it")',
    `forbid (principal, action in ${DATA_MOVES}, resource)`,
    'when { resource.region != "*" && resource.region != context.destinationRegion && context.residencyException == "" };',
  ].join('\n'),
  [CONSENT_POLICY_ID]: [
    '@reason("data subject {resource.subject} has not granted consent for the purpose {context.purpose}")',
    'forbid (principal, action, resource)',
    'when { resource has subject && !resource.subject.granted.contains(context.purpose) };',
  ].join('\n'),
  [RESTRICTED_POLICY_ID]: [
    '@reason("restricted data may be read or exported only by the roles auditor, data_steward, admin")',
    `forbid (principal, action in ${DATA_MOVES}, resource)`,
    `when { resource.sensitivity == "restricted" && !(principal in ${roleSet(['auditor', 'data_steward', 'admin'])}) };`,
  ].join('\n'),
};

/** Every default policy, id → Cedar text, in a stable order (role policies by action name, then the fixed ones). */
export function defaultPolicies(actions: readonly ActionSpec[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of [...actions].sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0))) out[`${ROLE_POLICY_PREFIX}${a.name}`] = rolePolicy(a);
  for (const [id, text] of Object.entries(FIXED)) out[id] = text + '\n';
  return out;
}
