import { describe, expect, it } from 'vitest';
import { renderToStaticMarkup } from 'react-dom/server';
import { WorkbenchError, badInput } from '../../shared/api/errors.ts';
import { z } from 'zod';
import { ErrorPanel } from './ErrorPanel.tsx';
import { denialOf, otherDetails } from './error-text.ts';

const DENIAL = new WorkbenchError('DENIED', 'denied: audit.read needs one of the roles auditor, ombuds, admin', {
  reason: 'audit.read needs one of the roles auditor, ombuds, admin',
  policyIds: ['role.audit.read'],
  decisionId: 'ae-000028',
  appealLink: '#/appeals/new?denial=ae-000028',
});

describe('ErrorPanel', () => {
  it('shows a denial: code, title, reason, policies, decision and the appeal link, the reason once', () => {
    const html = renderToStaticMarkup(<ErrorPanel error={DENIAL} context="Audit trail" />);
    expect(html).toContain('role="alert"');
    expect(html).toContain('aria-label="Audit trail: Access denied by policy"');
    expect(html).toContain('<span class="error-code">DENIED</span>');
    expect(html).toContain('<dd data-testid="denial-reason">audit.read needs one of the roles auditor, ombuds, admin</dd>');
    expect(html).toContain('<code class="policy-id">role.audit.read</code>');
    expect(html).toContain('<code>ae-000028</code> (recorded in the audit trail)');
    expect(html).toContain('<a class="button primary" href="#/appeals/new?denial=ae-000028">Appeal this decision</a>');
    expect(html.split('audit.read needs one of the roles').length - 1).toBe(1);
  });

  it('never renders an appeal link that leaves the app', () => {
    const evil = new WorkbenchError('DENIED', 'denied: x', { reason: 'x', policyIds: [], appealLink: 'javascript:alert(1)' });
    expect(denialOf(evil)?.appealLink).toBeUndefined();
    expect(renderToStaticMarkup(<ErrorPanel error={evil} />)).not.toContain('javascript:');
  });

  it('lists BAD_INPUT issues by path', () => {
    const parsed = z.object({ at: z.string().datetime() }).safeParse({ at: 'yesterday' });
    const err = badInput('verify.run input', parsed.error!);
    const html = renderToStaticMarkup(<ErrorPanel error={err} />);
    expect(html).toContain('<span class="error-code">BAD_INPUT</span>');
    expect(html).toContain('<li><code>at</code>: Invalid ISO datetime</li>');
    expect(html).not.toContain('<dt>issues</dt>'); // not repeated as a raw detail
  });

  it('shows other details as sorted key/value text, with a retry button when given one', () => {
    const err = new WorkbenchError('UNAVAILABLE', 'store down', { store: 'postgres', attempts: 3 });
    expect(otherDetails(err)).toEqual([
      ['attempts', '3'],
      ['store', 'postgres'],
    ]);
    const html = renderToStaticMarkup(<ErrorPanel error={err} onRetry={() => undefined} />);
    expect(html).toContain('Not available right now');
    expect(html).toContain('<p class="error-message">store down</p>');
    expect(html).toContain('<button type="button" class="button">Try again</button>');
  });
});
