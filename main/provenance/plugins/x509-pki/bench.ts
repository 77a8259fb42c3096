/**
 * Timing figures for docs/x509-pki.md:
 *   node main/provenance/plugins/x509-pki/bench.ts
 * Generates the test PKI in a temp folder, times validatePath and the plugin, and (when the
 * corpus is present) the x509-limbo code-signing subset.
 */
import { sign } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { makeTestPki } from '../../../../fixtures/verify/plugins/make-test-pki.ts';
import { LIMBO_REFERENCE_TIME } from './conformance-suite.ts';
import { runLimbo } from './limbo-harness.ts';
import { validatePath } from './path-validator.ts';
import { createX509PkiPlugin } from './x509-pki-plugin.ts';

function timeIt(n: number, f: () => unknown): { p50: number; p99: number } {
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    f();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  return { p50: ms[Math.floor(n / 2)]!, p99: ms[Math.floor(n * 0.99)]! };
}

const dir = mkdtempSync(join(tmpdir(), 'wb-x509-bench-'));
try {
  let t = performance.now();
  const pki = makeTestPki(dir);
  console.log(`makeTestPki: ${(performance.now() - t).toFixed(0)} ms`);
  const l = pki.leaves.p256;
  const v = timeIt(500, () => validatePath(l.der, l.chain, [pki.root.der], { at: pki.at, crls: [pki.crl] }));
  console.log(`validatePath, P-256 leaf + 1 intermediate + root + CRL: p50 ${v.p50.toFixed(2)} ms, p99 ${v.p99.toFixed(2)} ms (500 runs)`);
  const payload = new TextEncoder().encode('{"bench":true}');
  const plugin = createX509PkiPlugin();
  const input = { manifest: {}, payload, root: '', signature: sign('sha256', payload, l.key.privateKey), certs: [l.der, ...l.chain], offlineCacheDir: dir, at: pki.at };
  const times: number[] = [];
  for (let i = 0; i < 200; i++) {
    t = performance.now();
    await plugin.verify(input);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  console.log(`plugin.verify incl. reading the cache: p50 ${times[100]!.toFixed(2)} ms, p99 ${times[198]!.toFixed(2)} ms (200 runs)`);
  const subset = resolve(import.meta.dirname, '../../../../../shared/corpus/x509-limbo/limbo-codesigning-subset.json');
  if (existsSync(subset)) {
    const json: unknown = JSON.parse(readFileSync(subset, 'utf8'));
    t = performance.now();
    runLimbo(json, { now: LIMBO_REFERENCE_TIME });
    console.log(`x509-limbo code-signing subset (163 cases): ${(performance.now() - t).toFixed(0)} ms`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
