import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { RedactionClient } from './redaction-client.ts';
import { createRedactionStore } from './redaction-store.ts';
import { RedactionView } from './RedactionView.tsx';
import { sampleCertificate, sampleDiff, sampleJob } from './sample-data.ts';
import { shardChartData } from './ShardChart.tsx';

const client = { $events: { subscribe: () => () => undefined }, redaction: {} } as unknown as RedactionClient;

function render(initial: Parameters<typeof createRedactionStore>[2]) {
  return renderToStaticMarkup(<RedactionView client={client} store={createRedactionStore(client, () => 'p', initial)} />);
}

describe('RedactionView', () => {
  it('offers the policy form and a dry-run before anything else', () => {
    const html = render({});
    expect(html).toContain('<h2 id="policy-title">Retention policy</h2>');
    expect(html).toContain('<button class="button primary" type="submit">Dry-run</button>');
    expect(html).toContain('No redaction jobs yet.');
    expect(html).not.toContain('data-testid="diff"');
  });

  it('shows the diff: totals, a chart and table per shard, the selected shard’s sample ids, and the affected queries', () => {
    const html = render({ dryRun: { status: 'done', progress: undefined, diff: sampleDiff(), error: undefined }, selectedShard: 1 });
    expect(html).toContain('<strong>1,234 vectors</strong> in 2 of 3 shards');
    expect(html).toContain('aria-label="Vectors to erase per shard"');
    expect(html).toContain('<h3>Shard 1</h3>');
    expect(html).toContain('<p class="sample-ids" data-testid="sample-ids"><code>1</code><code>4</code></p>');
    expect(html).toContain('<td><code>vq-0000007</code></td>');
    expect(html).toContain('<td class="wrap">4, 9</td>');
    expect(html).toContain('Recall and purge 1,234 vectors');
  });

  it('shows a running job with live rate, ETA and concurrency, and a cancel button', () => {
    const html = render({
      jobs: [sampleJob()],
      live: { 'rj-abababababababab': { state: 'purging', erased: 900, total: 1234, batchesDone: 3, batchCount: 5, rate: 4500, etaSeconds: 75, concurrency: 2, error: null } },
    });
    expect(html).toContain('<span class="badge job-purging">purging</span>');
    expect(html).toContain('<progress max="1234" value="900" aria-label="rj-abababababababab progress"></progress>');
    expect(html).toContain('4,500 vectors/s · ETA 1m15s · 2 shards at once');
    expect(html).toContain('>Cancel</button>');
    expect(html).not.toContain('>Resume</button>');
  });

  it('offers resume for a paused job and restore for a recalled one', () => {
    const html = render({ jobs: [sampleJob({ state: 'paused', running: false }), sampleJob({ id: 'rj-cdcdcdcdcdcdcdcd', state: 'recalled', running: false, erased: 0 })] });
    expect(html).toContain('>Resume</button>');
    expect(html).toContain('>Purge now</button>');
    expect(html).toContain('>Restore</button>');
  });

  it('shows the receipts and the certificate with its checks', () => {
    const html = render({
      jobs: [sampleJob({ state: 'completed', running: false, erased: 1234, hasCertificate: true })],
      selectedJob: 'rj-abababababababab',
      receipts: { jobId: 'rj-abababababababab', rows: [{ batch: 0, shard: 0, firstId: 3, lastId: 999, count: 250, digest: 'aa'.repeat(32), auditEventId: 'ae-000042' }], total: 5 },
      certificate: { jobId: 'rj-abababababababab', certificate: sampleCertificate(), checks: [{ name: 'signature', ok: true, detail: 'Ed25519 signature valid' }] },
    });
    expect(html).toContain('<td>3…999</td>');
    expect(html).toContain('<td><code>ae-000042</code></td>');
    expect(html).toContain('Showing 1 of 5 receipts.');
    expect(html).toContain('<li class="check-ok"><strong>signature</strong>: Ed25519 signature valid</li>');
    expect(html).toContain('1,234 vectors erased in 5 batches; 0 still match the policy.');
  });

  it('charts every shard, empty ones included', () => {
    expect(shardChartData(sampleDiff())).toEqual([
      { shard: '0', vectors: 1000 },
      { shard: '1', vectors: 234 },
      { shard: '2', vectors: 0 },
    ]);
  });
});
