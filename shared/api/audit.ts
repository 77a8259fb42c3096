import { z } from 'zod';
import { method } from './contract.ts';
import { AuditChainReport, AuditEvent } from '../domain/audit.ts';

export const AuditQuery = z.object({
  afterSeq: z.number().int().nonnegative().default(0),
  limit: z.number().int().positive().max(1000).default(100),
});
export const AuditPage = z.object({ events: z.array(AuditEvent), nextAfterSeq: z.number().int().nullable() });
export type AuditPage = z.infer<typeof AuditPage>;

export const audit = {
  list: method({ input: AuditQuery, output: AuditPage, sensitive: true, summary: 'The hash-chained audit trail, in sequence order.' }),
  verifyChain: method({
    input: z.object({}),
    output: AuditChainReport,
    sensitive: true,
    summary: 'Re-hash the audit trail; names the first broken sequence number.',
  }),
};
