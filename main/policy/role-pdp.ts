import type { Pdp, PolicyDecision, PolicyRequest } from './pdp.ts';

interface RoleRule {
  roles: readonly string[];
  /** Roles that may act only on resources of their own tenant. */
  ownTenantOnly?: readonly string[];
}

/**
 * The foundation's role table: the simplest PDP that is still a real decision. The
 * continuous-authorization capability replaces it with a policy engine behind the same
 * `Pdp` interface. Unknown actions are denied.
 */
export const FOUNDATION_RULES: Readonly<Record<string, RoleRule>> = {
  'evidence.read': { roles: ['auditor', 'data_steward', 'analyst', 'admin'], ownTenantOnly: ['analyst', 'data_steward'] },
  'audit.read': { roles: ['auditor', 'ombuds', 'admin'] },
  'packs.verify': { roles: ['auditor', 'data_steward', 'admin'] },
};

export class RolePdp implements Pdp {
  readonly #rules: Readonly<Record<string, RoleRule>>;

  constructor(rules: Readonly<Record<string, RoleRule>> = FOUNDATION_RULES) {
    this.#rules = rules;
  }

  epoch(): number {
    return 0;
  }

  async decide({ actor, action, resource }: PolicyRequest): Promise<PolicyDecision> {
    const policyId = `role.${action}`;
    const rule = this.#rules[action];
    if (!rule) return { allow: false, policyIds: ['role.default-deny'], reason: `no rule allows ${action}`, epoch: 0 };
    const granting = actor.roles.filter((r) => rule.roles.includes(r));
    if (granting.length === 0) {
      return { allow: false, policyIds: [policyId], reason: `${action} needs one of the roles ${rule.roles.join(', ')}`, epoch: 0 };
    }
    const unrestricted = granting.some((r) => !rule.ownTenantOnly?.includes(r));
    const tenant = resource.labels?.tenant;
    if (!unrestricted && tenant !== undefined && tenant !== actor.tenant) {
      return { allow: false, policyIds: [policyId], reason: `${action} on tenant ${tenant} is limited to that tenant's members`, epoch: 0 };
    }
    return { allow: true, policyIds: [policyId], reason: `allowed by role ${granting.join(', ')}`, epoch: 0 };
  }
}
