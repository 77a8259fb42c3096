import type { Route } from '../state/routes.ts';

/** Every view gets its route: sub-path segments and query parameters (e.g. an appeal's denial id). */
export interface ViewProps {
  route: Extract<Route, { kind: 'view' }>;
}
