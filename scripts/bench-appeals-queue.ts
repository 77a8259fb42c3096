// The appeals queue at scale: time to first render and to apply a filter, with 10,000
// tickets, measured in Chromium on the real QueueView over the real HTTP transport.
//
//   node scripts/bench-appeals-queue.ts [--quick]
//
// Prints the figures and ends with one JSON line. Needs /usr/bin/chromium (or
// WORKBENCH_E2E_CHROMIUM). Builds its own page (renderer/views/appeals/bench/) with Vite into
// a temp folder; touches nothing in the project.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Page } from 'playwright';
import { build } from 'vite';
import react from '@vitejs/plugin-react';
import { appeals } from '../shared/api/appeals.ts';
import { createDispatcher } from '../shared/api/contract.ts';
import { session as sessionContract } from '../shared/api/system.ts';
import { startServer } from '../app/serve/server.ts';
import { EventBus } from '../main/events/event-bus.ts';
import { Pep } from '../main/policy/pep.ts';
import { SessionService } from '../main/session/session-service.ts';
import { seedDemoData } from '../main/store/demo-seed.ts';
import { openStore } from '../main/store/open-store.ts';
import { AppealsService } from '../main/appeals/appeals-service.ts';
import { appealsImpl } from '../main/appeals/create-appeals.ts';
import { loadOrCreateWorkbenchKey } from '../main/appeals/workbench-key.ts';
import { appealsMigrations } from '../main/appeals/testing/appeals-harness.ts';
import { FixturePdp } from '../fixtures/appeals/fixture-policy.ts';
import { makeQueueTickets, seedQueueTickets } from '../fixtures/appeals/queue-tickets.ts';

const quick = process.argv.includes('--quick');
const N = quick ? 2_000 : 10_000;
const LOADS = quick ? 2 : 5;
const FILTER_ROUNDS = quick ? 1 : 3;
const NOW = '2026-12-15T12:00:00.000Z';
const root = resolve(import.meta.dirname, '..');
const CHROMIUM = process.env.WORKBENCH_E2E_CHROMIUM ?? '/usr/bin/chromium';

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};
const ms = (x: number) => `${x.toFixed(1)} ms`;

