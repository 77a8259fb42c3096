import type { ViewProps } from './view-props.ts';
import { OptimizerView as CostGuardOptimizer } from './optimizer/OptimizerView.tsx';

/** Cost Guard's optimizer guidance (renderer/views/optimizer/). */
export function OptimizerView(_props: ViewProps) {
  return <CostGuardOptimizer />;
}
