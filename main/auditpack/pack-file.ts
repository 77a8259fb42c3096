import type { AuditPackIndexEntry, AuditPackSection } from '../../shared/domain/audit-pack.ts';
import type { Store } from '../store/store.ts';

/** One file a collector contributes to the audit pack: in memory, or streamed from disk (large evidence). */
export interface PackFile {
  /** Path inside the pack (see PackPath in shared/domain/audit-pack.ts). */
  path: string;
  section: AuditPackSection;
  title: string;
  mediaType: string;
  data: Buffer | { file: string; size: number };
  /** How many records the file holds, when it is a record set. */
  records?: number;
  /** ISO time of the newest evidence the file speaks about (drives "stale" in the control map). */
  asOf?: string;
}

/** What every collector gets: the store, the period and the reference time, and a way to report progress. */
export interface CollectContext {
  store: Store;
  org: string;
  /** Period covered: [from, to). */
  from: Date;
  to: Date;
  /** Reference time for every time-dependent judgement. */
  at: Date;
  dataDir: string;
  /** The project root (holds package.json and package-lock.json, for the SBOM). */
  projectRoot: string;
  workbenchVersion: string;
  /** Folder of provenance packs to include (default <dataDir>/packs). */
  packsDir: string;
  /** Cedar text of a proposed policy set, when the simulation should compare against one. */
  proposedPolicies?: string;
  signal?: AbortSignal;
  progress?: (label: string) => void;
}

/** The result of one collector: its files plus headline facts (keys prefixed with the section, e.g. "audit.chainValid"). */
export interface Collected {
  files: PackFile[];
  facts: Record<string, string | number | boolean | null>;
  /** Optional chart series for report.pdf. */
  charts?: ChartSeries[];
}

export interface Collector {
  section: AuditPackSection;
  collect(ctx: CollectContext): Promise<Collected>;
}

/** A series a collector offers the PDF report as a chart (e.g. SLA compliance per week). */
export interface ChartSeries {
  id: string;
  title: string;
  unit: string;
  points: Array<{ label: string; value: number }>;
}

/** What the compliance and report derivers get: everything collected so far, already hashed. */
export interface DeriveInput {
  org: string;
  period: { from: string; to: string };
  at: string;
  workbenchVersion: string;
  /** Index entries of every file collected so far, sorted by path. */
  entries: AuditPackIndexEntry[];
  facts: Record<string, string | number | boolean | null>;
  charts: ChartSeries[];
}

/** Files computed from the collected ones (control map, OSCAL, report.pdf); must be deterministic. */
export type Deriver = (input: DeriveInput) => Promise<PackFile[]>;
