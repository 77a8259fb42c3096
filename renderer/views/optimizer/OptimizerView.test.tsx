import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { HintPayload, UsageReport } from '../../../shared/api/costguard.ts';
import type { CostguardClient } from './optimizer-client.ts';
import { costChange, locateFragment, segmentsOf, usageChartData } from './optimizer-format.ts';
import { createOptimizerStore } from './optimizer-store.ts';
import { OptimizerView } from './OptimizerView.tsx';

const SQL = 'SELECT id, customer_id FROM orders WHERE total_cents = 1234';

const PAYLOAD: HintPayload = {
  queryId: 'q_0123456789abcdef',
  dialect: 'sqlite',
  costModel: 'sqlite-plan-model',
  estimatedCost: 6000,
  estimatedRows: 1.06,
  plan: ['SCAN orders'],
  hints: [
    {
      type: 'missing-index',
      severity: 'warning',
      message: 'Full scan of orders (6000 rows) for "total_cents" = 1234, which matches 0.00% of them; no index starts with total_cents.',
      suggested: 'CREATE INDEX orders_total_cents_idx ON orders (total_cents)',
      docs: 'docs/costguard.md#missing-index',
      fragment: '"total_cents" = 1234',
    },
  ],
  rewrite: {
    sql: 'SELECT "id", "customer_id" FROM "orders" WHERE "total_cents" = 1234',
    ddl: ['CREATE INDEX orders_total_cents_idx ON orders (total_cents)'],
    script: 'CREATE INDEX orders_total_cents_idx ON orders (total_cents);\nSELECT "id", "customer_id" FROM "orders" WHERE "total_cents" = 1234;',
    estimatedCost: 14.05,
    changesResults: false,
    steps: [{ type: 'missing-index', effect: 'same-rows', costBefore: 6000, costAfter: 14.05, note: 'adds index orders_total_cents_idx on orders(total_cents)' }],
  },
  rejected: [],
};

const USAGE: UsageReport = {
  from: '2026-11-28T11:01:00.000Z',
  to: '2026-11-28T12:00:00.000Z',
  minutes: [
    { minute: '2026-11-28T11:58:00.000Z', namespace: 'costguard', allowed: 4, limited: 1 },
    { minute: '2026-11-28T11:59:00.000Z', namespace: 'audit', allowed: 2, limited: 0 },
  ],
  policies: [{ namespace: '*', policy: 'default', quota: 100, windowSeconds: 60, burst: 100 }],
};

function fakeClient(calls: string[]): CostguardClient {
  return {
    costguard: {
      analyze: async (input: { sql: string }) => {
        calls.push(`analyze ${input.sql}`);
        return PAYLOAD;
      },
      queryLog: async () => [],
      usage: async () => USAGE,
      adoption: async () => ({ analyzed: 1, withRewrite: 1, copied: 0, ran: 0, adoptionRate: 0, byHintType: [] }),
      recordAdoption: async (input: { queryId: string; action: string }) => {
        calls.push(`adopt ${input.queryId} ${input.action}`);
        return { analyzed: 1, withRewrite: 1, copied: 1, ran: 0, adoptionRate: 1, byHintType: [{ type: 'missing-index', queries: 1, adopted: 1 }] };
      },
    },
  } as unknown as CostguardClient;
}

describe('OptimizerView', () => {
  const store = createOptimizerStore(fakeClient([]), { sql: SQL, status: 'ready', payload: PAYLOAD, usage: USAGE });
  const html = renderToStaticMarkup(<OptimizerView store={store} />);

  it('marks the hinted fragment in the query and shows the hint with its docs link', () => {
    expect(html).toContain('<mark class="hinted severity-warning" title="missing-index">total_cents = 1234</mark>');
    expect(html).toContain('<a href="docs/costguard.md#missing-index" target="_blank" rel="noreferrer">docs</a>');
    expect(html).toContain('<code>CREATE INDEX orders_total_cents_idx ON orders (total_cents)</code>');
  });

  it('compares the cost before and after, and offers to copy the verified rewrite', () => {
    expect(html).toContain('<span class="cost-change" data-testid="cost-change">6,000 → 14.05 (−99.8%)</span>');
    expect(html).toContain('Copy fixed query</button>');
    expect(html).toContain('same rows, verified');
  });

  it('charts namespace usage with the limited calls', () => {
    expect(html).toContain('aria-label="Calls per minute by namespace, allowed and rate-limited"');
    expect(html).toContain('other namespaces: 100/60s, burst 100');
  });
});

describe('the optimizer store', () => {
  it('analyzes, then copies the rewrite and records the adoption', async () => {
    const calls: string[] = [];
    const store = createOptimizerStore(fakeClient(calls));
    store.getState().setSql(SQL);
    await store.getState().analyze();
    expect(store.getState().status).toBe('ready');
    let copied = '';
    await store.getState().copyRewrite(async (t) => void (copied = t));
    expect(copied).toBe(PAYLOAD.rewrite!.script);
    expect(calls).toEqual([`analyze ${SQL}`, 'adopt q_0123456789abcdef copied']);
    expect(store.getState().adoption?.copied).toBe(1);
    expect(store.getState().notice).toBe('Copied the verified rewrite.');
  });
});

describe('optimizer formatting', () => {
  it('finds a canonically printed fragment in the text as written', () => {
    expect(locateFragment('select *  from t where "A"   =  1', 'A = 1')).toEqual([23, 33]);
    expect(locateFragment(SQL, '"total_cents" = 1234')).toEqual([41, 59]);
    expect(locateFragment(SQL, 'nope')).toBeUndefined();
  });

  it('cuts the query into segments carrying their hints', () => {
    const { segments, unplaced } = segmentsOf(SQL, PAYLOAD.hints);
    expect(segments.map((s) => [s.text, s.hints.length])).toEqual([
      ['SELECT id, customer_id FROM orders WHERE ', 0],
      ['total_cents = 1234', 1],
    ]);
    expect(unplaced).toEqual([]);
  });

  it('states the cost change and builds the usage chart rows', () => {
    expect(costChange(PAYLOAD)).toBe('6,000 → 14.05 (−99.8%)');
    expect(usageChartData(USAGE)).toEqual({
      namespaces: ['audit', 'costguard'],
      rows: [
        { minute: '11:58', 'costguard allowed': 4, 'costguard limited': 1, 'audit allowed': 0, 'audit limited': 0 },
        { minute: '11:59', 'audit allowed': 2, 'audit limited': 0, 'costguard allowed': 0, 'costguard limited': 0 },
      ],
    });
  });
});
