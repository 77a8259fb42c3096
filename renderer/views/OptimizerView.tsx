import { CapabilityPending } from '../components/CapabilityPending.tsx';
import type { ViewProps } from './view-props.ts';

export function OptimizerView(_props: ViewProps) {
  return (
    <CapabilityPending title="Optimizer" capability="optimizer" summary="Cost Guard guidance for expensive queries, before they run.">
      <ul>
        <li>Paste a SQL query: the workbench inspects its plan and estimates its cost.</li>
        <li>Hints (missing filters, full scans, unbounded joins) and suggested rewrites, side by side with the original.</li>
        <li>The rate shaping in force for your role and how much of it you have used.</li>
      </ul>
    </CapabilityPending>
  );
}
