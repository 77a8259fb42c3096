import { createRequire } from 'node:module';
import type * as CedarModule from '@cedar-policy/cedar-wasm/nodejs';

export type Cedar = typeof CedarModule;
export type {
  AuthorizationAnswer,
  DetailedError,
  EntityJson,
  PolicyJson,
  ValidationAnswer,
} from '@cedar-policy/cedar-wasm/nodejs';

let loaded: Cedar | undefined;

/**
 * The Cedar engine (wasm). The package's bare name is ESM-only and needs a wasm loader; the
 * `/nodejs` entry is CommonJS that reads its .wasm file synchronously, so it loads anywhere
 * Node runs (tests, the CLI, Electron's main process).
 */
export function cedar(): Cedar {
  loaded ??= createRequire(import.meta.url)('@cedar-policy/cedar-wasm/nodejs') as Cedar;
  return loaded;
}

/** One readable line from an engine error: message, then help and the source label when given. */
export function engineMessage(e: { message: string; help?: string | null; sourceLocations?: Array<{ label: string | null }> }): string {
  const label = e.sourceLocations?.find((l) => l.label)?.label;
  return [e.message, label ? `(${label})` : '', e.help ? `— ${e.help}` : ''].filter(Boolean).join(' ');
}
