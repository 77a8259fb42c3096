import { z } from 'zod';
import { method } from './contract.ts';
import { EvidenceItem, EvidenceQuery } from '../domain/evidence.ts';

export const EvidencePage = z.object({ items: z.array(EvidenceItem), nextAfterId: z.string().nullable() });
export type EvidencePage = z.infer<typeof EvidencePage>;

export const evidence = {
  list: method({ input: EvidenceQuery, output: EvidencePage, sensitive: true, summary: 'Evidence items the actor may read, by tenant and region.' }),
  get: method({ input: z.object({ id: z.string().min(1) }), output: EvidenceItem, sensitive: true, summary: 'One evidence item.' }),
};
