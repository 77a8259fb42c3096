import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright';
import { screenshot, startHarness, watchPage, type Harness, type PageProblems } from './harness.ts';

/**
 * The appeal of a denial, end to end in Chromium against the real workbench: an analyst is
 * denied an export and appeals from the denial's link; an ombuds reviewer triages and asks
 * for information; the analyst answers; the reviewer decides; the signed decision is shown
 * on the ticket and reached from the audit trail row of the denial.
 */

let h: Harness;
let context: BrowserContext;
let page: Page;
let problems: PageProblems;
let denialId = '';
let ticketId = '';

async function actAs(actorId: string, role: string): Promise<void> {
  await page.getByLabel('Acting as').selectOption(actorId);
  await page.getByTestId('actor-summary').filter({ hasText: role }).waitFor();
}

async function go(hash: string): Promise<void> {
  await page.evaluate((h) => {
    window.location.hash = h;
  }, hash);
}

const ticketState = () => page.getByTestId('ticket-state').innerText();

describe('appeal of a denied export, in Chromium', () => {
  beforeAll(async () => {
    h = await startHarness();
    context = await h.browser.newContext({ viewport: { width: 1440, height: 1000 } });
    page = await context.newPage();
    problems = watchPage(page);
    await page.goto(h.server.launchUrl);
    await page.getByTestId('store').waitFor();
  });

  afterAll(async () => {
    await context?.close();
    await h?.close();
  });

  it('the analyst is denied an export; the denial carries an appeal link', async () => {
    await actAs('arun', 'analyst');
    // The analyst's own client asks for the residency report as CSV: an export only auditors and admins may make.
    const denied = await page.evaluate(async () => {
      try {
        await (window.workbench as unknown as { residency: { exportReport(i: object): Promise<unknown> } }).residency.exportReport({ format: 'csv' });
        return null;
      } catch (e) {
        const err = e as { code?: string; details?: { appealLink?: string; decisionId?: string; reason?: string } };
        return { code: err.code, appealLink: err.details?.appealLink, decisionId: err.details?.decisionId, reason: err.details?.reason };
      }
    });
    expect(denied).toMatchObject({ code: 'DENIED', reason: 'residency.export needs one of the roles admin, auditor' });
    denialId = denied!.decisionId!;
    expect(denied!.appealLink).toBe(`#/appeals/new?denial=${denialId}`);
    const event = await h.workbench.store.getAuditEvent(denialId);
    expect(event).toMatchObject({ actorId: 'arun', action: 'residency.export', decision: 'deny', appealTicketId: null });
  });

  it('the appeal link opens the Appeal dialog with the reason and the minimization result; the analyst files an appeal', async () => {
    await go(`#/appeals/new?denial=${denialId}`);
    const dialog = page.getByRole('dialog', { name: 'Appeal a denial' });
    await dialog.waitFor();
    expect(await dialog.getByTestId('appeal-denial-reason').innerText()).toBe('residency.export needs one of the roles admin, auditor');
    // A role denial: no narrower request would be allowed, and the dialog says so.
    await dialog.getByTestId('minimization-none').waitFor();
    await dialog.getByTestId('appeal-justification').fill('The board pack due Friday needs the residency figures as CSV.');
    await dialog.getByLabel('Priority').selectOption('high');
    await screenshot(page, 'appeals-dialog');
    await dialog.getByRole('button', { name: 'File appeal' }).click();
    await page.getByTestId('ticket-view').waitFor();
    ticketId = decodeURIComponent(new URL(page.url()).hash.replace('#/appeals/', ''));
    expect(ticketId).toMatch(/^ot-\d{4}$/);
    expect(await ticketState()).toBe('New');
    expect(await page.getByTestId('sla-headline').innerText()).toMatch(/^Time to triage: due in 3 h 5\d min$|^Time to triage: due in 4 h$/);
    expect((await h.workbench.store.getAuditEvent(denialId))!.appealTicketId).toBe(ticketId);
  });

  it('the ombuds reviewer finds it in the queue, triages it and asks for information', async () => {
    await actAs('olga', 'ombuds');
    await go('#/appeals');
    const grid = page.getByTestId('queue-grid');
    await grid.locator(`a[href="#/appeals/${ticketId}"]`).waitFor();
    await page.getByTestId('filter-breach').selectOption('on-time');
    await page.waitForFunction(() => document.querySelector('[data-testid="queue-grid"]')?.getAttribute('data-status') === 'ready');
    await grid.locator(`a[href="#/appeals/${ticketId}"]`).waitFor();
    await screenshot(page, 'appeals-queue');
    await grid.locator(`a[href="#/appeals/${ticketId}"]`).click();
    await page.getByTestId('triage-start').click();
    await page.getByTestId('ticket-state').filter({ hasText: 'In triage' }).waitFor();
    await page.getByTestId('request-info-text').fill('Which board members receive the CSV, and is an aggregate enough?');
    await page.getByTestId('request-info-submit').click();
    await page.getByTestId('ticket-state').filter({ hasText: 'Waiting for information' }).waitFor();
    expect(await page.getByTestId('sla-headline').innerText()).toMatch(/^Time to decision: paused, /);
  });

  it('the analyst answers, which resumes the clock', async () => {
    await actAs('arun', 'analyst');
    await go(`#/appeals/${ticketId}`);
    await page.getByTestId('provide-info-text').fill('Only the audit committee (3 people); they need per-region counts, not rows.');
    await page.getByTestId('provide-info-submit').click();
    await page.getByTestId('ticket-state').filter({ hasText: 'In triage' }).waitFor();
    expect(await page.getByTestId('comment-question').innerText()).toBe('Which board members receive the CSV, and is an aggregate enough?');
    expect(await page.getByTestId('comment-answer').innerText()).toBe('Only the audit committee (3 people); they need per-region counts, not rows.');
  });

  it('the reviewer decides; the signed decision artifact is shown and verified', async () => {
    await actAs('olga', 'ombuds');
    await go(`#/appeals/${ticketId}`);
    const form = page.getByTestId('decision-form');
    await form.waitFor();
    await form.getByLabel('Overturn it').check();
    await form.getByTestId('decision-rationale').fill('The audit committee is entitled to the residency figures; one export within a week.');
    await form.getByTestId('decision-grant').check();
    const until = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 16);
    await form.getByTestId('decision-until').fill(until);
    await form.getByTestId('decision-submit').click();
    await page.getByTestId('ticket-state').filter({ hasText: 'Decided' }).waitFor();
    const artifact = page.getByTestId('decision-artifact');
    await artifact.getByTestId('artifact-verified').filter({ hasText: 'Signature and chain verified' }).waitFor();
    expect(await artifact.getByTestId('artifact-outcome').innerText()).toBe('overturned');
    const hash = await artifact.getByTestId('artifact-hash').innerText();
    const stored = await h.workbench.dispatch('appeals.artifact', { input: { auditEventId: denialId }, session: { actorId: 'alice' } }, { transport: 'in-process' });
    expect(stored).toMatchObject({ artifact: { hash, outcome: 'overturned', ticketId, denial: { eventId: denialId } }, verification: { ok: true } });
    expect(await artifact.getByTestId('artifact-exception').innerText()).toContain(`until ${until.replace('T', ' ')}:00 UTC`);
    const timeline = await page.getByTestId('ticket-timeline').locator('li').evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')));
    expect(timeline).toEqual(['opened', 'sla', 'triaged', 'sla', 'info_requested', 'sla', 'info_provided', 'sla', 'decided', 'sla']);
    await screenshot(page, 'appeals-decided');
  });

  it('the audit trail links the appealed denial to its ticket and decision', async () => {
    await go('#/');
    const row = page.getByTestId('audit-table').locator('tbody tr', { has: page.locator(`span[title^="hash"]`, { hasText: new RegExp(`^${Number(denialId.slice(3))}$`) }) });
    const link = row.getByTestId('audit-appeal-link');
    await link.waitFor();
    expect(await link.innerText()).toBe(ticketId);
    await link.click();
    await page.getByTestId('decision-artifact').waitFor();
    expect(await page.getByTestId('artifact-outcome').innerText()).toBe('overturned');
  });

  it('the SLA dashboard shows the decision, and nothing went wrong in the page', async () => {
    await go('#/appeals/dashboard');
    await page.getByTestId('sla-dashboard').waitFor();
    const dashboard = (await h.workbench.dispatch('appeals.dashboard', { input: {}, session: { actorId: 'alice' } }, { transport: 'in-process' })) as { onTimePercent: number | null };
    expect(await page.getByTestId('kpi-on-time').innerText()).toBe(`${dashboard.onTimePercent!.toFixed(1)} %`);
    await screenshot(page, 'appeals-dashboard');
    expect(problems.errors).toEqual([]);
    // The analyst's export was refused (403); no appeals call was, whoever acted.
    expect(problems.failedResponses).toContain('403 /api/residency.exportReport');
    expect(problems.failedResponses.filter((r) => r.includes('/api/appeals.'))).toEqual([]);
  });
});
