import type { AuditPackIndex, ControlMapRow } from '../../shared/domain/audit-pack.ts';
import type { Store } from '../store/store.ts';
import type { Collector, Deriver } from './pack-file.ts';

export interface AuditPackProgress {
  phase: 'collect' | 'derive' | 'hash' | 'sign' | 'archive' | 'done';
  /** Work done and total in the phase's unit (collectors, files or bytes); total null when unknown. */
  done: number;
  total: number | null;
  label: string;
}

export interface BuildAuditPackOptions {
  org: string;
  /** Period covered, [from, to); defaults: to = at, from = at − 365 days. */
  from?: Date;
  to?: Date;
  /** Reference time; the same store contents and `at` give a byte-identical pack. */
  at: Date;
  /** The .tgz to write (temp file + rename). */
  out: string;
  store: Store;
  dataDir: string;
  projectRoot: string;
  workbenchVersion: string;
  /** PEM private key that signs the pack (the workbench Ed25519 key by default). */
  signingKeyPem: string;
  /** Folder of provenance packs to include; default <dataDir>/packs. */
  packsDir?: string;
  /** Cedar text of a proposed policy set to simulate recorded decisions against. */
  proposedPolicies?: string;
  collectors: Collector[];
  /** Run in order after collection: compliance files, then the report. */
  derivers: Deriver[];
  onProgress?: (p: AuditPackProgress) => void;
  signal?: AbortSignal;
}

export interface BuiltAuditPack {
  out: string;
  /** SHA-256 of the .tgz bytes. */
  sha256: string;
  bytes: number;
  index: AuditPackIndex;
  controlMap: ControlMapRow[];
  /** The pack manifest's Merkle root. */
  merkleRoot: string;
}
