// `npm start`: the desktop app when an Electron binary is installed, otherwise browser mode.
// Runs directly under Node 24 (type stripping), so it needs no build of its own.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

function electronBinary(): string | undefined {
  // The electron package records its binary in path.txt once the binary is downloaded.
  const pkg = join(root, 'node_modules', 'electron');
  const pathTxt = join(pkg, 'path.txt');
  if (!existsSync(pathTxt)) return undefined;
  const bin = join(pkg, 'dist', readFileSync(pathTxt, 'utf8').trim());
  return existsSync(bin) ? bin : undefined;
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** Builds out/ when it is missing or older than the sources, so `npm start` never shows a stale UI. */
function ensureBuilt(): void {
  const marker = join(root, 'out', 'renderer', 'index.html');
  const sources = ['renderer', 'shared', 'preload', 'app/desktop'].map((d) => join(root, d)).filter(existsSync);
  const stale = !existsSync(marker) || !existsSync(join(root, 'out', 'main', 'index.js')) || Math.max(...sources.map(newestMtime)) > statSync(marker).mtimeMs;
  if (!stale) return;
  console.log('Building the workbench (npm run build)…');
  const r = spawnSync(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' },
  });
  if (r.status !== 0) {
    console.error('The build failed; see the output above.');
    process.exit(r.status ?? 1);
  }
}

ensureBuilt();
const electron = process.env.WORKBENCH_BROWSER_MODE === '1' ? undefined : electronBinary();
if (electron) {
  console.log(`Starting the desktop app with ${electron}`);
  const child = spawn(electron, [root], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  const reason =
    process.env.WORKBENCH_BROWSER_MODE === '1'
      ? 'WORKBENCH_BROWSER_MODE=1'
      : 'no Electron binary is installed here (node_modules/electron has no downloaded binary), so the same renderer is served to your browser';
  const { runBrowserMode } = await import('./serve/browser-mode.ts');
  await runBrowserMode({ rendererDir: join(root, 'out', 'renderer'), reason });
}
