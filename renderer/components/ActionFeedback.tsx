import type { WorkbenchError } from '../../shared/api/errors.ts';
import { ErrorPanel } from './ErrorPanel.tsx';

/**
 * What the last change a view made came to: its notice (announced politely) or the error
 * that refused it, under the view's own context label.
 */
export function ActionFeedback({
  notice,
  error,
  context,
  noticeTestId,
}: {
  notice: string | undefined;
  error: WorkbenchError | undefined;
  context: string;
  noticeTestId?: string;
}) {
  return (
    <>
      {notice && (
        <p className="notice" role="status" data-testid={noticeTestId}>
          {notice}
        </p>
      )}
      {error && <ErrorPanel error={error} context={context} />}
    </>
  );
}
