import type { ViewProps } from './view-props.ts';
import { AuditPackView as AuditPackScreen } from './auditpack/AuditPackView.tsx';

/** Build, list and download signed audit packs (renderer/views/auditpack/). */
export function AuditPackView(_props: ViewProps) {
  return <AuditPackScreen />;
}
