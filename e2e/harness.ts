import { existsSync, mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright';
import { resolveConfig } from '../main/config.ts';
import { createWorkbench, type Workbench } from '../main/workbench.ts';
import { startServer, type RunningServer } from '../app/serve/server.ts';

export const ROOT = resolve(import.meta.dirname, '..');
export const RENDERER_DIR = join(ROOT, 'out', 'renderer');
export const SCREENSHOT_DIR = join(ROOT, 'test-results', 'e2e');
export const CHROMIUM = process.env.WORKBENCH_E2E_CHROMIUM ?? '/usr/bin/chromium';

// The sandbox and GPU are unavailable in CI containers; the rest stops Chromium phoning home.
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** The e2e tests build nothing: they test what `npm run build` produced. */
export function assertPrerequisites(): void {
  if (!existsSync(join(RENDERER_DIR, 'index.html'))) {
    throw new Error(`${RENDERER_DIR}/index.html is missing: run \`npm run build\` (electron-vite build, with ELECTRON_SKIP_BINARY_DOWNLOAD=1) before the e2e tests`);
  }
  if (!existsSync(CHROMIUM)) {
    throw new Error(`no Chromium at ${CHROMIUM}: install it (apt-get install -y chromium) or set WORKBENCH_E2E_CHROMIUM; never \`npx playwright install\``);
  }
}

export interface Harness {
  dataDir: string;
  workbench: Workbench;
  server: RunningServer;
  browser: Browser;
  close(): Promise<void>;
}

/** The real workbench on a fresh SQLite data folder with demo data, served over HTTP, and a browser. */
export async function startHarness(): Promise<Harness> {
  assertPrerequisites();
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const dataDir = await mkdtemp(join(tmpdir(), 'workbench-e2e-'));
  // An empty environment: a developer's WORKBENCH_DATABASE_URL must not point the test at a real store.
  const config = resolveConfig({}, { dataDir, seedDemoData: true });
  const workbench = await createWorkbench(config);
  let server: RunningServer | undefined;
  try {
    server = await startServer({ dispatch: workbench.dispatch, bus: workbench.bus, rendererDir: RENDERER_DIR });
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const running = server;
    return {
      dataDir,
      workbench,
      server: running,
      browser,
      async close() {
        await browser.close();
        await running.close();
        await workbench.close();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await server?.close();
    await workbench.close();
    await rm(dataDir, { recursive: true, force: true });
    throw e;
  }
}

export interface PageProblems {
  /** Console errors and uncaught exceptions (a CSP violation shows up here too). */
  errors: string[];
  /** Every HTTP answer of 400 or above, as `<status> <path>`. */
  failedResponses: string[];
}

/**
 * What went wrong in a page. Chromium logs every 4xx answer as a console error, including
 * the 403 that carries an expected DENIED; those are tracked as responses instead.
 */
export function watchPage(page: Page): PageProblems {
  const problems: PageProblems = { errors: [], failedResponses: [] };
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource:')) problems.errors.push(msg.text());
  });
  page.on('pageerror', (e) => problems.errors.push(e.message));
  page.on('response', (res) => {
    if (res.status() >= 400) problems.failedResponses.push(`${res.status()} ${new URL(res.url()).pathname}`);
  });
  return problems;
}

export async function screenshot(page: Page, name: string): Promise<string> {
  const file = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
