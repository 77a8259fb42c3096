import { WorkbenchError } from '../../../shared/api/errors.ts';
import type { PluginReport } from '../../../shared/domain/provenance.ts';
import type { AttestationPlugin, PluginInput } from './plugin.ts';

/** The attestation plugins a verifier knows, by name. */
export class PluginRegistry {
  readonly #plugins = new Map<string, AttestationPlugin>();

  constructor(plugins: AttestationPlugin[] = []) {
    for (const p of plugins) this.register(p);
  }

  register(plugin: AttestationPlugin): void {
    if (this.#plugins.has(plugin.name)) throw new Error(`attestation plugin ${plugin.name} registered twice`);
    this.#plugins.set(plugin.name, plugin);
  }

  names(): string[] {
    return [...this.#plugins.keys()].sort();
  }

  /**
   * The plugins to run: the one named (an unknown name is bad usage), or every plugin
   * whose material the pack carries, in name order.
   */
  select(input: PluginInput, name?: string): AttestationPlugin[] {
    if (name !== undefined) {
      const p = this.#plugins.get(name);
      if (!p) throw new WorkbenchError('BAD_INPUT', `unknown plugin ${JSON.stringify(name)}; known: ${this.names().join(', ')}`);
      return [p];
    }
    return this.names()
      .map((n) => this.#plugins.get(n)!)
      .filter((p) => {
        try {
          return p.applies(input);
        } catch {
          return false;
        }
      });
  }
}

/** Runs one plugin and fails closed: a throw or a malformed answer is "not verified" with the error. */
export async function runPlugin(plugin: AttestationPlugin, input: PluginInput): Promise<PluginReport> {
  try {
    const r = await plugin.verify(input);
    const errors = Array.isArray(r?.errors) ? r.errors.map(String) : [];
    const ok = r?.ok === true && errors.length === 0;
    return {
      name: plugin.name,
      ok,
      errors: ok || errors.length ? errors : ['plugin returned not verified without a reason'],
      warnings: Array.isArray(r?.warnings) ? r.warnings.map(String) : [],
      details: r?.details && typeof r.details === 'object' ? r.details : {},
    };
  } catch (e) {
    return { name: plugin.name, ok: false, errors: [`plugin failed: ${e instanceof Error ? e.message : String(e)}`], warnings: [], details: {} };
  }
}
