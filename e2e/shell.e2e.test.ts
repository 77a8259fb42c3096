import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright';
import { WebSocket } from 'ws';
import { DEMO_ACTORS, DEMO_EVIDENCE } from '../main/store/demo-seed.ts';
import { screenshot, startHarness, watchPage, type Harness, type PageProblems } from './harness.ts';

/** Navigation labels and hash paths, in nav order (renderer/state/routes.ts). */
const VIEWS = [
  { label: 'Evidence & audit', hash: '#/', shot: 'home', capability: null },
  { label: 'Verify', hash: '#/verify', shot: 'verify', capability: 'verify' },
  { label: 'Appeals', hash: '#/appeals', shot: 'appeals', capability: 'appeals' },
  { label: 'Residency', hash: '#/residency', shot: 'residency', capability: 'residency' },
  { label: 'Optimizer', hash: '#/optimizer', shot: 'optimizer', capability: 'optimizer' },
  { label: 'Control map', hash: '#/control-map', shot: 'control-map', capability: 'controlMap' },
  { label: 'Redaction', hash: '#/redaction', shot: 'redaction', capability: 'redaction' },
  { label: 'Audit pack', hash: '#/audit-pack', shot: 'audit-pack', capability: 'auditPack' },
  { label: 'Admin', hash: '#/admin', shot: 'admin', capability: null },
] as const;

let h: Harness;
let context: BrowserContext;
/** Demo evidence alice (auditor, us-west-2) may read with no residency exception in force. */
const ALICE_VISIBLE = DEMO_EVIDENCE.filter((e) => e.labels.region === 'us-west-2');
let page: Page;
let problems: PageProblems;

const heading = () => page.getByRole('heading', { level: 1 });
const rowCount = (testId: string) => page.getByTestId(testId).locator('tbody tr').count();
const hashOf = (p: Page) => new URL(p.url()).hash;

async function waitForRows(testId: string, atLeast: number): Promise<number> {
  await page.waitForFunction(
    ([id, n]) => document.querySelectorAll(`[data-testid="${id}"] tbody tr`).length >= (n as number),
    [testId, atLeast] as const,
  );
  return rowCount(testId);
}

async function openHome(): Promise<void> {
  await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Evidence & audit' }).click();
  await heading().filter({ hasText: 'Evidence & audit' }).waitFor();
}

