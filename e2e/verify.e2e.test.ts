import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright';
import { createPack } from '../main/provenance/pack/create-pack.ts';
import { screenshot, startHarness, watchPage, type Harness, type PageProblems } from './harness.ts';

let h: Harness;
let context: BrowserContext;
let page: Page;
let problems: PageProblems;
let packDir: string;
let publicKeyPem: string;

async function runVerify(fields: { path: string; at?: string; publicKey?: string }): Promise<void> {
  await page.getByLabel('Evidence pack').fill(fields.path);
  await page.getByLabel('Reference time (UTC)').fill(fields.at ?? '');
  await page.getByLabel('Signer public key (PEM)').fill(fields.publicKey ?? '');
  await page.getByRole('button', { name: 'Verify pack' }).click();
}

describe('Verify view in Chromium: a signed pack, then the same pack tampered with', () => {
  beforeAll(async () => {
    h = await startHarness();
    // A plain-key pack of three files, made with the workbench's own pack code.
    packDir = join(h.dataDir, 'packs', 'q3-access-review');
    mkdirSync(join(packDir, 'logs'), { recursive: true });
    writeFileSync(join(packDir, 'review.csv'), 'user,approved\nalice,yes\narun,no\n');
    writeFileSync(join(packDir, 'policy.md'), '# Access policy\nQuarterly review of privileged access.\n');
    writeFileSync(join(packDir, 'logs', 'console.log'), '2026-11-02T10:00:00Z login admin\n');
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }) as string;
    await createPack(packDir, { keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, createdAt: new Date('2026-11-27T09:00:00.000Z') });

    context = await h.browser.newContext({ viewport: { width: 1440, height: 900 } });
    page = await context.newPage();
    problems = watchPage(page);
    await page.goto(h.server.launchUrl);
    await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Verify' }).click();
    await page.getByRole('heading', { level: 1, name: 'Verify' }).waitFor();
  });

  afterAll(async () => {
    await context?.close();
    await h?.close();
  });

  it('verifies an intact pack: verdict, Merkle root match, every file ok, the cosign plugin ok', async () => {
    await runVerify({ path: packDir, at: '2026-11-28T12:00:00Z', publicKey: publicKeyPem });
    await page.getByTestId('verify-report').waitFor();
    expect(await page.getByTestId('verdict').innerText()).toBe('Verified');
    expect(await page.getByTestId('verify-report').innerText()).toContain('2026-11-28 12:00:00 UTC');
    const files = await page.getByTestId('file-table').locator('tbody tr').allInnerTexts();
    expect(files).toHaveLength(3);
    expect(files.every((r) => r.includes('\tok\t'))).toBe(true);
    expect(await page.getByTestId('plugin-table').locator('tbody tr').allInnerTexts()).toEqual([expect.stringMatching(/^cosign\tok/)]);
    await screenshot(page, 'verify-verified');
  });

  it('names the modified file when the pack changed, and filters to the problems', async () => {
    appendFileSync(join(packDir, 'review.csv'), 'mallory,yes\n');
    await runVerify({ path: packDir, at: '2026-11-28T12:00:00Z', publicKey: publicKeyPem });
    await page.getByTestId('verdict').filter({ hasText: 'Not verified' }).waitFor();
    await page.getByLabel('Only problems').check();
    const rows = await page.getByTestId('file-table').locator('tbody tr').allInnerTexts();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatch(/^review\.csv\tmodified\t/);
    expect(await page.getByTestId('verify-errors').innerText()).not.toBe('');
    await screenshot(page, 'verify-tampered');
  });

  it('shows a bad reference time as BAD_INPUT naming the field', async () => {
    await runVerify({ path: packDir, at: 'yesterday', publicKey: publicKeyPem });
    const panel = page.getByRole('alert');
    await panel.waitFor();
    expect(await panel.getAttribute('data-error-code')).toBe('BAD_INPUT');
    expect(await panel.locator('.error-issues').innerText()).toContain('at:');
  });

  it('says plainly that a browser cannot take a dropped pack, and keeps the typed path', async () => {
    await page.getByRole('form', { name: 'Verify a pack' }).evaluate((form) => {
      const dt = new DataTransfer();
      dt.items.add(new File(['x'], 'evidence.tgz'));
      form.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    });
    expect(await page.getByTestId('drop-note').innerText()).toBe(
      'A browser does not reveal where evidence.tgz is on disk: paste its path instead (the desktop app accepts drops).',
    );
  });

  it('denies an analyst, with the reason and an appeal link', async () => {
    await page.getByLabel('Acting as').selectOption('arun');
    await page.getByTestId('actor-summary').filter({ hasText: 'analyst' }).waitFor();
    await runVerify({ path: packDir, at: '2026-11-28T12:00:00Z', publicKey: publicKeyPem });
    const denied = page.getByRole('alert', { name: 'Verify: Access denied by policy' });
    await denied.waitFor();
    const href = await denied.getByRole('link', { name: 'Appeal this decision' }).getAttribute('href');
    expect(href).toMatch(/^#\/appeals\/new\?denial=ae-\d+$/);
    const recorded = (await h.workbench.store.listAuditEvents({ afterSeq: 0, limit: 10_000 })).find((e) => e.id === href!.split('denial=')[1]);
    expect(recorded).toMatchObject({ actorId: 'arun', action: 'packs.verify', decision: 'deny', resourceId: packDir });
    expect(await denied.getByTestId('denial-reason').innerText()).toBe(recorded!.payload.reason);
    await screenshot(page, 'verify-denied');
  });

  it('logged no console errors; the only failed requests are the expected refusals', () => {
    expect(problems.errors).toEqual([]);
    expect([...new Set(problems.failedResponses)].sort()).toEqual(['400 /api/verify.run', '403 /api/verify.run']);
  });
});
