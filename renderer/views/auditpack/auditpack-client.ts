import type { ClientExtras } from '../../../shared/api/client.ts';
import type { ClientOf } from '../../../shared/api/contract.ts';
import type { auditpack } from '../../../shared/api/auditpack.ts';

/** The part of `window.workbench` the audit pack and control map views use, typed from the contract. */
export type AuditPackClient = ClientOf<{ auditpack: typeof auditpack }> & Pick<ClientExtras, '$events'>;

export function windowAuditPackClient(): AuditPackClient {
  return window.workbench as unknown as AuditPackClient;
}
