import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { ResidencyClient } from './residency-client.ts';
import { createResidencyStore } from './residency-store.ts';
import { inventoryChartData } from './ResidencyCharts.tsx';
import { ResidencyView } from './ResidencyView.tsx';
import { sampleReport } from './sample-report.ts';

const client = { $events: { subscribe: () => () => undefined }, residency: {} } as unknown as ResidencyClient;

describe('ResidencyView', () => {
  const html = renderToStaticMarkup(<ResidencyView client={client} store={createResidencyStore(client, { status: 'ready', report: sampleReport() })} />);

  it('states the reconciliation verdict and lists each check', () => {
    expect(html).toContain('<p class="verdict verdict-bad" data-testid="reconciliation-statement">not reconciled: every stored row is pinned to a region and tenant</p>');
    expect(html).toContain('<strong>Every stored row is pinned to a region and tenant</strong> <span class="sr-only">does not hold</span>');
  });

  it('shows data by region and tenant with a chart, and offers to pin the unpinned rows', () => {
    expect(html).toContain('aria-label="Data by region and tenant"');
    expect(html).toContain('<td class="num warn">1</td>');
    expect(html).toContain('<strong>1 rows are not pinned</strong>');
    expect(html).toContain('Pin all to their labelled region');
  });

  it('lists exceptions with status and uses, and attempted violations over time', () => {
    expect(html).toContain('<span class="badge status-in-force">in-force</span>');
    expect(html).toContain('1 attempts: 1 denied, 0 allowed without an exception · 2 moves under an exception');
    expect(html).toContain('aria-label="Attempted violations over time"');
    expect(html).toContain('<code>evidence/ev-004</code>');
    // recharts draws its SVG once mounted; the server renders its sized wrapper.
    expect(html).toContain('class="recharts-wrapper" style="position:relative;cursor:default;width:640px;height:240px"');
  });

  it('charts each region with a count per tenant', () => {
    expect(inventoryChartData(sampleReport())).toEqual([
      { region: 'eu-central-1', acme: 0, globex: 8 },
      { region: 'us-west-2', acme: 8, globex: 0 },
    ]);
  });
});
