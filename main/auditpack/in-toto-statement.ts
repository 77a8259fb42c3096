import type { KeyObject } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { ManifestFile } from '../../shared/domain/provenance.ts';
import { signDsse } from '../provenance/pack/dsse-envelope.ts';
import { comparePaths } from '../provenance/pack/file-leaf.ts';
import { IN_TOTO_PAYLOAD_TYPE, IN_TOTO_STATEMENT_V1 } from '../provenance/pack/in-toto-attestation.ts';

export const AUDIT_PACK_PREDICATE_TYPE = 'https://compliance-workbench.dev/audit-pack/v1';

/** What the statement says about the pack as a whole, beside the per-file subjects. */
export interface AuditPackPredicate {
  org: string;
  period: { from: string; to: string };
  at: string;
  /** The manifest's RFC 6962 Merkle root. */
  merkleRoot: string;
  /** SHA-256 of index.json. */
  indexSha256: string;
  workbench: { version: string; store: 'sqlite' | 'postgres' };
}

export interface InTotoStatement {
  _type: typeof IN_TOTO_STATEMENT_V1;
  subject: Array<{ name: string; digest: { sha256: string } }>;
  predicateType: typeof AUDIT_PACK_PREDICATE_TYPE;
  predicate: AuditPackPredicate;
}

/** An in-toto Statement v1 naming every pack file (the manifest's files) in bytewise path order. */
export function auditPackStatement(files: readonly Pick<ManifestFile, 'path' | 'sha256'>[], predicate: AuditPackPredicate): InTotoStatement {
  return {
    _type: IN_TOTO_STATEMENT_V1,
    subject: [...files].sort((a, b) => comparePaths(a.path, b.path)).map((f) => ({ name: f.path, digest: { sha256: f.sha256 } })),
    predicateType: AUDIT_PACK_PREDICATE_TYPE,
    predicate,
  };
}

/**
 * attestations/in-toto.dsse.json: the statement as canonical JSON (RFC 8785), signed over
 * its DSSE PAE by the pack's key. Canonical bytes both inside and out, so the file is the
 * same for the same pack (Ed25519 and RSA PKCS#1 signatures are deterministic; ECDSA is not).
 */
export function auditPackDsse(key: KeyObject, statement: InTotoStatement): Buffer {
  const payload = Buffer.from(canonicalize(statement)!, 'utf8');
  return Buffer.from(canonicalize(signDsse(key, IN_TOTO_PAYLOAD_TYPE, payload))! + '\n', 'utf8');
}