describe('workbench shell in Chromium (browser mode, demo data)', () => {
  beforeAll(async () => {
    h = await startHarness();
    context = await h.browser.newContext({ viewport: { width: 1440, height: 900 } });
    page = await context.newPage();
    problems = watchPage(page);
    await page.goto(h.server.launchUrl);
  });

  afterAll(async () => {
    await context?.close();
    await h?.close();
  });

  it('loads with the demo data: store path in the header, actors in the switcher, evidence and audit rows', async () => {
    await page.getByTestId('store').waitFor();
    const store = await page.getByTestId('store').innerText();
    expect(store).toContain('SQLite');
    expect(await page.getByTestId('store').locator('code').getAttribute('title')).toBe(h.workbench.store.location.display);
    expect(h.workbench.store.location.display.startsWith(h.dataDir)).toBe(true);

    const switcher = page.getByLabel('Acting as');
    const options = await switcher.locator('option').allInnerTexts();
    expect(options).toHaveLength(DEMO_ACTORS.length);
    expect(options).toContain('Alice Auditor (auditor)');
    expect(options).toContain('Arun Analyst (analyst)');
    // With no actor named, the workbench picks the auditor.
    expect(await switcher.inputValue()).toBe('alice');
    expect(await page.getByTestId('actor-summary').innerText()).toContain('auditor');

    // Across regions the list keeps what the actor may read where it sits (alice: us-west-2).
    expect(await waitForRows('evidence-table', ALICE_VISIBLE.length)).toBe(ALICE_VISIBLE.length);
    await page.getByTestId('evidence-table').getByText('SOC 2 access review Q3').waitFor();
    expect(await waitForRows('audit-table', 10)).toBeGreaterThanOrEqual(10);
    expect(await page.getByTestId('chain-status').innerText()).toMatch(/^Chain intact · \d+ events re-hashed$/);
    await page.getByText('Offline-ready').waitFor();
    await page.getByText('Live', { exact: true }).waitFor();
    await screenshot(page, 'shell-loaded');
  });

  it('takes the launch token out of the address bar and keeps it for reloads of this tab', async () => {
    expect(page.url()).not.toContain('token');
    expect(await page.evaluate(() => sessionStorage.getItem('workbench.launchToken'))).toBe(h.server.token);
    await page.reload();
    expect(await waitForRows('evidence-table', 1)).toBe(ALICE_VISIBLE.length);
  });

  it('opens every view from the nav, each at its own linkable hash', async () => {
    const nav = page.getByRole('navigation', { name: 'Views' });
    const info = await h.workbench.impl.system.info({}, { transport: 'in-process', session: {} });
    for (const view of VIEWS) {
      await nav.getByRole('link', { name: view.label }).click();
      await heading().filter({ hasText: view.label }).waitFor();
      expect(hashOf(page)).toBe(view.hash);
      expect(await nav.getByRole('link', { name: view.label }).getAttribute('aria-current')).toBe('page');
      if (view.capability && !info.capabilities[view.capability]) {
        // Capabilities not built yet say what they will show, with no made-up data.
        expect(await page.getByTestId('capability-pending').innerText()).toContain(`does not have the ${view.capability} capability yet`);
        expect(await page.locator('table').count()).toBe(0);
      }
      await screenshot(page, view.shot);
    }
    // A pasted deep link opens its view directly.
    await page.goto(`${h.server.origin}/#/control-map`);
    await heading().filter({ hasText: 'Control map' }).waitFor();
    await page.goto(`${h.server.origin}/#/no-such-view`);
    await heading().filter({ hasText: 'No such view' }).waitFor();
  });

  it('is keyboard-operable: skip link first, arrow keys move through the nav, Enter opens a view', async () => {
    await page.goto(`${h.server.origin}/#/`);
    await page.reload(); // start from a fresh focus position
    await heading().filter({ hasText: 'Evidence & audit' }).waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');

    const nav = page.getByRole('navigation', { name: 'Views' });
    await nav.getByRole('link', { name: 'Evidence & audit' }).focus();
    const focusedNav = () => page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.nav);
    await page.keyboard.press('ArrowDown');
    expect(await focusedNav()).toBe('verify');
    await page.keyboard.press('ArrowDown');
    expect(await focusedNav()).toBe('appeals');
    await page.keyboard.press('End');
    expect(await focusedNav()).toBe('admin');
    await page.keyboard.press('ArrowDown'); // wraps
    expect(await focusedNav()).toBe('home');
    await page.keyboard.press('ArrowUp');
    expect(await focusedNav()).toBe('admin');
    await page.keyboard.press('ArrowUp');
    expect(await focusedNav()).toBe('auditPack');
    await page.keyboard.press('ArrowUp');
    expect(await focusedNav()).toBe('redaction');
    await page.keyboard.press('Enter');
    await heading().filter({ hasText: 'Redaction' }).waitFor();
    expect(hashOf(page)).toBe('#/redaction');

    // Every view, by keyboard alone: Home, then ArrowDown + Enter through the list.
    await page.keyboard.press('Home');
    await page.keyboard.press('Enter');
    await heading().filter({ hasText: VIEWS[0].label }).waitFor();
    for (const view of VIEWS.slice(1)) {
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Enter');
      await heading().filter({ hasText: view.label }).waitFor();
      expect(hashOf(page)).toBe(view.hash);
    }
    await nav.getByRole('link', { name: 'Redaction' }).focus();
    await page.keyboard.press('Enter');
    await heading().filter({ hasText: 'Redaction' }).waitFor();
    // Only the current view is a tab stop in the nav.
    const tabbable = await nav.locator('a[tabindex="0"]').allInnerTexts();
    expect(tabbable.map((t) => t.split('\n')[0])).toEqual(['Redaction']);
    await screenshot(page, 'keyboard-focus');
  });

  it('switching to an analyst and opening the audit trail shows a DENIED panel with the reason and an appeal link', async () => {
    await openHome();
    await page.getByLabel('Acting as').selectOption('arun');
    await page.getByTestId('actor-summary').filter({ hasText: 'analyst' }).waitFor();

    const denied = page.getByRole('alert', { name: 'Audit trail: Access denied by policy' });
    await denied.waitFor();
    expect(await denied.getAttribute('data-error-code')).toBe('DENIED');
    const appeal = denied.getByRole('link', { name: 'Appeal this decision' });
    const href = await appeal.getAttribute('href');
    expect(href).toMatch(/^#\/appeals\/new\?denial=ae-\d+$/);
    const denialId = decodeURIComponent(href!.split('denial=')[1]!);

    // The denial is a real audit event, recorded for arun; the panel shows exactly its reason and policies.
    const recorded = (await h.workbench.store.listAuditEvents({ afterSeq: 0, limit: 10_000 })).find((e) => e.id === denialId);
    expect(recorded).toMatchObject({ actorId: 'arun', action: 'audit.read', decision: 'deny' });
    const reason = recorded!.payload.reason as string;
    expect(reason).toContain('audit.read');
    expect(await denied.getByTestId('denial-reason').innerText()).toBe(reason);
    const policyIds = recorded!.payload.policyIds as string[];
    expect(policyIds.length).toBeGreaterThan(0);
    expect(await denied.locator('.policy-id').allInnerTexts()).toEqual(policyIds);

    // An analyst may read only their own tenant's evidence: "all tenants" is denied too.
    const evidenceDenied = page.getByRole('alert', { name: 'Evidence: Access denied by policy' });
    await evidenceDenied.waitFor();
    await page.getByLabel('Tenant').selectOption('acme');
    expect(await waitForRows('evidence-table', 1)).toBe(DEMO_EVIDENCE.filter((e) => e.labels.tenant === 'acme' && e.labels.region === 'us-west-2').length);
    await screenshot(page, 'analyst-denied');

    await appeal.click();
    // The appeal link opens the Appeal dialog on exactly this denial (appeals e2e files it).
    const dialog = page.getByRole('dialog', { name: 'Appeal a denial' });
    await dialog.waitFor();
    expect(hashOf(page)).toBe(`#/appeals/new?denial=${denialId}`);
    expect(await dialog.getByTestId('appeal-denial-reason').innerText()).toBe(reason);
    await screenshot(page, 'appeal-link');
    await page.getByRole('button', { name: 'Close the appeal dialog' }).click();
    await dialog.waitFor({ state: 'detached' });
  });

  it('switching back to the auditor shows the audit events again, including the analyst\'s denial', async () => {
    await openHome();
    await page.getByLabel('Acting as').selectOption('alice');
    await page.getByTestId('actor-summary').filter({ hasText: 'auditor' }).waitFor();
    await waitForRows('audit-table', 10);
    const firstRows = await page.getByTestId('audit-table').locator('tbody tr').allInnerTexts();
    expect(firstRows.some((r) => r.includes('arun') && r.includes('audit.read') && r.includes('deny'))).toBe(true);
    expect(await page.getByRole('alert').count()).toBe(0);
  });

  it('refreshes the audit trail live when the workbench appends an event', async () => {
    const before = await h.workbench.store.listAuditEvents({ afterSeq: 0, limit: 10_000 });
    const lastSeq = before.at(-1)!.seq;
    // Another client (in-process, as gil) is denied: the open page hears audit.appended and fetches it.
    const wire = await h.workbench.dispatch('audit.verifyChain', { input: {}, session: { actorId: 'gil' } }, { transport: 'in-process' }).catch((e: unknown) => e);
    expect((wire as { code?: string }).code).toBe('DENIED');
    await page.waitForFunction(
      (seq) => [...document.querySelectorAll('[data-testid="audit-table"] tbody tr td:first-child')].some((td) => Number(td.textContent) > seq && td.parentElement!.textContent!.includes('gil')),
      lastSeq,
    );
    // The page's own refresh reads are in the trail it shows, so it settles instead of looping.
    await page.waitForTimeout(1500);
    const settled = (await h.workbench.store.listAuditEvents({ afterSeq: 0, limit: 10_000 })).at(-1)!.seq;
    await page.waitForTimeout(1500);
    expect((await h.workbench.store.listAuditEvents({ afterSeq: 0, limit: 10_000 })).at(-1)!.seq).toBe(settled);
    await screenshot(page, 'live-update');
  });

  it('shows when the machine has no network, and is live again once it has', async () => {
    await context.setOffline(true);
    await page.getByTestId('no-network').waitFor();
    // A local SQLite store keeps working without a network: the pill is information, not an alarm.
    expect(await page.getByTestId('no-network').innerText()).toBe('No network');
    await page.getByText('Offline-ready').waitFor();
    await screenshot(page, 'no-network');
    await context.setOffline(false);
    await page.getByTestId('no-network').waitFor({ state: 'detached' });
    await page.getByText('Live', { exact: true }).waitFor({ timeout: 40_000 });
  });

  it('refuses API calls and event sockets without the launch token', async () => {
    const noToken = await fetch(`${h.server.origin}/api/system.info`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ input: {} }),
    });
    expect(noToken.status).toBe(401);
    expect(await noToken.json()).toEqual({ ok: false, error: { code: 'UNAUTHENTICATED', message: 'missing or wrong launch token' } });

    const wrongToken = await fetch(`${h.server.origin}/api/audit.list`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer not-the-token' },
      body: JSON.stringify({ input: {} }),
    });
    expect(wrongToken.status).toBe(401);

    const refused = await new Promise<string>((resolveRefusal) => {
      const ws = new WebSocket(`${h.server.origin.replace('http', 'ws')}/events`, ['workbench.v1', 'token.wrong']);
      ws.on('open', () => resolveRefusal('opened'));
      ws.on('unexpected-response', (_req, res) => resolveRefusal(`HTTP ${res.statusCode}`));
      ws.on('error', (e) => resolveRefusal(`error ${e.message}`));
    });
    expect(refused).toBe('HTTP 403');
  });

  it('a tab opened without the launch link says how to get in and shows no data', async () => {
    const fresh = await h.browser.newContext();
    try {
      const p = await fresh.newPage();
      await p.goto(`${h.server.origin}/`);
      await p.getByRole('heading', { level: 1, name: 'The workbench did not start' }).waitFor();
      const panel = p.getByRole('alert');
      expect(await panel.getAttribute('data-error-code')).toBe('UNAUTHENTICATED');
      expect(await p.locator('main').innerText()).toContain('#token=');
      expect(await p.locator('table').count()).toBe(0);
      await screenshot(p, 'no-token');

      // A stale or mistyped launch link: the server refuses and the page says so.
      const stale = await fresh.newPage();
      await stale.goto(`${h.server.origin}/#token=not-the-token`);
      await stale.getByRole('heading', { level: 1, name: 'The workbench did not start' }).waitFor();
      expect(await stale.getByRole('alert').innerText()).toContain('missing or wrong launch token');
      expect(stale.url()).not.toContain('not-the-token');
    } finally {
      await fresh.close();
    }
  });

  it('downloads the residency report as CSV: the file holds the bytes whose digest the view names', async () => {
    await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Residency' }).click();
    await page.getByTestId('reconciliation-statement').waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
    const bytes = await readFile((await download.path())!);
    const notice = await page.getByRole('status').filter({ hasText: 'Exported' }).innerText();
    expect(notice).toBe(`Exported ${download.suggestedFilename()} (SHA-256 ${createHash('sha256').update(bytes).digest('hex').slice(0, 16)}…).`);
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    // The same report the workbench exports for alice at the report's reference time.
    const at = await page.getByRole('region', { name: 'Reconciliation' }).locator('time').first().getAttribute('datetime');
    const direct = (await h.workbench.dispatch('residency.exportReport', { input: { format: 'csv', at }, session: { actorId: 'alice' } }, { transport: 'in-process' })) as { content: string };
    expect(bytes.toString('utf8')).toBe(direct.content);
  });

  it('produced no console errors or CSP violations in the main tab, and no failed requests but the denials', () => {
    expect(problems.errors).toEqual([]);
    // The analyst's denials, and the auditor's on the Redaction view (vectors are for data stewards only).
    expect([...new Set(problems.failedResponses)].sort()).toEqual([
      '403 /api/audit.verifyChain',
      '403 /api/evidence.list',
      '403 /api/redaction.listJobs',
      '403 /api/redaction.policies',
    ]);
  });
});
