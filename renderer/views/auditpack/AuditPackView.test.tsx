import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { WorkbenchError } from '../../../shared/api/errors.ts';
import type { AuditPackClient } from './auditpack-client.ts';
import { formatBytes, groupBySection, progressText } from './auditpack-format.ts';
import { createAuditPackStore } from './auditpack-store.ts';
import { AuditPackView } from './AuditPackView.tsx';
import { sampleBuild, sampleDetail, sampleIndex } from './sample-data.ts';

const client = { $events: { subscribe: () => () => undefined }, auditpack: {} } as unknown as AuditPackClient;

function render(initial: Parameters<typeof createAuditPackStore>[2]) {
  return renderToStaticMarkup(<AuditPackView client={client} store={createAuditPackStore(client, () => 'p', { status: 'ready', ...initial })} />);
}

describe('AuditPackView', () => {
  it('offers the one-click build with the organisation filled in, and says when nothing was built yet', () => {
    const html = render({ list: { builds: [], running: null, problems: [] } });
    expect(html).toContain('<form class="build-form form-grid" aria-label="Build an audit pack">');
    expect(html).toContain('value="acme"');
    expect(html).toContain('<button class="button primary" type="submit" data-testid="auditpack-build">Build audit pack</button>');
    expect(html).toContain('<p class="empty">No audit pack has been built yet.</p>');
  });

  it('shows live progress with its phase while a build runs, and a cancel button', () => {
    const html = render({ run: { status: 'running', progressId: 'p', progress: { label: 'collect: residency', done: 7, total: 12 }, result: undefined, error: undefined } });
    expect(html).toContain('Building audit pack…</button>');
    expect(html).toContain('<span>collect: residency (7 of 12)</span> <progress max="12" value="7" aria-label="Build progress"></progress>');
    expect(html).toContain('>Cancel</button>');
  });

  it('shows a denial readably with its appeal link', () => {
    const error = new WorkbenchError('DENIED', 'denied: auditpack.build needs one of the roles auditor, admin', {
      reason: 'auditpack.build needs one of the roles auditor, admin',
      policyIds: ['role.auditpack.build'],
      decisionId: 'ae-000050',
      appealLink: '#/appeals/new?denial=ae-000050',
    });
    const html = render({ run: { status: 'error', progressId: 'p', progress: undefined, result: undefined, error } });
    expect(html).toContain('aria-label="Build audit pack: Access denied by policy"');
    expect(html).toContain('<dd data-testid="denial-reason">auditpack.build needs one of the roles auditor, admin</dd>');
    expect(html).toContain('<a class="button primary" href="#/appeals/new?denial=ae-000050">Appeal this decision</a>');
  });

  it('lists past builds with counts and digest, and shows a build: digests, downloads and files by section', () => {
    const html = render({
      list: { builds: [sampleBuild()], running: null, problems: [] },
      selectedId: 'ap-abababababababab',
      detail: { status: 'ready', buildId: 'ap-abababababababab', data: sampleDetail(), error: undefined },
    });
    expect(html).toContain('<span class="pill ok">1 present</span><span class="pill warn">1 stale</span><span class="pill bad">1 missing</span>');
    expect(html).toContain(`<code class="hex" title="${'ab'.repeat(32)}">abababababababab…</code>`);
    expect(html).toContain(`<code class="hex" data-testid="auditpack-sha256">${'ab'.repeat(32)}</code>`);
    expect(html).toContain(`<code class="hex" data-testid="auditpack-merkle-root">${'cd'.repeat(32)}</code>`);
    for (const label of ['Pack (.tgz)', 'Index JSON', 'Index CSV', 'Index PDF', 'Control map JSON', 'Control map CSV', 'Control map PDF']) expect(html).toContain(`>${label}</button>`);
    expect(html).toContain('<th scope="rowgroup" colSpan="6">Audit events and chain verification <span class="muted">(audit/ · 2 files, 3.2 kB)</span></th>');
    expect(html).toContain('<td><code>compliance/control-map.csv</code></td>');
    expect(html).toContain('<td class="num">42</td>');
  });

  it('groups files by section in index order and formats sizes and progress', () => {
    expect(groupBySection(sampleIndex().entries).map((g) => [g.section, g.entries.length, g.bytes])).toEqual([
      ['audit', 2, 3200],
      ['compliance', 1, 500],
    ]);
    expect([formatBytes(999), formatBytes(1000), formatBytes(48_213), formatBytes(1_073_741_824)]).toEqual(['999 B', '1.0 kB', '48 kB', '1.1 GB']);
    expect(progressText({ label: 'archive: writing', done: 512_000, total: 1_024_000 })).toBe('archive: writing (50%)');
    expect(progressText({ label: 'collect: starting', done: 0, total: null })).toBe('collect: starting');
  });
});
