import type { ViewProps } from './view-props.ts';
import { AdminView as PolicyAdmin } from './admin/AdminView.tsx';

/** Roles, consents and policies (renderer/views/admin/); every change goes through the PEP. */
export function AdminView(_props: ViewProps) {
  return <PolicyAdmin />;
}
