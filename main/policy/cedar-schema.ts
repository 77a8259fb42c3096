import { ACTION_GROUPS, type ActionSpec } from './actions.ts';

/** Cedar entity and action type names (namespace `Workbench`). */
export const NS = 'Workbench';
export const T = {
  actor: `${NS}::Actor`,
  role: `${NS}::Role`,
  subject: `${NS}::Subject`,
  resource: `${NS}::Resource`,
  action: `${NS}::Action`,
} as const;

/**
 * The Cedar schema, generated from the action table. Every request is validated against it
 * (`validateRequest`), so an unknown action, a missing context attribute or a mistyped
 * entity is a failure — and a failure is a deny.
 *
 * - `Actor in [Role]`: roles are parents, so `principal in Workbench::Role::"auditor"`.
 * - `Resource`: the labels every sensitive object carries. A collection (a list over all
 *   tenants or regions) carries "*" for what it spans. `subject` names the data subject the
 *   resource is about, when there is one; `pinned` says whether `region` and `tenant` come
 *   from a residency pin (true) or only from the row's labels (false).
 * - `Subject.granted`: the purposes the subject's consent is granted for (from the store).
 * - context: the purpose the request serves, the region the data would go to, and the id of
 *   the residency exception covering the move ("" when none).
 */
export function cedarSchemaText(actions: readonly ActionSpec[]): string {
  const lines = [
    `namespace ${NS} {`,
    '  entity Role;',
    '  entity Actor in [Role] { tenant: String, region: String };',
    '  entity Subject { granted: Set<String> };',
    '  entity Resource { kind: String, tenant: String, region: String, sensitivity: String, purpose: String, pinned: Bool, subject?: Subject };',
    '  type RequestContext = { purpose: String, destinationRegion: String, residencyException: String };',
    `  action ${ACTION_GROUPS.map((g) => JSON.stringify(g)).join(', ')};`,
  ];
  for (const a of actions) {
    const groups = a.groups.length ? ` in [${a.groups.map((g) => JSON.stringify(g)).join(', ')}]` : '';
    lines.push(`  action ${JSON.stringify(a.name)}${groups} appliesTo { principal: [Actor], resource: [Resource], context: RequestContext };`);
  }
  lines.push('}');
  return lines.join('\n') + '\n';
}
