import type { ViewProps } from './view-props.ts';
import { RedactionView as VectorRedaction } from './redaction/RedactionView.tsx';

/** Vector retention: dry-run diff, checkpointed apply, receipts and certificate (renderer/views/redaction/). */
export function RedactionView(_props: ViewProps) {
  return <VectorRedaction />;
}
