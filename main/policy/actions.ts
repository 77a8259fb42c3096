/**
 * The table of actions the policy engine knows. Every `pep.guard(actor, action, …)` names
 * one of these; the Cedar schema and the built-in default policies are generated from it,
 * so an action missing here is rejected by the schema and therefore denied (fail closed).
 *
 * To add an action: one line here (name, resource kind, groups, roles). Its default policy
 * `role.<name>` is installed into the store on the next start (an id the store has never
 * held); an administrator can then edit or retire it like any other policy.
 */

/**
 * Groups other policies target instead of naming every action:
 * - `data-read` / `data-export`: moving labelled data to the actor (or an export target);
 *   the residency and consent policies apply to these.
 * - `data-write`: creating or erasing labelled data.
 * - `admin`: changing who may do what (roles, consents, policies, residency exceptions).
 */
export const ACTION_GROUPS = ['data-read', 'data-export', 'data-write', 'admin'] as const;
export type ActionGroup = (typeof ACTION_GROUPS)[number];

export interface ActionSpec {
  readonly name: string;
  /** The `kind` of resource the action applies to (the PolicyResource `type`). */
  readonly resourceKind: string;
  readonly groups: readonly ActionGroup[];
  /** Roles the default policy allows on any tenant's resources. */
  readonly roles: readonly string[];
  /** Roles the default policy allows only on resources of the actor's own tenant. */
  readonly ownTenantRoles: readonly string[];
  /** The capability that performs the action (who calls the guard). */
  readonly capability: string;
  readonly summary: string;
}

function action(
  name: string,
  resourceKind: string,
  groups: ActionGroup[],
  roles: string[],
  ownTenantRoles: string[],
  capability: string,
  summary: string,
): ActionSpec {
  return { name, resourceKind, groups, roles, ownTenantRoles, capability, summary };
}

/**
 * The built-in actions. The first three reproduce the foundation's role table exactly
 * (`role-pdp.ts`); then this capability's own, and those of capabilities whose rules are
 * fixed here. A capability may instead bring its rows to `actionTable(extra)` (the
 * composition root passes them as `extraActions`), as appeals does with `appeals.*`.
 */
export const ACTIONS: readonly ActionSpec[] = [
  // foundation
  action('evidence.read', 'evidence', ['data-read'], ['auditor', 'admin'], ['analyst', 'data_steward'], 'foundation', 'Read evidence items (one item or a list).'),
  action('audit.read', 'audit-trail', [], ['auditor', 'ombuds', 'admin'], [], 'foundation', 'Read or re-verify the audit trail.'),
  action('packs.verify', 'pack', [], ['auditor', 'data_steward', 'admin'], [], 'verify', 'Verify an evidence pack.'),
  // continuous authorization and residency (this capability)
  action('evidence.create', 'evidence', ['data-write'], ['admin'], ['data_steward'], 'residency', 'Ingest an evidence item (pins its tenant and region).'),
  action('evidence.export', 'evidence', ['data-export'], ['auditor', 'admin'], [], 'residency', 'Export evidence to a destination region.'),
  action('policy.read', 'policy', [], ['admin', 'auditor'], [], 'policy', 'Read policies, roles, consents and the action table.'),
  action('policy.write', 'policy', ['admin'], ['admin'], [], 'policy', 'Save or retire a policy.'),
  action('roles.write', 'actor', ['admin'], ['admin'], [], 'policy', "Assign or remove an actor's role."),
  action('consent.write', 'consent', ['admin'], ['admin', 'data_steward'], [], 'policy', 'Grant or revoke a data subject consent.'),
  action('residency.read', 'residency-report', [], ['admin', 'auditor', 'data_steward'], [], 'residency', 'Read the residency report.'),
  action('residency.export', 'residency-report', [], ['admin', 'auditor'], [], 'residency', 'Export the residency report (JSON or CSV).'),
  action('residency.write', 'residency', ['admin'], ['admin'], [], 'residency', 'Grant or revoke residency exceptions; pin unpinned rows.'),
  // vector governance (main/redaction guards these; stewards only, as its issue asks)
  action('vectors.read', 'vector-shard', ['data-read'], ['data_steward', 'admin'], [], 'redaction', 'Query or browse the vectors of a shard.'),
  action('vectors.purge', 'vector-shard', ['data-write'], ['data_steward', 'admin'], [], 'redaction', 'Plan, recall and purge vectors by retention policy.'),
  // audit packs (main/auditpack/audit-pack-service.ts guards these)
  action('auditpack.build', 'audit-pack', [], ['auditor', 'admin'], [], 'auditPack', 'Build (or cancel the build of) a signed audit pack.'),
  action('auditpack.read', 'audit-pack', [], ['auditor', 'admin'], [], 'auditPack', 'List built audit packs, read their control map and evidence, download them.'),
];

const NAME = /^[a-z][a-z0-9_-]*(\.[a-z][a-z0-9_-]*)+$/;

/** Throws (a build bug, not user input) on a malformed or duplicated table. */
export function checkActionTable(actions: readonly ActionSpec[]): void {
  const seen = new Set<string>();
  for (const a of actions) {
    if (!NAME.test(a.name)) throw new Error(`action table: ${JSON.stringify(a.name)} is not a dotted lower-case name`);
    if ((ACTION_GROUPS as readonly string[]).includes(a.name)) throw new Error(`action table: ${a.name} collides with a group name`);
    if (seen.has(a.name)) throw new Error(`action table: ${a.name} appears twice`);
    seen.add(a.name);
    if (a.roles.length + a.ownTenantRoles.length === 0) throw new Error(`action table: ${a.name} names no role`);
    for (const r of [...a.roles, ...a.ownTenantRoles]) {
      if (!/^[a-z][a-z0-9_]*$/.test(r)) throw new Error(`action table: ${a.name} has a malformed role ${JSON.stringify(r)}`);
    }
  }
}

checkActionTable(ACTIONS);

/** The table plus capability-supplied actions, checked. */
export function actionTable(extra: readonly ActionSpec[] = []): readonly ActionSpec[] {
  const all = [...ACTIONS, ...extra];
  checkActionTable(all);
  return all;
}
