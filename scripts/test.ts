// `npm test`: typecheck, lint, unit + integration tests (both stores), the conformance
// matrix when the corpus is present, the build, and the browser end-to-end tests.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = (name: string) => join(root, 'node_modules', '.bin', name);
const results = join(root, 'test-results');
mkdirSync(results, { recursive: true });

interface Tally {
  passed: number;
  failed: number;
  skipped: number;
}
const total: Tally = { passed: 0, failed: 0, skipped: 0 };
const failedSteps: string[] = [];

function step(name: string, cmd: string, args: string[], env: Record<string, string> = {}): boolean {
  console.log(`\n=== ${name}: ${[cmd, ...args].map((a) => a.replace(root, '')).join(' ')}`);
  const started = Date.now();
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1', ...env } });
  const ok = r.status === 0;
  console.log(`=== ${name}: ${ok ? 'ok' : `FAILED (exit ${r.status ?? r.signal})`} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (!ok) failedSteps.push(name);
  return ok;
}

/** Adds a vitest JSON report to the tally; a missing report counts as one failure. */
function tally(report: string): void {
  if (!existsSync(report)) {
    total.failed += 1;
    return;
  }
  const r = JSON.parse(readFileSync(report, 'utf8')) as { numPassedTests: number; numFailedTests: number; numPendingTests: number; numTodoTests: number };
  total.passed += r.numPassedTests;
  total.failed += r.numFailedTests;
  total.skipped += r.numPendingTests + r.numTodoTests;
}

const vitestJson = (file: string) => ['--reporter=default', '--reporter=json', `--outputFile.json=${join(results, file)}`];

step('typecheck', bin('tsc'), ['--noEmit', '-p', 'tsconfig.json']);
step('lint', bin('eslint'), ['.', '--max-warnings=0']);
step('unit and integration tests', bin('vitest'), ['run', ...vitestJson('unit.json')]);
tally(join(results, 'unit.json'));

const corpus = resolve(root, '..', 'shared', 'corpus');
if (existsSync(join(root, 'scripts', 'conformance.ts'))) {
  if (existsSync(corpus)) step('conformance matrix', process.execPath, [join(root, 'scripts', 'conformance.ts'), '--check']);
  else console.log(`\n=== conformance matrix: skipped (no corpus at ${corpus})`);
}

if (step('build', bin('electron-vite'), ['build'])) {
  step('end-to-end tests (Chromium)', bin('vitest'), ['run', '-c', 'vitest.e2e.config.ts', ...vitestJson('e2e.json')]);
  tally(join(results, 'e2e.json'));
}

console.log(`\nsteps failed: ${failedSteps.length ? failedSteps.join(', ') : 'none'}`);
console.log(`tests: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(failedSteps.length ? 1 : 0);
