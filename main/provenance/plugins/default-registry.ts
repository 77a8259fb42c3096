import { PluginRegistry } from './registry.ts';
import { cosignPlugin } from './cosign/cosign-plugin.ts';
import { tufRootPlugin } from './tuf-root/index.ts';
import { createX509PkiPlugin } from './x509-pki/index.ts';

/** Every attestation plugin this build ships. */
export function createDefaultRegistry(): PluginRegistry {
  return new PluginRegistry([cosignPlugin, tufRootPlugin, createX509PkiPlugin()]);
}
