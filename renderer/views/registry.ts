import type { ComponentType } from 'react';
import type { RouteId } from '../state/routes.ts';
import type { ViewProps } from './view-props.ts';
import { HomeView } from './HomeView.tsx';
import { VerifyView } from './VerifyView.tsx';
import { AppealsView } from './AppealsView.tsx';
import { ResidencyView } from './ResidencyView.tsx';
import { OptimizerView } from './OptimizerView.tsx';
import { ControlMapView } from './ControlMapView.tsx';
import { RedactionView } from './RedactionView.tsx';
import { AuditPackView } from './AuditPackView.tsx';
import { AdminView } from './AdminView.tsx';

/** One file per view: a capability that ships its view replaces that file, nothing else. */
export const VIEWS: Record<RouteId, ComponentType<ViewProps>> = {
  home: HomeView,
  verify: VerifyView,
  appeals: AppealsView,
  residency: ResidencyView,
  optimizer: OptimizerView,
  controlMap: ControlMapView,
  redaction: RedactionView,
  auditPack: AuditPackView,
  admin: AdminView,
};
