import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolveConfig } from '../../main/config.ts';
import { createWorkbench } from '../../main/workbench.ts';
import { startServer, type RunningServer } from './server.ts';

/** Opens a URL in the user's browser when one is present; BROWSER=none suppresses it. */
function openBrowser(url: string): string {
  const browser = process.env.BROWSER;
  if (browser === 'none') return 'not opening a browser (BROWSER=none)';
  const candidates = browser ? [browser] : process.platform === 'darwin' ? ['open'] : process.platform === 'win32' ? ['explorer'] : ['xdg-open'];
  const cmd = candidates.find((c) => c.includes('/') ? existsSync(c) : (process.env.PATH ?? '').split(':').some((d) => existsSync(`${d}/${c}`)));
  if (!cmd) return 'no browser found to open; open the URL above yourself';
  const child = spawn(cmd, [url], { stdio: 'ignore', detached: true });
  child.on('error', () => undefined);
  child.unref();
  return `opening it with ${cmd}`;
}

/** Starts the workbench over HTTP on a free loopback port and tells the user where and why. */
export async function runBrowserMode(opts: { rendererDir: string; reason: string; port?: number }): Promise<RunningServer> {
  const config = resolveConfig();
  const workbench = await createWorkbench(config);
  const server = await startServer({
    dispatch: workbench.dispatch,
    bus: workbench.bus,
    rendererDir: opts.rendererDir,
    ...(opts.port !== undefined ? { port: opts.port } : {}),
  });
  const store = workbench.store.location;
  console.log(`Compliance Workbench — browser mode (${opts.reason}).`);
  console.log(`  store: ${store.kind} ${store.display}${workbench.seeded ? ' (demo data loaded)' : ''}`);
  console.log(`  open:  ${server.launchUrl}`);
  console.log(`  ${openBrowser(server.launchUrl)}`);
  console.log('  Ctrl+C stops it.');
  const stop = async () => {
    await server.close();
    await workbench.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
  return server;
}
