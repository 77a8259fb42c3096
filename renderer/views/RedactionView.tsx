import { CapabilityPending } from '../components/CapabilityPending.tsx';
import type { ViewProps } from './view-props.ts';

export function RedactionView(_props: ViewProps) {
  return (
    <CapabilityPending title="Redaction" capability="redaction" summary="Purge vectors by retention policy, after seeing exactly what would go.">
      <ul>
        <li>A retention plan built from the policies and consents in force.</li>
        <li>A dry-run diff: which vectors, in which shards, would be purged and why — before anything is deleted.</li>
        <li>Applying the plan in checkpoints, with progress, cancel and resume.</li>
      </ul>
    </CapabilityPending>
  );
}
