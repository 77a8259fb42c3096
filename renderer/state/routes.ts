import type { Capability } from '../../shared/api/system.ts';

export const ROUTE_IDS = ['home', 'verify', 'appeals', 'residency', 'optimizer', 'controlMap', 'redaction', 'auditPack', 'admin'] as const;
export type RouteId = (typeof ROUTE_IDS)[number];

export interface RouteSpec {
  id: RouteId;
  /** The hash path, e.g. `/verify`; views are linkable as `#/verify`. */
  path: string;
  label: string;
  /** The capability the view needs; the home view needs only the foundation. */
  capability: Capability | null;
}

/** Navigation order is this order. */
export const ROUTES: readonly RouteSpec[] = [
  { id: 'home', path: '/', label: 'Evidence & audit', capability: null },
  { id: 'verify', path: '/verify', label: 'Verify', capability: 'verify' },
  { id: 'appeals', path: '/appeals', label: 'Appeals', capability: 'appeals' },
  { id: 'residency', path: '/residency', label: 'Residency', capability: 'residency' },
  { id: 'optimizer', path: '/optimizer', label: 'Optimizer', capability: 'optimizer' },
  { id: 'controlMap', path: '/control-map', label: 'Control map', capability: 'controlMap' },
  { id: 'redaction', path: '/redaction', label: 'Redaction', capability: 'redaction' },
  { id: 'auditPack', path: '/audit-pack', label: 'Audit pack', capability: 'auditPack' },
  { id: 'admin', path: '/admin', label: 'Admin', capability: null },
];

export type Route =
  | { kind: 'view'; id: RouteId; /** Path segments after the view's own, e.g. ['new'] for #/appeals/new. */ rest: string[]; params: Record<string, string> }
  | { kind: 'unknown'; path: string };

export function hrefOf(id: RouteId): string {
  return '#' + ROUTES.find((r) => r.id === id)!.path;
}

/**
 * `#/appeals/new?denial=ae-000003` → the appeals view with rest ['new'] and params
 * {denial: 'ae-000003'}. An empty hash (or `#`, `#/`) is the home view.
 */
export function parseHash(hash: string): Route {
  const raw = hash.startsWith('#') ? hash.slice(1) : hash;
  const q = raw.indexOf('?');
  const pathPart = q === -1 ? raw : raw.slice(0, q);
  const params: Record<string, string> = {};
  if (q !== -1) for (const [k, v] of new URLSearchParams(raw.slice(q + 1))) params[k] = v;
  let segments: string[];
  try {
    segments = pathPart.split('/').filter(Boolean).map((s) => decodeURIComponent(s));
  } catch {
    return { kind: 'unknown', path: pathPart };
  }
  if (segments.length === 0) return { kind: 'view', id: 'home', rest: [], params };
  const spec = ROUTES.find((r) => r.path === '/' + segments[0]);
  if (!spec) return { kind: 'unknown', path: '/' + segments.join('/') };
  return { kind: 'view', id: spec.id, rest: segments.slice(1), params };
}
