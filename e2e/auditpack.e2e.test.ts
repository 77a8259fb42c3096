import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright';
import type { ControlMapResult } from '../shared/api/auditpack.ts';
import { screenshot, startHarness, watchPage, type Harness, type PageProblems } from './harness.ts';

/**
 * The audit pack end to end in Chromium against the real workbench with demo data: an
 * auditor builds the pack with one click and watches it progress to the end, reads the
 * control map, filters it by framework, opens a piece of evidence and downloads the map as
 * CSV; an analyst's build is denied with a link to appeal.
 */

let h: Harness;
let context: BrowserContext;
let page: Page;
let problems: PageProblems;

async function actAs(actorId: string, role: string): Promise<void> {
  await page.getByLabel('Acting as').selectOption(actorId);
  await page.getByTestId('actor-summary').filter({ hasText: role }).waitFor();
}

async function go(hash: string): Promise<void> {
  await page.evaluate((h) => {
    window.location.hash = h;
  }, hash);
}

const CSV_HEADER = 'control_id,title,kind,soc2,iso27001,evidence,status,status_reason';

describe('audit pack and control map, in Chromium', () => {
  beforeAll(async () => {
    h = await startHarness();
    context = await h.browser.newContext({ viewport: { width: 1440, height: 1000 }, acceptDownloads: true });
    page = await context.newPage();
    problems = watchPage(page);
    await page.goto(h.server.launchUrl);
    await page.getByTestId('store').waitFor();
  });

  afterAll(async () => {
    await context?.close();
    await h?.close();
  });

  it('before any build, the control map says so and links to the audit pack view', async () => {
    await actAs('alice', 'auditor');
    await go('#/control-map');
    const empty = page.getByTestId('controlmap-empty');
    await empty.waitFor();
    expect(await empty.getByRole('link', { name: 'Build an audit pack' }).getAttribute('href')).toBe('#/audit-pack');
  });

  it('the auditor builds the pack with one click and sees its progress to the end', async () => {
    await go('#/audit-pack');
    await page.getByText('No audit pack has been built yet.').waitFor();
    // Record every progress line the view shows, however quickly the build runs.
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { progressSeen: string[] }).progressSeen = seen;
      new MutationObserver(() => {
        const el = document.querySelector('[data-testid="auditpack-progress"]');
        const text = el?.textContent ?? '';
        if (text && seen[seen.length - 1] !== text) seen.push(text);
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    await page.getByTestId('auditpack-build').click();
    const built = page.getByTestId('auditpack-built');
    await built.waitFor({ timeout: 45_000 });
    const seen = await page.evaluate(() => (window as unknown as { progressSeen: string[] }).progressSeen);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.some((s) => /^(collect|derive|hash|sign|archive): /.test(s))).toBe(true);
    expect(await page.getByTestId('auditpack-progress').count()).toBe(0);

    const { builds } = (await h.workbench.dispatch('auditpack.list', { input: {}, session: { actorId: 'alice' } }, { transport: 'in-process' })) as {
      builds: Array<{ fileName: string; sha256: string; merkleRoot: string; createdBy: string }>;
    };
    expect(builds).toHaveLength(1);
    expect(builds[0]!.createdBy).toBe('alice');
    expect(await built.locator('code').innerText()).toBe(builds[0]!.fileName);
    expect(await page.getByTestId('auditpack-sha256').innerText()).toBe(builds[0]!.sha256);
    expect(await page.getByTestId('auditpack-merkle-root').innerText()).toBe(builds[0]!.merkleRoot);
    expect(await page.getByTestId('auditpack-files').locator('code', { hasText: 'compliance/control-map.csv' }).count()).toBe(1);
    await screenshot(page, 'auditpack-built');
  });

  it('the control map lists every control with its status; the framework filter keeps only that framework’s controls', async () => {
    const map = (await h.workbench.dispatch('auditpack.controlMap', { input: {}, session: { actorId: 'alice' } }, { transport: 'in-process' })) as ControlMapResult;
    expect(map.rows.length).toBeGreaterThan(0);
    await go('#/control-map');
    const table = page.getByTestId('controlmap-table');
    await table.waitFor();
    expect(await table.getByTestId('control-status').allInnerTexts()).toEqual(map.rows.map((r) => r.status));
    const count = (s: string) => map.rows.filter((r) => r.status === s).length;
    expect(await page.getByTestId('controlmap-counts').locator('.pill').allInnerTexts()).toEqual([
      `${map.rows.length} controls`,
      `${count('present')} present`,
      `${count('stale')} stale`,
      `${count('missing')} missing`,
    ]);

    await page.getByLabel('ISO/IEC 27001:2022').check();
    const iso = map.rows.filter((r) => r.iso27001.length > 0).map((r) => r.controlId);
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="controlmap-table"] tbody tr').length === n, iso.length);
    expect(await table.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-control')))).toEqual(iso);

    await page.getByLabel('SOC 2').check();
    const soc2 = map.rows.filter((r) => r.soc2.length > 0).map((r) => r.controlId);
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="controlmap-table"] tbody tr').length === n, soc2.length);
    expect(await table.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-control')))).toEqual(soc2);
    await page.getByLabel('All', { exact: true }).check();
    await screenshot(page, 'controlmap');
  });

  it('opens a piece of evidence: the file read from the pack, matching the index', async () => {
    await page.getByRole('button', { name: /^Open evidence compliance\/control-map\.csv|^Open evidence audit\/chain-verification\.json/ }).first().click();
    const panel = page.getByTestId('evidence-panel');
    await panel.getByTestId('evidence-verified').waitFor();
    const text = await panel.getByTestId('evidence-text').innerText();
    expect(text.length).toBeGreaterThan(0);
    // Focus moved to the panel; Escape closes it.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('evidence-title');
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'detached' });
  });

  it('downloads the control map as CSV', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('controlmap-download-csv').click()]);
    expect(download.suggestedFilename()).toMatch(/^audit-pack-acme-\d{4}-\d{2}-\d{2}-[0-9a-f]{12}-control-map\.csv$/);
    const csv = await readFile((await download.path())!, 'utf8');
    expect(csv.split('\r\n')[0]).toBe(CSV_HEADER);
  });

  it('an analyst’s build is denied, with a link to appeal the decision', async () => {
    await actAs('arun', 'analyst');
    await go('#/');
    await go('#/audit-pack');
    await page.getByTestId('auditpack-build').click();
    const denial = page.getByRole('alert', { name: 'Build audit pack: Access denied by policy' });
    await denial.waitFor();
    expect(await denial.getByTestId('denial-reason').innerText()).toBe('auditpack.build needs one of the roles auditor, admin');
    const href = await denial.getByRole('link', { name: 'Appeal this decision' }).getAttribute('href');
    expect(href).toMatch(/^#\/appeals\/new\?denial=ae-\d+$/);
    const event = await h.workbench.store.getAuditEvent(decodeURIComponent(href!.slice('#/appeals/new?denial='.length)));
    expect(event).toMatchObject({ actorId: 'arun', action: 'auditpack.build', decision: 'deny' });
    await screenshot(page, 'auditpack-denied');
  });

  it('nothing went wrong in the page', () => {
    expect(problems.errors).toEqual([]);
    // Only the analyst's expected denials answered with an error status (the home view's reads among them).
    expect(problems.failedResponses.filter((r) => !r.startsWith('403 '))).toEqual([]);
    expect(problems.failedResponses).toEqual(expect.arrayContaining(['403 /api/auditpack.list', '403 /api/auditpack.build']));
  });
});
