import { CapabilityPending } from '../components/CapabilityPending.tsx';
import type { ViewProps } from './view-props.ts';

export function ControlMapView(_props: ViewProps) {
  return (
    <CapabilityPending title="Control map" capability="controlMap" summary="Which evidence satisfies which control, and where the gaps are.">
      <ul>
        <li>Controls of the frameworks you audit against, each mapped to the evidence items that support it.</li>
        <li>Controls with no or stale evidence, highlighted as gaps.</li>
        <li>The same map that goes into the audit pack.</li>
      </ul>
    </CapabilityPending>
  );
}
