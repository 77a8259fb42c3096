import { z } from 'zod';
import { IsoTime } from './time.ts';

/** Roles the demo data and built-in policies know; the store accepts any role name. */
export const KNOWN_ROLES = ['auditor', 'ombuds', 'data_steward', 'analyst', 'admin'] as const;
export type KnownRole = (typeof KNOWN_ROLES)[number];

export const ActorId = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'lower-case id of letters, digits, . _ -');

export const Actor = z.object({
  id: ActorId,
  displayName: z.string().min(1),
  tenant: z.string().min(1),
  /** The region the actor works from; residency guards compare it with data pins. */
  region: z.string().min(1),
  roles: z.array(z.string()).describe('sorted role names'),
  createdAt: IsoTime,
});
export type Actor = z.infer<typeof Actor>;

export const ActorInput = Actor.omit({ roles: true, createdAt: true }).extend({
  roles: z.array(z.string()).default([]),
});
export type ActorInput = z.input<typeof ActorInput>;

export const Consent = z.object({
  subjectId: z.string().min(1),
  purpose: z.string().min(1),
  status: z.enum(['granted', 'revoked']),
  updatedAt: IsoTime,
});
export type Consent = z.infer<typeof Consent>;
