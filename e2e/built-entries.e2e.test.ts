import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The bundled entries (what `npx <cli>` and the packaged app run) load and start: bundling can
 * break a module that works from sources (e.g. two `require` declarations in one chunk).
 */
const root = join(import.meta.dirname, '..');

describe('built entries in out/main', () => {
  it.each(['prov-verify', 'vector-redactor', 'audit-pack', 'costguard'])('%s --help exits 0 and names the tool', (name) => {
    const r = spawnSync(process.execPath, [join(root, 'bin', `${name}.js`), '--help'], { encoding: 'utf8', timeout: 30_000 });
    expect(r.stderr).not.toMatch(/SyntaxError|Cannot find module/);
    expect(r.status).toBe(0);
    expect(r.stdout.startsWith(`${name} — `)).toBe(true);
  });

  it('serve.js starts the workbench in browser mode on demo data', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cw-built-serve-'));
    const child = spawn(process.execPath, [join(root, 'out/main/serve.js')], {
      env: { ...process.env, BROWSER: 'none', WORKBENCH_DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    try {
      const started = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), 60_000);
        child.stdout.on('data', () => out.includes('open:') && (clearTimeout(timer), resolve(true)));
        child.on('exit', () => (clearTimeout(timer), resolve(false)));
      });
      expect(out).toContain('(demo data loaded)');
      expect(started).toBe(true);
    } finally {
      child.kill('SIGINT');
      await new Promise((r) => (child.exitCode === null ? child.on('exit', r) : r(null)));
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 90_000);
});
