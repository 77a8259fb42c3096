import type { WorkbenchError } from '../../shared/api/errors.ts';
import { ERROR_TITLES, denialOf, inputIssuesOf, otherDetails } from './error-text.ts';

/**
 * A WorkbenchError, readably: what kind of failure (code and title), the message, and the
 * details. A denial shows why, which policies decided, and how to appeal.
 */
export function ErrorPanel({ error, context, onRetry }: { error: WorkbenchError; context?: string; onRetry?: () => void }) {
  const denial = denialOf(error);
  const issues = inputIssuesOf(error);
  const rest = otherDetails(error);
  return (
    <section className={`error-panel error-${error.code.toLowerCase()}`} role="alert" aria-label={`${context ? context + ': ' : ''}${ERROR_TITLES[error.code]}`} data-error-code={error.code}>
      <header className="error-head">
        <span className="error-code">{error.code}</span>
        <h3>{context ? `${context}: ` : ''}{ERROR_TITLES[error.code]}</h3>
      </header>
      {/* A denial's message is "denied: <reason>"; the reason is shown below, once. */}
      {!(denial && error.message === `denied: ${denial.reason}`) && <p className="error-message">{error.message}</p>}
      {denial && (
        <dl className="error-details">
          <dt>Reason</dt>
          <dd data-testid="denial-reason">{denial.reason}</dd>
          <dt>Policies</dt>
          <dd>{denial.policyIds.length ? denial.policyIds.map((p) => <code key={p} className="policy-id">{p}</code>) : 'none named'}</dd>
          {denial.decisionId && (
            <>
              <dt>Decision</dt>
              <dd><code>{denial.decisionId}</code> (recorded in the audit trail)</dd>
            </>
          )}
        </dl>
      )}
      {issues.length > 0 && (
        <ul className="error-issues" aria-label="What was wrong">
          {issues.map((i, n) => (
            <li key={n}><code>{i.path}</code>: {i.message}</li>
          ))}
        </ul>
      )}
      {rest.length > 0 && (
        <dl className="error-details">
          {rest.map(([k, v]) => (
            <div key={k} className="detail-row">
              <dt>{k}</dt>
              <dd><code>{v}</code></dd>
            </div>
          ))}
        </dl>
      )}
      {(denial?.appealLink || onRetry) && (
        <div className="error-actions">
          {denial?.appealLink && (
            <a className="button primary" href={denial.appealLink}>Appeal this decision</a>
          )}
          {onRetry && (
            <button type="button" className="button" onClick={onRetry}>Try again</button>
          )}
        </div>
      )}
    </section>
  );
}
