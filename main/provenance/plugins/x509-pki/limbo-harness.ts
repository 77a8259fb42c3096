import { readFileSync } from 'node:fs';
import { validatePath } from './path-validator.ts';
import { pemDecode } from './pem.ts';
import { KEY_USAGE_BITS } from './extensions.ts';
import type { KeyUsageBit } from './extensions.ts';
import { WorkbenchError } from '../../../../shared/api/errors.ts';

/** One x509-limbo test case (the fields this harness reads). */
export interface LimboCase {
  id: string;
  trusted_certs: string[];
  untrusted_intermediates: string[];
  peer_certificate: string;
  validation_time: string | null;
  key_usage: string[];
  extended_key_usage: string[];
  expected_result: 'SUCCESS' | 'FAILURE';
  max_chain_depth: number | null;
  crls: string[];
}

export interface LimboResult {
  id: string;
  actual_result: 'SUCCESS' | 'FAILURE' | 'SKIPPED';
  context: string;
}

export interface LimboResults {
  version: 1;
  harness: string;
  results: LimboResult[];
}

export const LIMBO_HARNESS_NAME = 'compliance-workbench-x509-pki';

/**
 * Cases whose outcome turns on matching a host name or IP against the peer certificate
 * (TLS server identity): out of scope for a code-signing validator, so reported SKIPPED.
 */
const HOSTNAME_FAMILIES = ['webpki::cn::', 'webpki::san::', 'online::'];
const HOSTNAME_CASES = new Set([
  'cve::cve-2025-61727',
  'cve::cve-2025-61727-nc-permits-variant',
  'rfc5280::nc::permitted-dn-match-subject-san-mismatch',
]);

function skipReason(c: LimboCase): string | null {
  if (HOSTNAME_FAMILIES.some((f) => c.id.startsWith(f)) || HOSTNAME_CASES.has(c.id)) {
    return 'needs TLS host-name matching, which a code-signing validator does not do';
  }
  if (c.extended_key_usage.length > 1) return 'requires several key purposes at once; the validator takes one';
  return null;
}

function parseCases(json: unknown): LimboCase[] {
  const doc = json as { version?: unknown; testcases?: unknown };
  if (!doc || typeof doc !== 'object' || !Array.isArray(doc.testcases)) {
    throw new WorkbenchError('BAD_INPUT', 'x509-limbo: expected {version, testcases: [...]}');
  }
  return doc.testcases.map((t: unknown, i: number) => {
    const c = t as Partial<LimboCase>;
    if (!c || typeof c.id !== 'string' || typeof c.peer_certificate !== 'string' || !Array.isArray(c.trusted_certs)) {
      throw new WorkbenchError('BAD_INPUT', `x509-limbo: testcases[${i}] lacks id, peer_certificate or trusted_certs`);
    }
    return {
      id: c.id,
      trusted_certs: c.trusted_certs,
      untrusted_intermediates: c.untrusted_intermediates ?? [],
      peer_certificate: c.peer_certificate,
      validation_time: c.validation_time ?? null,
      key_usage: c.key_usage ?? [],
      extended_key_usage: c.extended_key_usage ?? [],
      expected_result: c.expected_result === 'SUCCESS' ? 'SUCCESS' : 'FAILURE',
      max_chain_depth: c.max_chain_depth ?? null,
      crls: c.crls ?? [],
    };
  });
}

/** Runs one case through `validatePath`; `now` stands in for `validation_time: null`. */
export function runLimboCase(c: LimboCase, now: Date): LimboResult {
  const skip = skipReason(c);
  if (skip) return { id: c.id, actual_result: 'SKIPPED', context: skip };
  try {
    const certs = (pems: string[]): Uint8Array[] => pems.flatMap((p) => pemDecode(p, ['CERTIFICATE'], c.id));
    const [leaf] = certs([c.peer_certificate]);
    const keyUsage = c.key_usage.filter((k): k is KeyUsageBit => (KEY_USAGE_BITS as readonly string[]).includes(k));
    if (keyUsage.length !== c.key_usage.length) return { id: c.id, actual_result: 'SKIPPED', context: `unknown key_usage in ${c.key_usage.join(', ')}` };
    const at = c.validation_time === null ? now : new Date(c.validation_time);
    const result = validatePath(leaf!, certs(c.untrusted_intermediates), certs(c.trusted_certs), {
      at,
      eku: c.extended_key_usage[0] ?? null,
      crls: c.crls.flatMap((p) => pemDecode(p, ['X509 CRL'], c.id)),
      ...(c.max_chain_depth === null ? {} : { maxDepth: c.max_chain_depth }),
      keyUsage,
    });
    if (result.ok) {
      return { id: c.id, actual_result: 'SUCCESS', context: `chain: ${result.chain!.map((e) => e.subject).join(' <- ')}` };
    }
    return { id: c.id, actual_result: 'FAILURE', context: result.errors.join('; ') };
  } catch (e) {
    return { id: c.id, actual_result: 'FAILURE', context: e instanceof Error ? e.message : String(e) };
  }
}

/** Runs every case of a limbo document (parsed JSON) and returns the x509-limbo results format. */
export function runLimbo(json: unknown, opts: { now: Date }): LimboResults {
  return { version: 1, harness: LIMBO_HARNESS_NAME, results: parseCases(json).map((c) => runLimboCase(c, opts.now)) };
}

/** Reads a cases file (e.g. limbo-codesigning-subset.json) and runs it. */
export function runLimboFile(path: string, opts: { now: Date }): LimboResults {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new WorkbenchError('BAD_INPUT', `x509-limbo: cannot read ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
  return runLimbo(json, opts);
}

export function expectedResults(json: unknown): Map<string, 'SUCCESS' | 'FAILURE'> {
  return new Map(parseCases(json).map((c) => [c.id, c.expected_result]));
}
