/**
 * The PEP actions of the appeals capability and the roles the default policy gives them.
 * Ownership is decided by the service (is the caller the ticket's requester, the denial's
 * actor?) and expressed in the action name, so any PDP — a role table or Cedar — can decide
 * "requesters see their own tickets" without knowing about tickets.
 */
export const APPEALS_ACTIONS = {
  /** Appeal a denial the caller received; see the minimization suggestions for it. */
  open: 'appeals.open',
  /** Read the caller's own tickets, timelines and decisions. */
  readOwn: 'appeals.read-own',
  /** Answer questions and comment on the caller's own tickets. */
  respondOwn: 'appeals.respond-own',
  /** Read every ticket, the queue, the dashboard, artifacts, exceptions and the SLA policy. */
  read: 'appeals.read',
  /** Triage: assign, prioritise, ask for information, comment as a reviewer. */
  triage: 'appeals.triage',
  /** Decide an appeal (signs an artifact; may grant a time-bounded exception). */
  decide: 'appeals.decide',
  /** Set the SLA policy; revoke exceptions. */
  configure: 'appeals.configure',
} as const;
export type AppealsAction = (typeof APPEALS_ACTIONS)[keyof typeof APPEALS_ACTIONS];

/**
 * The PolicyResource `type` each action is asked about (one per action, as the Cedar schema
 * wants). Ids say what exactly: a ticket id, `queue`, `queue:<requester>`, `dashboard`,
 * `decision-artifacts`, `exceptions`, `sla-policy`, `denial:<event id>`.
 */
export const APPEALS_RESOURCES = {
  /** appeals.open: the denial being appealed. */
  denial: 'audit-event',
  /** appeals.read-own, respond-own, read, triage, decide. */
  ticket: 'ombuds-ticket',
  /** appeals.configure. */
  settings: 'appeals-settings',
  /** Audit events of granted and revoked exceptions (not a PEP resource). */
  exception: 'policy-exception',
  /** Audit events of SLA policy versions (not a PEP resource). */
  slaPolicy: 'appeal-sla-policy',
} as const;

const EVERYONE = ['analyst', 'data_steward', 'auditor', 'ombuds', 'admin'];

/**
 * The rows to add to the policy capability's action table (`main/policy/actions.ts`
 * `actionTable(extra)`): same shape as its `ActionSpec`, so the Cedar schema and the default
 * `role.<action>` policies are generated from them.
 */
export const APPEALS_ACTION_SPECS = [
  { name: APPEALS_ACTIONS.open, resourceKind: APPEALS_RESOURCES.denial, roles: EVERYONE, summary: 'Appeal a denial the actor received.' },
  { name: APPEALS_ACTIONS.readOwn, resourceKind: APPEALS_RESOURCES.ticket, roles: EVERYONE, summary: "Read the actor's own appeal tickets and decisions." },
  { name: APPEALS_ACTIONS.respondOwn, resourceKind: APPEALS_RESOURCES.ticket, roles: EVERYONE, summary: "Answer and comment on the actor's own appeal tickets." },
  { name: APPEALS_ACTIONS.read, resourceKind: APPEALS_RESOURCES.ticket, roles: ['ombuds', 'auditor', 'admin'], summary: 'Read every appeal ticket, the queue, the SLA dashboard, decision artifacts and exceptions.' },
  { name: APPEALS_ACTIONS.triage, resourceKind: APPEALS_RESOURCES.ticket, roles: ['ombuds', 'admin'], summary: 'Triage appeal tickets: assign, prioritise, ask for information.' },
  { name: APPEALS_ACTIONS.decide, resourceKind: APPEALS_RESOURCES.ticket, roles: ['ombuds', 'admin'], summary: 'Decide appeals: signed decision artifacts, time-bounded exceptions.' },
  { name: APPEALS_ACTIONS.configure, resourceKind: APPEALS_RESOURCES.settings, roles: ['admin'], summary: 'Set the appeals SLA policy; revoke appeal exceptions.' },
].map((a) => ({ ...a, groups: [] as never[], ownTenantRoles: [] as string[], capability: 'appeals' }));

/** The same rules as a role table (the foundation's `RolePdp` shape). */
export const APPEALS_ROLE_RULES: Readonly<Record<string, { roles: readonly string[] }>> = Object.fromEntries(
  APPEALS_ACTION_SPECS.map((a) => [a.name, { roles: a.roles }]),
);
