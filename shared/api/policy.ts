import { z } from 'zod';
import { method } from './contract.ts';
import { Actor, ActorId, Consent } from '../domain/actors.ts';
import { Labels } from '../domain/evidence.ts';
import { IsoTime } from '../domain/time.ts';

export const PolicyId = z.string().regex(/^[a-z][a-z0-9_-]*(\.[a-z0-9_-]+)*$/, 'a dotted lower-case id such as role.evidence.read');
export const RoleName = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'a lower-case role name of letters, digits and _');

/** One row of the action table (main/policy/actions.ts). */
export const PolicyAction = z.object({
  name: z.string(),
  resourceKind: z.string(),
  groups: z.array(z.string()),
  roles: z.array(z.string()),
  ownTenantRoles: z.array(z.string()),
  capability: z.string(),
  summary: z.string(),
});
export type PolicyAction = z.infer<typeof PolicyAction>;

export const PolicyVersion = z.object({
  policyId: z.string(),
  version: z.number().int().positive(),
  status: z.enum(['active', 'retired']),
  body: z.string(),
  sha256: z.string(),
  note: z.string(),
  createdBy: z.string(),
  createdAt: IsoTime,
});
export type PolicyVersion = z.infer<typeof PolicyVersion>;

export const PolicyIssue = z.object({ policyId: z.string(), message: z.string() });

export const PolicyOverview = z.object({
  epoch: z.number().int().nonnegative(),
  policyRevision: z.number().int().nonnegative(),
  /** "invalid": an invalid forbid makes every request a deny until it is fixed. */
  policySet: z.enum(['ok', 'invalid']),
  issues: z.array(PolicyIssue),
  actions: z.array(PolicyAction),
  actors: z.array(Actor),
  consents: z.array(Consent),
  /** The latest version of every policy id, retired ones included. */
  policies: z.array(PolicyVersion),
  /** Roles named by the action table or held by an actor. */
  roles: z.array(z.string()),
});
export type PolicyOverview = z.infer<typeof PolicyOverview>;

export const PolicyCheck = z.object({ ok: z.boolean(), errors: z.array(z.string()) });
export type PolicyCheck = z.infer<typeof PolicyCheck>;

export const ChangeResult = z.object({
  /** The policy epoch after the change; present it as the session epoch. */
  epoch: z.number().int().nonnegative(),
  /** The audit event recording the change. */
  eventId: z.string(),
});

export const SimulatedResource = z.object({
  type: z.string().min(1),
  id: z.string().min(1),
  labels: Labels.partial().optional(),
  subjectId: z.string().min(1).optional(),
});

export const Permission = z.object({ action: z.string(), allowed: z.boolean(), policyIds: z.array(z.string()), reason: z.string() });

export const Simulation = z.object({
  allow: z.boolean(),
  policyIds: z.array(z.string()),
  reason: z.string(),
  epoch: z.number().int().nonnegative(),
  residency: z
    .object({
      tenant: z.string(),
      fromRegion: z.string(),
      toRegion: z.string(),
      pinned: z.boolean(),
      crossing: z.boolean(),
      exceptionId: z.string().nullable(),
    })
    .optional(),
});

export const policy = {
  overview: method({
    input: z.object({}),
    output: PolicyOverview,
    sensitive: true,
    summary: 'Actors and roles, consents, policies in force, the action table and the policy epoch (admin view).',
  }),
  history: method({
    input: z.object({ policyId: PolicyId }),
    output: z.array(PolicyVersion),
    sensitive: true,
    summary: 'Every version of one policy, oldest first.',
  }),
  validate: method({
    input: z.object({ policyId: PolicyId, text: z.string().max(20_000) }),
    output: PolicyCheck,
    sensitive: true,
    summary: "Check a policy against the engine and schema without saving it; errors are the engine's messages.",
  }),
  save: method({
    input: z.object({ policyId: PolicyId, text: z.string().min(1).max(20_000), note: z.string().trim().min(1).max(500) }),
    output: ChangeResult.extend({ version: PolicyVersion }),
    sensitive: true,
    summary: "Save a new version of a policy; a policy the engine rejects is refused with the engine's message.",
  }),
  retire: method({
    input: z.object({ policyId: PolicyId, note: z.string().trim().min(1).max(500) }),
    output: ChangeResult.extend({ version: PolicyVersion }),
    sensitive: true,
    summary: 'Take a policy out of force (a retired version is recorded; its history stays).',
  }),
  assignRole: method({
    input: z.object({ actorId: ActorId, role: RoleName }),
    output: ChangeResult.extend({ actor: Actor }),
    sensitive: true,
    summary: 'Give an actor a role; takes effect on the very next sensitive action.',
  }),
  removeRole: method({
    input: z.object({ actorId: ActorId, role: RoleName }),
    output: ChangeResult.extend({ actor: Actor }),
    sensitive: true,
    summary: "Take a role from an actor; takes effect on the very next sensitive action.",
  }),
  setConsent: method({
    input: z.object({ subjectId: z.string().min(1).max(200), purpose: z.string().min(1).max(200), status: z.enum(['granted', 'revoked']) }),
    output: ChangeResult.extend({ consent: Consent }),
    sensitive: true,
    summary: "Grant or revoke a data subject's consent for a purpose; takes effect on the very next sensitive action.",
  }),
  simulate: method({
    input: z.object({
      actorId: ActorId,
      action: z.string().min(1),
      resource: SimulatedResource,
      context: z.object({ purpose: z.string().min(1).optional(), destinationRegion: z.string().min(1).optional() }).optional(),
    }),
    output: Simulation,
    sensitive: true,
    summary: 'What the policy engine would decide for an actor, action and resource (nothing is done).',
  }),
  permissions: method({
    input: z.object({}),
    output: z.object({ epoch: z.number().int().nonnegative(), actorId: z.string(), actions: z.array(Permission) }),
    summary: "What the calling actor may do now, per action, on its own tenant's data in its own region (the renderer refreshes it on policy.changed).",
  }),
};
