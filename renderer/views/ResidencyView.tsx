import type { ViewProps } from './view-props.ts';
import { ResidencyView as ResidencyReport } from './residency/ResidencyView.tsx';

/** The residency report (renderer/views/residency/). */
export function ResidencyView(_props: ViewProps) {
  return <ResidencyReport />;
}
