import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { createAdminStore } from './admin-store.ts';
import { sampleOverview } from './sample-overview.ts';
import { AdminView } from './AdminView.tsx';
import type { PolicyClient } from './policy-client.ts';

const client = { $events: { subscribe: () => () => undefined }, policy: {} } as unknown as PolicyClient;

function ready(patch: Parameters<typeof createAdminStore>[1] = {}) {
  return createAdminStore(client, {
    status: 'ready',
    overview: sampleOverview(),
    permissions: [{ action: 'audit.read', allowed: false, policyIds: ['role.audit.read'], reason: 'needs auditor' }],
    ...patch,
  });
}

describe('AdminView', () => {
  it('shows actors with removable roles, consents with a toggle, policies and the epoch', () => {
    const html = renderToStaticMarkup(<AdminView client={client} store={ready()} />);
    expect(html).toContain('<h1 id="view-title">Access administration</h1>');
    expect(html).toContain('policy epoch 30');
    expect(html).toContain('aria-label="Remove auditor from alice"');
    expect(html).toContain('<span class="badge consent-granted">granted</span>');
    expect(html).toContain('>Revoke</button>');
    expect(html).toContain('<code>role.audit.read</code> <span class="muted">v1</span>');
    expect(html).toContain('title="needs auditor"><code>audit.read</code> denied</li>');
  });

  it("shows the engine's refusal of the edited policy", () => {
    const store = ready({ editor: { policyId: 'team.x', text: 'permit oops', note: '', busy: false, error: undefined, check: { ok: false, errors: ['unexpected token `oops`'] } } });
    const html = renderToStaticMarkup(<AdminView client={client} store={store} />);
    expect(html).toContain('<strong>The engine refuses this policy:</strong><ul><li>unexpected token `oops`</li></ul>');
  });

  it('warns loudly when the stored policy set is invalid', () => {
    const overview = { ...sampleOverview(), policySet: 'invalid' as const, issues: [{ policyId: 'broken', message: 'attribute `colour` not found' }] };
    const html = renderToStaticMarkup(<AdminView client={client} store={ready({ overview })} />);
    expect(html).toContain('<span class="pill bad" role="alert">policy set invalid: every request is denied</span>');
    expect(html).toContain('<li><code>broken</code>: attribute `colour` not found</li>');
  });
});
