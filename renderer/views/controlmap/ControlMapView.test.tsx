import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { AuditPackClient } from '../auditpack/auditpack-client.ts';
import { sampleControlMap } from '../auditpack/sample-data.ts';
import { createControlMapStore } from './controlmap-store.ts';
import { ControlMapView } from './ControlMapView.tsx';

const client = { $events: { subscribe: () => () => undefined }, auditpack: {} } as unknown as AuditPackClient;

function render(initial: Parameters<typeof createControlMapStore>[1]) {
  return renderToStaticMarkup(<ControlMapView client={client} store={createControlMapStore(client, { status: 'ready', ...initial })} />);
}

describe('ControlMapView', () => {
  it('says no pack was built yet and links to the audit pack view', () => {
    const html = render({ result: { build: null, rows: [], counts: { total: 0, present: 0, missing: 0, stale: 0 }, message: 'No audit pack has been built yet: build one to see the control map it carries.' } });
    expect(html).toContain('<p class="empty">No audit pack has been built yet: build one to see the control map it carries.</p><a class="button primary" href="#/audit-pack">Build an audit pack</a>');
    expect(html).not.toContain('controlmap-table');
  });

  it('lists every control with its SOC 2 and ISO ids, evidence buttons and status with reason', () => {
    const html = render({ result: sampleControlMap() });
    expect(html).toContain('<span class="pill info">3 controls</span><span class="pill ok">1 present</span><span class="pill warn">1 stale</span><span class="pill bad">1 missing</span>');
    expect(html).toContain('<span class="ids"><code class="criterion">CC6.1</code><code class="criterion">CC6.3</code></span>');
    expect(html).toContain('<span class="ids"><code class="criterion">A.8.15</code></span>');
    expect(html).toContain('aria-label="Open evidence audit/chain-verification.json for CW-LG-02"');
    expect(html).toContain('<span class="badge control-stale" data-testid="control-status">stale</span><div class="muted reason">newest evidence 2026-01-02T00:00:00.000Z is older than 90 days before 2026-11-28T12:00:00.000Z</div>');
    expect(html).toContain('<span class="badge control-missing" data-testid="control-status">missing</span>');
    expect(html).toContain('<input type="radio" name="controlmap-framework" checked="" value="all"/>All');
  });

  it('filters by framework: SOC 2 hides controls with no SOC 2 id, and the counts follow', () => {
    const html = render({ result: sampleControlMap(), framework: 'SOC2' });
    expect(html).toContain('data-control="CW-AC-01"');
    expect(html).toContain('data-control="CW-RS-03"');
    expect(html).not.toContain('data-control="CW-LG-02"');
    expect(html).toContain('<span class="pill info">2 controls</span><span class="pill ok">1 present</span><span class="pill warn">0 stale</span><span class="pill bad">1 missing</span>');
  });

  it('filters by status and says when nothing matches', () => {
    expect(render({ result: sampleControlMap(), framework: 'SOC2', statusFilter: 'stale' })).toContain('<p class="empty">No control matches these filters.</p>');
  });

  it('shows the opened evidence with its index facts, its hash check and its text', () => {
    const html = render({
      result: sampleControlMap(),
      evidence: {
        path: 'audit/chain-verification.json',
        status: 'ready',
        error: undefined,
        view: {
          buildId: 'ap-abababababababab',
          path: 'audit/chain-verification.json',
          kind: 'file',
          entry: { path: 'audit/chain-verification.json', section: 'audit', title: 'Audit chain verification', mediaType: 'application/json', size: 200, sha256: '22'.repeat(32), asOf: '2026-11-28T11:00:00.000Z' },
          children: [],
          text: '{"ok":true}',
          note: null,
          verified: true,
        },
      },
    });
    expect(html).toContain('<h2 id="evidence-title" tabindex="-1">Evidence: <code>audit/chain-verification.json</code></h2>');
    expect(html).toContain('<span class="pill ok" data-testid="evidence-verified">matches the index</span>');
    expect(html).toContain('<pre class="evidence-text" data-testid="evidence-text" tabindex="0" aria-label="Content of audit/chain-verification.json">{&quot;ok&quot;:true}</pre>');
    expect(html).toContain('<dd><time dateTime="2026-11-28T11:00:00.000Z">2026-11-28T11:00:00.000Z</time></dd>');
  });

  it('lists the files under a folder pointer', () => {
    const html = render({
      result: sampleControlMap(),
      evidence: {
        path: 'provenance/packs',
        status: 'ready',
        error: undefined,
        view: {
          buildId: 'ap-abababababababab',
          path: 'provenance/packs',
          kind: 'folder',
          entry: null,
          children: [{ path: 'provenance/packs/demo/manifest.json', section: 'provenance', title: 'Manifest', mediaType: 'application/json', size: 1200, sha256: '44'.repeat(32) }],
          text: null,
          note: '1 files under provenance/packs/',
          verified: false,
        },
      },
    });
    expect(html).toContain('<code>provenance/packs/demo/manifest.json</code></button> <span class="muted">Manifest · 1.2 kB</span>');
  });
});
