import { CapabilityPending } from '../components/CapabilityPending.tsx';
import type { ViewProps } from './view-props.ts';

export function ResidencyView(_props: ViewProps) {
  return (
    <CapabilityPending title="Residency" capability="residency" summary="Where each tenant's data lives, and whether that matches where it is pinned.">
      <ul>
        <li>Per tenant and region: evidence and vector data held, against the tenant's residency pins.</li>
        <li>Items outside their pinned region, flagged as violations.</li>
        <li>Cross-region access the residency guard blocked, from the audit trail.</li>
        <li>A residency report you can export for the audit pack.</li>
      </ul>
    </CapabilityPending>
  );
}
