import type { ViewProps } from './view-props.ts';
import { ControlMapView as ControlMapScreen } from './controlmap/ControlMapView.tsx';

/** The control map of the latest audit pack, its evidence and status (renderer/views/controlmap/). */
export function ControlMapView(_props: ViewProps) {
  return <ControlMapScreen />;
}
