import { z } from 'zod';
import { method } from './contract.ts';
import { IsoTime } from '../domain/time.ts';
import { VerifyReport } from '../domain/provenance.ts';

export const VerifyRequest = z.object({
  /** A pack folder or .tgz on the workbench's machine. */
  path: z.string().min(1).max(4096),
  /** Reference time; defaults to now. */
  at: IsoTime.optional(),
  plugin: z.enum(['cosign', 'x509-pki', 'tuf-root']).optional(),
  /** Use only the pinned trust cache in the data folder. */
  offline: z.boolean().default(true),
  identity: z.string().optional(),
  issuer: z.string().optional(),
  /** PEM public key for plain-key packs. */
  publicKey: z.string().max(20_000).optional(),
  /** Also check the pack's transparency-log receipt against this pinned log key (`name+id+base64`). */
  logKey: z.string().max(1000).optional(),
  /** Client-chosen id for the progress events of this run. */
  jobId: z.string().max(100).optional(),
});
export type VerifyRequest = z.input<typeof VerifyRequest>;

export const verify = {
  run: method({
    input: VerifyRequest,
    output: VerifyReport,
    sensitive: true,
    summary: 'Verify an evidence pack (folder or .tgz) against its manifest, Merkle root and attestations.',
  }),
};
