import { z } from 'zod';
import { IsoTime } from './time.ts';

/** What an audit pack holds, one section per kind of evidence (see docs/audit-pack.md). */
export const AUDIT_PACK_SECTIONS = [
  'policy', // policy sets in force and their history
  'simulation', // recorded decisions replayed against the current or a proposed policy set
  'provenance', // provenance packs with manifest/signature pairs and verify reports
  'slo', // appeals SLA compliance, propagation measurements, redaction throughput
  'chaos', // fault-injection runs: what happened and that nothing was lost
  'budgets', // namespace usage, rate-limited calls
  'audit', // audit event export and its chain verification
  'residency', // the residency report
  'appeals', // appeal decisions (signed artifacts)
  'sbom', // CycloneDX SBOM of the workbench
  'compliance', // control map, OSCAL assessment results
  'report', // report.pdf
] as const;
export const AuditPackSection = z.enum(AUDIT_PACK_SECTIONS);
export type AuditPackSection = z.infer<typeof AuditPackSection>;

/** A path inside the pack: relative, forward slashes, no `..`. */
export const PackPath = z
  .string()
  .min(1)
  .max(400)
  .regex(/^(?!\/)(?!.*(?:^|\/)\.\.?(?:\/|$))[A-Za-z0-9._\-/@+]+$/, 'a relative pack path of letters, digits and . _ - / @ +');
export type PackPath = z.infer<typeof PackPath>;

/** One file of the pack as index.json lists it. */
export const AuditPackIndexEntry = z.object({
  path: PackPath,
  section: AuditPackSection,
  title: z.string().min(1),
  mediaType: z.string().min(1),
  size: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** How many records the file holds (events, decisions, rows), when it is a record set. */
  records: z.number().int().nonnegative().optional(),
  /** The newest moment the file's evidence speaks about; the control map calls evidence stale from it. */
  asOf: IsoTime.optional(),
});
export type AuditPackIndexEntry = z.infer<typeof AuditPackIndexEntry>;

export const AUDIT_PACK_FORMAT = 'compliance-workbench/audit-pack';
export const AUDIT_PACK_FORMAT_VERSION = '1.0';

/** index.json: canonical JSON (RFC 8785) listing every file except index.json, manifest.json and attestations/. */
export const AuditPackIndex = z.object({
  format: z.literal(AUDIT_PACK_FORMAT),
  formatVersion: z.literal(AUDIT_PACK_FORMAT_VERSION),
  org: z.string().min(1),
  /** The period the pack covers (inclusive from, exclusive to). */
  period: z.object({ from: IsoTime, to: IsoTime }),
  /** The reference time: every time-dependent judgement (validity, staleness, SLA) is made as of it. */
  at: IsoTime,
  workbench: z.object({ version: z.string(), store: z.enum(['sqlite', 'postgres']) }),
  /** Sorted by path (bytewise). */
  entries: z.array(AuditPackIndexEntry),
  /** Headline facts per section, for the report and the view (e.g. {"audit.chainValid": true}). */
  facts: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
});
export type AuditPackIndex = z.infer<typeof AuditPackIndex>;

export const CONTROL_FRAMEWORKS = ['SOC2', 'ISO27001'] as const;
export const ControlFramework = z.enum(CONTROL_FRAMEWORKS);
export type ControlFramework = z.infer<typeof ControlFramework>;

export const ControlStatus = z.enum(['present', 'missing', 'stale']);
export type ControlStatus = z.infer<typeof ControlStatus>;

/** One row of compliance/control-map.csv: a workbench control and the criteria it supports. */
export const ControlMapRow = z.object({
  /** The workbench's own control id, e.g. CW-AC-01. */
  controlId: z.string().regex(/^CW-[A-Z]{2,4}-\d{2}$/),
  title: z.string().min(1),
  kind: z.enum(['user-action', 'system-control']),
  /** SOC 2 trust services criteria ids (e.g. CC6.1); ids only, never the criteria text. */
  soc2: z.array(z.string().regex(/^(CC|A|C|PI|P)\d+\.\d+$/)),
  /** ISO/IEC 27001:2022 Annex A control ids (e.g. A.8.15); ids only. */
  iso27001: z.array(z.string().regex(/^A\.[5-8]\.\d+$/)),
  /** Paths inside the pack holding the evidence. */
  evidence: z.array(PackPath).min(1),
  status: ControlStatus,
  /** Why it is missing or stale; empty when present. */
  statusReason: z.string(),
});
export type ControlMapRow = z.infer<typeof ControlMapRow>;
