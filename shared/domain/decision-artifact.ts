import { z } from 'zod';
import { Sha256Hex } from './audit.ts';
import { Labels } from './evidence.ts';
import { IsoTime } from './time.ts';

/**
 * A signed appeal decision: what an auditor verifies without trusting the workbench's
 * database. The artifact is hash-chained (`previousHash` is the hash of the artifact decided
 * before it; the first one points at 64 zeros) and signed with the workbench's Ed25519 key.
 *
 * `hash` = SHA-256 (lower-case hex) of the RFC 8785 canonical JSON of the body, i.e. every
 * field except `hash` and `signature`; `signature.value` = Ed25519 over those same bytes.
 */
export const DECISION_ARTIFACT_TYPE = 'compliance-workbench.appeal-decision.v1';

export const APPEAL_OUTCOMES = ['upheld', 'overturned', 'modified'] as const;
export const AppealOutcome = z.enum(APPEAL_OUTCOMES);
export type AppealOutcome = z.infer<typeof AppealOutcome>;

/** A link to evidence the reviewer relied on: `scheme:reference`, e.g. `evidence:ev-004`, `audit:ae-000003`, `https://…`. */
export const EvidenceLink = z
  .string()
  .max(2048)
  .regex(/^[a-z][a-z0-9+.-]*:\S+$/, 'a link of the form scheme:reference (e.g. evidence:ev-004, audit:ae-000003, https://…)');
export type EvidenceLink = z.infer<typeof EvidenceLink>;

/** The request a time-bounded exception allows again; labels narrow it (a "modified" outcome). */
export const ExceptionGrant = z.object({
  id: z.string().min(1),
  actorId: z.string().min(1),
  action: z.string().min(1),
  resourceType: z.string().min(1),
  resourceId: z.string().min(1),
  /** Labels the allowed request must carry exactly (null: the original request as denied). */
  labels: Labels.partial().nullable(),
  validFrom: IsoTime,
  validUntil: IsoTime,
});
export type ExceptionGrant = z.infer<typeof ExceptionGrant>;

export const DecisionArtifactBody = z.object({
  type: z.literal(DECISION_ARTIFACT_TYPE),
  /** 1, 2, 3, … in decision order across the workbench: the chain position. */
  seq: z.number().int().positive(),
  id: z.string().min(1),
  ticketId: z.string().min(1),
  /** The audit event that recorded the denial, with its chained hash: the decision is pinned to it. */
  denial: z.object({
    eventId: z.string().min(1),
    eventHash: Sha256Hex,
    actorId: z.string().min(1),
    action: z.string().min(1),
    resourceType: z.string().min(1),
    resourceId: z.string().min(1),
    reason: z.string(),
  }),
  outcome: AppealOutcome,
  requester: z.string().min(1),
  reviewer: z.object({ id: z.string().min(1), displayName: z.string().min(1) }),
  rationale: z.string().min(1),
  evidenceLinks: z.array(EvidenceLink),
  policy: z.object({
    /** The policies that decided the denial. */
    ids: z.array(z.string()),
    /** The policy epoch of the denial and the one in force when the appeal was decided. */
    denialEpoch: z.number().int().nonnegative(),
    decisionEpoch: z.number().int().nonnegative(),
  }),
  timestamps: z.object({ deniedAt: IsoTime, appealedAt: IsoTime, decidedAt: IsoTime }),
  exception: ExceptionGrant.nullable(),
  previousHash: Sha256Hex,
});
export type DecisionArtifactBody = z.infer<typeof DecisionArtifactBody>;

export const ArtifactSignature = z.object({
  algorithm: z.literal('Ed25519'),
  /** SHA-256 hex of the raw 32-byte public key. */
  keyId: Sha256Hex,
  /** The raw 32-byte public key, base64: informative only — verify against the workbench key you trust. */
  publicKey: z.string().regex(/^[A-Za-z0-9+/]{43}=$/),
  /** The 64-byte signature, base64. */
  value: z.string().regex(/^[A-Za-z0-9+/]{86}==$/),
});
export type ArtifactSignature = z.infer<typeof ArtifactSignature>;

export const DecisionArtifact = DecisionArtifactBody.extend({ hash: Sha256Hex, signature: ArtifactSignature });
export type DecisionArtifact = z.infer<typeof DecisionArtifact>;

/** The body of an artifact: exactly the fields its hash and signature cover. */
export function artifactBody(a: DecisionArtifact): DecisionArtifactBody {
  const { hash: _hash, signature: _signature, ...body } = a;
  return body;
}
