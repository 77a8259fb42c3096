/**
 * The policy actions this capability guards, as rules of the foundation's role table
 * (`main/policy/role-pdp.ts`). Data stewards and administrators may look at and purge
 * vectors; nobody else. The action table of the policy engine (`main/policy/actions.ts`)
 * names the same two actions.
 */
export const REDACTION_ROLE_RULES = {
  'vectors.read': { roles: ['data_steward', 'admin'] },
  'vectors.purge': { roles: ['data_steward', 'admin'] },
} as const;
