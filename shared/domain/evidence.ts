import { z } from 'zod';
import { IsoTime } from './time.ts';

/** Labels every sensitive object carries; policy and residency decisions read them. */
export const Labels = z.object({
  tenant: z.string().min(1),
  region: z.string().min(1),
  sensitivity: z.enum(['public', 'internal', 'confidential', 'restricted']),
  purpose: z.string().min(1),
});
export type Labels = z.infer<typeof Labels>;

export const EvidenceItem = z.object({
  id: z.string().min(1),
  title: z.string().min(1),
  kind: z.string().min(1),
  labels: Labels,
  /** SHA-256 hex of the evidence content, when it has content. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/).nullable(),
  createdAt: IsoTime,
});
export type EvidenceItem = z.infer<typeof EvidenceItem>;

export const EvidenceQuery = z.object({
  tenant: z.string().optional(),
  region: z.string().optional(),
  limit: z.number().int().positive().max(1000).default(100),
  afterId: z.string().optional(),
});
export type EvidenceQuery = z.input<typeof EvidenceQuery>;
