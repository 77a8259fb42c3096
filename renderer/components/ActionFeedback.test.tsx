import { describe, expect, it } from 'vitest';
import { renderToStaticMarkup } from 'react-dom/server';
import { WorkbenchError } from '../../shared/api/errors.ts';
import { ActionFeedback } from './ActionFeedback.tsx';

describe('ActionFeedback', () => {
  it('announces a notice as a status', () => {
    expect(renderToStaticMarkup(<ActionFeedback notice="Role auditor assigned to bob." error={undefined} context="Change refused" />)).toBe(
      '<p class="notice" role="status">Role auditor assigned to bob.</p>',
    );
  });

  it('carries a test id on the notice when the view names one', () => {
    expect(renderToStaticMarkup(<ActionFeedback notice="Built." error={undefined} context="Audit pack" noticeTestId="auditpack-notice" />)).toBe(
      '<p class="notice" role="status" data-testid="auditpack-notice">Built.</p>',
    );
  });

  it('shows a refusal as an alert under the view context, and nothing when there is neither', () => {
    const html = renderToStaticMarkup(<ActionFeedback notice={undefined} error={new WorkbenchError('CONFLICT', 'already revoked')} context="Residency" />);
    expect(html).toContain('role="alert"');
    expect(html).toContain('aria-label="Residency: ');
    expect(html).toContain('<span class="error-code">CONFLICT</span>');
    expect(html).not.toContain('class="notice"');
    expect(renderToStaticMarkup(<ActionFeedback notice={undefined} error={undefined} context="Residency" />)).toBe('');
  });
});
