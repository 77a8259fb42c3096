/** Public surface of the x509-pki plugin: the plugin, the path validator, and the x509-limbo harness. */
export { createX509PkiPlugin, X509_PKI_PLUGIN_NAME } from './x509-pki-plugin.ts';
export type { X509PkiOptions } from './x509-pki-plugin.ts';
export { validatePath, DEFAULT_MAX_DEPTH, MAX_PATH_CERTIFICATES, MAX_SIGNATURE_CHECKS } from './path-validator.ts';
export type { ChainEntry, PathOptions, PathResult } from './path-validator.ts';
export { runLimbo, runLimboCase, runLimboFile, LIMBO_HARNESS_NAME } from './limbo-harness.ts';
export type { LimboCase, LimboResult, LimboResults } from './limbo-harness.ts';
export { x509LimboSuite, LIMBO_REFERENCE_TIME } from './conformance-suite.ts';
export { PAYLOAD_ALGORITHMS } from './payload-signature.ts';
