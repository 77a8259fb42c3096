import { spawn, spawnSync } from 'node:child_process';
import { findProjectRoot } from '../../project-root.ts';
import { join } from 'node:path';

/**
 * Runs the real `vector-redactor` CLI in child processes (Node 24 runs the .ts entry directly):
 * the kill-and-resume drill and the CLI's own kill tests share it.
 */
// The project root found by its package.json: this also runs from the bundled CLI (out/main).
export const ROOT = findProjectRoot();
export const ENTRY = join(ROOT, 'app/cli/vector-redactor.ts');
export const AT = '2026-11-28T12:00:00Z';
export const ENV: NodeJS.ProcessEnv = { ...process.env, WORKBENCH_DEMO_DATA: '1' };
for (const k of ['WORKBENCH_DATA_DIR', 'WORKBENCH_DATABASE_URL', 'WORKBENCH_ACTOR']) delete ENV[k];

export function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [ENTRY, ...args], { env: ENV, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `afterMs` after the start, at the first job event (the recall), or once `fraction` of the plan is erased. */
export type KillPoint = { afterMs: number } | { firstEvent: true } | { fraction: number };

/** The plan selected by the tests: ten cases, research, 90 days. */
export const POLICY_ARGS = ['--purpose', 'research', '--retention', '90d', ...Array.from({ length: 10 }, (_, i) => ['--case', `CASE-0${String(i + 1).padStart(2, '0')}`]).flat()];

/**
 * Starts `apply` (throttled to 100 rows per second per shard so the purge outlasts the kill
 * points) and SIGKILLs it at the point.
 */
export function applyAndKill(storeArgs: string[], plan: string, point: KillPoint): Promise<{ signal: NodeJS.Signals | null; code: number | null }> {
  return new Promise((done, fail) => {
    const child = spawn(
      process.execPath,
      [ENTRY, 'apply', '--plan', plan, ...storeArgs, '--at', AT, '--batch-size', '40', '--rows-per-second', '100', '--log-format', 'json', '--progress', 'none'],
      { env: ENV, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let buffered = '';
    const timer = 'afterMs' in point ? setTimeout(() => child.kill('SIGKILL'), point.afterMs) : undefined;
    child.stderr.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      let nl;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        if (!line.includes('"apply.progress"')) continue;
        const p = JSON.parse(line) as { erased: number; total: number };
        if ('firstEvent' in point || ('fraction' in point && p.erased >= point.fraction * p.total)) child.kill('SIGKILL');
      }
    });
    child.on('error', fail);
    child.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      done({ signal, code });
    });
  });
}

export const KILL_POINTS: KillPoint[] = [{ afterMs: 400 }, { firstEvent: true }, { fraction: 0.15 }, { fraction: 0.45 }, { fraction: 0.75 }];