const work = mkdtempSync(join(tmpdir(), 'bench-appeals-'));
try {
  // 1. The page: QueueView alone, built like the renderer (React, the shell's CSS).
  const outDir = join(work, 'page');
  const pageRoot = join(root, 'renderer', 'views', 'appeals', 'bench');
  await build({
    root: pageRoot,
    base: './',
    logLevel: 'warn',
    plugins: [react()],
    build: { outDir, emptyOutDir: true, rollupOptions: { input: join(pageRoot, 'queue-bench.html') } },
  });

  // 2. The store: demo data plus N tickets, then the appeals service over it.
  const clock = () => new Date(NOW);
  const store = await openStore({ dataDir: join(work, 'data'), migrations: appealsMigrations(), now: clock });
  await seedDemoData(store);
  let t = performance.now();
  await seedQueueTickets(store, makeQueueTickets(N, NOW));
  const seedMs = performance.now() - t;
  const pdp = new FixturePdp();
  const bus = new EventBus();
  const pep = new Pep({ pdp, store, bus, now: clock });
  const session = new SessionService({ store, pdp });
  const service = new AppealsService({ store, pep, pdp, session, emit: () => {}, now: clock, key: loadOrCreateWorkbenchKey(join(work, 'data')) });
  const ctx = { transport: 'in-process' as const, session: { actorId: 'olga' } };
  t = performance.now();
  await service.queue({ scope: 'all', sort: 'due', direction: 'asc', offset: 0, limit: 200 }, ctx);
  const clockCacheMs = performance.now() - t;

  // The API alone, for comparison with what the page adds.
  const apiSamples: number[] = [];
  const variants = [{}, { breached: true }, { breached: false }, { states: ['new' as const] }, { priorities: ['urgent' as const] }, { sort: 'priority' as const }];
  for (let round = 0; round < 5; round++) {
    for (const v of variants) {
      t = performance.now();
      await service.queue({ scope: 'all', sort: 'due', direction: 'asc', offset: 0, limit: 200, ...v }, ctx);
      apiSamples.push(performance.now() - t);
    }
  }

  // 3. Serve it and measure in Chromium.
  const dispatch = createDispatcher(
    { appeals, session: sessionContract },
    { appeals: appealsImpl(service), session: { actors: () => session.actors(), whoami: (_i, c) => session.whoami(c) } },
  );
  const server = await startServer({ dispatch, bus, rendererDir: outDir });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const firstRender: number[] = [];
  const mountToRow: number[] = [];
  const filterSamples: Array<{ name: string; ms: number }> = [];
  let scrollMs = 0;
  let rendered = 0;
  try {
    let page: Page | undefined;
    for (let i = 0; i < LOADS; i++) {
      await page?.close();
      page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
      await page.goto(`${server.origin}/queue-bench.html?actor=olga#token=${server.token}`);
      await page.waitForFunction(() => window.__queueBench.firstRowAt !== null, undefined, { timeout: 30_000 });
      const b = await page.evaluate(() => window.__queueBench);
      firstRender.push(b.firstRowAt!);
      mountToRow.push(b.firstRowAt! - b.moduleAt);
    }
    rendered = await page!.locator('[data-testid="queue-row"]').count();

    // Each filter change: from the input event to the new result's first rows in the DOM and
    // the frame after it. Measured inside the page, so no Playwright round trip is counted.
    const steps: Array<{ name: string; act: string }> = [
      { name: 'SLA = breached', act: 'select:filter-breach:breached' },
      { name: 'SLA = on time', act: 'select:filter-breach:on-time' },
      { name: 'SLA = any', act: 'select:filter-breach:any' },
      { name: 'state + decided', act: 'check:Decided' },
      { name: 'state − new', act: 'check:New' },
      { name: 'sort by priority', act: 'sort:Priority' },
      { name: 'sort by priority, descending', act: 'sort:Priority' },
      { name: 'sort by due time', act: 'sort:Due' },
      { name: 'state + new', act: 'check:New' },
      { name: 'state − decided', act: 'check:Decided' },
    ];
    for (let round = 0; round < FILTER_ROUNDS; round++) {
      for (const step of steps) {
        const took = await page!.evaluate(async (act) => {
          const grid = () => document.querySelector<HTMLElement>('[data-testid="queue-grid"]')!;
          const before = Number(grid().dataset.generation);
          const [kind, a, b] = act.split(':') as [string, string, string | undefined];
          const t0 = performance.now();
          if (kind === 'select') {
            const el = document.querySelector<HTMLSelectElement>(`[data-testid="${a}"]`)!;
            Object.getOwnPropertyDescriptor(HTMLSelectElement.prototype, 'value')!.set!.call(el, b);
            el.dispatchEvent(new Event('change', { bubbles: true }));
          } else if (kind === 'check') {
            [...document.querySelectorAll<HTMLLabelElement>('.ap-states label')].find((l) => l.textContent?.trim() === a)!.querySelector('input')!.click();
          } else {
            [...document.querySelectorAll<HTMLButtonElement>('.ap-sort')].find((x) => x.textContent?.startsWith(a))!.click();
          }
          await new Promise<void>((done) => {
            const check = () => {
              const g = grid();
              if (Number(g.dataset.generation) > before && g.dataset.status === 'ready' && (g.dataset.total === '0' || g.querySelector('[data-testid="queue-row"]'))) {
                mo.disconnect();
                requestAnimationFrame(() => done());
              }
            };
            const mo = new MutationObserver(check);
            mo.observe(document.body, { subtree: true, childList: true, attributes: true });
            check();
          });
          return performance.now() - t0;
        }, step.act);
        filterSamples.push({ name: step.name, ms: took });
      }
    }

    // Jump to the middle of the list: the rows there are fetched on demand.
    scrollMs = await page!.evaluate(async () => {
      const scroller = document.querySelector<HTMLElement>('.ap-scroll')!;
      const t0 = performance.now();
      scroller.scrollTop = scroller.scrollHeight / 2;
      // Done when the rows at the new position are there and none is still a placeholder.
      const target = Math.floor(scroller.scrollTop / 38);
      await new Promise<void>((done) => {
        const check = () => {
          const rows = [...document.querySelectorAll<HTMLElement>('[data-testid="queue-row"]')].map((r) => Number(r.getAttribute('aria-rowindex')) - 2);
          if (!document.querySelector('[data-testid="queue-row-loading"]') && rows.some((i) => i >= target && i < target + 5)) {
            mo.disconnect();
            requestAnimationFrame(() => done());
          }
        };
        const mo = new MutationObserver(check);
        mo.observe(document.body, { subtree: true, childList: true, attributes: true });
        setTimeout(check, 0);
      });
      return performance.now() - t0;
    });
  } finally {
    await browser.close();
    await server.close();
    await store.close();
  }

  const filterMs = filterSamples.map((s) => s.ms);
  console.log(`appeals queue benchmark${quick ? ' (quick)' : ''}: ${N.toLocaleString('en-US')} tickets (+2 demo), Chromium ${CHROMIUM}`);
  console.log(`  seeding ${ms(seedMs)}; first queue call computes the clock cache of tickets without one: ${ms(clockCacheMs)}`);
  console.log(`  queue API (in-process, 200-row page): p50 ${ms(pct(apiSamples, 50))}, p95 ${ms(pct(apiSamples, 95))} over ${apiSamples.length} calls`);
  console.log(`  first render (navigation → first ticket row in the DOM), ${LOADS} loads: p50 ${ms(pct(firstRender, 50))}, max ${ms(Math.max(...firstRender))}`);
  console.log(`  of which module start → first row (API call + React render): p50 ${ms(pct(mountToRow, 50))}`);
  console.log(`  rows in the DOM: ${rendered} (virtualized)`);
  console.log(`  apply a filter or sort (input → new rows painted), ${filterMs.length} changes: p50 ${ms(pct(filterMs, 50))}, p95 ${ms(pct(filterMs, 95))}, max ${ms(Math.max(...filterMs))}`);
  for (const name of [...new Set(filterSamples.map((s) => s.name))]) {
    const xs = filterSamples.filter((s) => s.name === name).map((s) => s.ms);
    console.log(`    ${name.padEnd(30)} p50 ${ms(pct(xs, 50))}`);
  }
  console.log(`  scroll to the middle (rows fetched on demand, painted): ${ms(scrollMs)}`);
  console.log(
    JSON.stringify({
      tickets: N,
      first_render_p50_ms: Number(pct(firstRender, 50).toFixed(1)),
      first_render_max_ms: Number(Math.max(...firstRender).toFixed(1)),
      filter_p50_ms: Number(pct(filterMs, 50).toFixed(1)),
      filter_p95_ms: Number(pct(filterMs, 95).toFixed(1)),
      filter_max_ms: Number(Math.max(...filterMs).toFixed(1)),
      scroll_middle_ms: Number(scrollMs.toFixed(1)),
      api_p50_ms: Number(pct(apiSamples, 50).toFixed(1)),
      dom_rows: rendered,
    }),
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
