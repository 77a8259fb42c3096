import { z } from 'zod';
import { method } from './contract.ts';
import { IsoTime } from '../domain/time.ts';

const Name = z.string().min(1).max(200);
const Region = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'a region name: lower-case letters, digits and -');

/** A recorded, time-bounded permission to move one tenant's data from one region to another. */
export const ResidencyException = z.object({
  id: z.string(),
  tenant: Name,
  fromRegion: Region,
  toRegion: Region,
  /** Action names or the groups data-read / data-export the exception covers. */
  actions: z.array(Name).min(1),
  validFrom: IsoTime,
  validUntil: IsoTime,
  justification: z.string().min(1),
  grantedBy: z.string(),
  grantedAt: IsoTime,
  revokedAt: IsoTime.nullable(),
  revokedBy: z.string().nullable(),
});
export type ResidencyException = z.infer<typeof ResidencyException>;

export const ExceptionStatus = z.enum(['scheduled', 'in-force', 'expired', 'revoked']);
export type ExceptionStatus = z.infer<typeof ExceptionStatus>;

export const GrantException = z.object({
  tenant: Name,
  fromRegion: Region,
  toRegion: Region,
  actions: z.array(Name).min(1).default(['data-read']),
  validFrom: IsoTime,
  validUntil: IsoTime,
  justification: z.string().trim().min(10, 'say why, in at least 10 characters').max(2000),
});
export type GrantException = z.input<typeof GrantException>;

/** One decided request that would move data across regions. */
export const ResidencyEvent = z.object({
  decisionId: z.string(),
  at: IsoTime,
  actorId: z.string(),
  action: z.string(),
  resourceType: z.string(),
  resourceId: z.string(),
  tenant: z.string(),
  fromRegion: z.string(),
  toRegion: z.string(),
  /** The exception that covered the move; null = an attempted violation. */
  exceptionId: z.string().nullable(),
  outcome: z.enum(['denied', 'allowed']),
});
export type ResidencyEvent = z.infer<typeof ResidencyEvent>;

export const InventoryRow = z.object({
  resourceType: z.string(),
  tenant: z.string(),
  region: z.string(),
  pinned: z.number().int().nonnegative(),
  unpinned: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
});

export const ReconciliationCheck = z.object({
  id: z.string(),
  label: z.string(),
  ok: z.boolean(),
  /** What was compared, and what does not hold when not ok. */
  detail: z.string(),
});
export type ReconciliationCheck = z.infer<typeof ReconciliationCheck>;

export const ResidencyReport = z.object({
  /** The reference time: "in force" means at this instant. */
  at: IsoTime,
  epoch: z.number().int().nonnegative(),
  inventory: z.object({
    rows: z.array(InventoryRow),
    byRegion: z.array(z.object({ region: z.string(), count: z.number().int().nonnegative() })),
    byTenant: z.array(z.object({ tenant: z.string(), count: z.number().int().nonnegative() })),
    total: z.number().int().nonnegative(),
    unpinnedCount: z.number().int().nonnegative(),
    /** The first unpinned rows (all of them up to 200), so someone can pin them deliberately. */
    unpinned: z.array(z.object({ resourceType: z.string(), resourceId: z.string(), tenant: z.string(), region: z.string() })),
    /** Rows whose labels disagree with their pin (the pin is what guards use). */
    mismatches: z.array(
      z.object({ resourceType: z.string(), resourceId: z.string(), labelTenant: z.string(), labelRegion: z.string(), pinTenant: z.string(), pinRegion: z.string() }),
    ),
  }),
  exceptions: z.array(ResidencyException.extend({ status: ExceptionStatus, uses: z.number().int().nonnegative() })),
  violations: z.object({
    total: z.number().int().nonnegative(),
    denied: z.number().int().nonnegative(),
    /** Moves allowed with no exception: data left its region without a recorded policy. */
    allowed: z.number().int().nonnegative(),
    byDay: z.array(z.object({ day: z.string(), denied: z.number().int().nonnegative(), allowed: z.number().int().nonnegative() })),
    byRoute: z.array(z.object({ tenant: z.string(), fromRegion: z.string(), toRegion: z.string(), count: z.number().int().nonnegative() })),
    /** The latest attempts, newest first (up to 100). */
    recent: z.array(ResidencyEvent),
  }),
  crossingsUnderException: z.object({
    total: z.number().int().nonnegative(),
    byException: z.array(z.object({ exceptionId: z.string(), count: z.number().int().nonnegative() })),
  }),
  reconciliation: z.object({
    reconciled: z.boolean(),
    /** "reconciled", or "not reconciled: " and the checks that fail. */
    statement: z.string(),
    checks: z.array(ReconciliationCheck),
  }),
});
export type ResidencyReport = z.infer<typeof ResidencyReport>;

export const ReportExport = z.object({
  filename: z.string(),
  mediaType: z.enum(['application/json', 'text/csv']),
  content: z.string(),
  /** SHA-256 hex of the UTF-8 content. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type ReportExport = z.infer<typeof ReportExport>;

export const residency = {
  report: method({
    input: z.object({ at: IsoTime.optional() }),
    output: ResidencyReport,
    sensitive: true,
    summary: 'Data by region and tenant, exceptions in force, attempted violations over time, and the reconciliation of those numbers.',
  }),
  exportReport: method({
    input: z.object({ format: z.enum(['json', 'csv']), at: IsoTime.optional() }),
    output: ReportExport,
    sensitive: true,
    summary: 'The residency report as canonical JSON or CSV, byte-identical for the same store and reference time.',
  }),
  grantException: method({
    input: GrantException,
    output: ResidencyException,
    sensitive: true,
    summary: "Record a time-bounded exception allowing a tenant's data to move from one region to another.",
  }),
  revokeException: method({
    input: z.object({ id: z.string().min(1) }),
    output: ResidencyException,
    sensitive: true,
    summary: 'Revoke a residency exception now.',
  }),
  pinUnpinned: method({
    input: z.object({ ids: z.array(z.string().min(1)).max(10_000).optional() }),
    output: z.object({ pinned: z.array(z.object({ resourceId: z.string(), tenant: z.string(), region: z.string() })) }),
    sensitive: true,
    summary: 'Pin unpinned evidence rows (all, or the ids given) to the tenant and region their labels name: a deliberate, audited act.',
  }),
};
