import type { ClientExtras } from '../../../shared/api/client.ts';
import type { ClientOf } from '../../../shared/api/contract.ts';
import type { redaction } from '../../../shared/api/redaction.ts';

/**
 * The part of `window.workbench` the redaction view uses: the `redaction` namespace and the
 * event stream. Until the namespace is in the shell's `api`, this is a cast; after, it is
 * exactly the shape of `window.workbench`.
 */
export type RedactionClient = ClientOf<{ redaction: typeof redaction }> & Pick<ClientExtras, '$events'>;

export function windowRedactionClient(): RedactionClient {
  return window.workbench as unknown as RedactionClient;
}
