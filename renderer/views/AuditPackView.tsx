import { CapabilityPending } from '../components/CapabilityPending.tsx';
import type { ViewProps } from './view-props.ts';

export function AuditPackView(_props: ViewProps) {
  return (
    <CapabilityPending title="Audit pack" capability="auditPack" summary="An auditor-ready, signed export of what the auditor asked for.">
      <ul>
        <li>Choose scope and period; the workbench collects evidence, the control map and an audit-trail extract.</li>
        <li>A PDF report and a deterministic archive — the same inputs give byte-identical packs.</li>
        <li>The pack signed, with progress while it builds and the digest to hand over.</li>
      </ul>
    </CapabilityPending>
  );
}
