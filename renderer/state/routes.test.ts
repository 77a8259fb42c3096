import { describe, expect, it } from 'vitest';
import { ROUTES, hrefOf, parseHash } from './routes.ts';

describe('parseHash', () => {
  it('an empty hash, # and #/ are the home view', () => {
    for (const h of ['', '#', '#/']) expect(parseHash(h)).toEqual({ kind: 'view', id: 'home', rest: [], params: {} });
  });

  it('every nav entry parses back to itself', () => {
    for (const r of ROUTES) expect(parseHash(hrefOf(r.id))).toEqual({ kind: 'view', id: r.id, rest: [], params: {} });
  });

  it('carries sub-paths and query parameters, as the appeal link uses them', () => {
    expect(parseHash('#/appeals/new?denial=ae-000028')).toEqual({ kind: 'view', id: 'appeals', rest: ['new'], params: { denial: 'ae-000028' } });
    expect(parseHash('#/control-map/')).toEqual({ kind: 'view', id: 'controlMap', rest: [], params: {} });
  });

  it('names an unknown path instead of guessing', () => {
    expect(parseHash('#/nope/x')).toEqual({ kind: 'unknown', path: '/nope/x' });
    expect(parseHash('#/%E0%A4%A')).toEqual({ kind: 'unknown', path: '/%E0%A4%A' });
  });

  it('hrefs are the hash paths in nav order', () => {
    expect(ROUTES.map((r) => hrefOf(r.id))).toEqual(['#/', '#/verify', '#/appeals', '#/residency', '#/optimizer', '#/control-map', '#/redaction', '#/audit-pack', '#/admin']);
  });
});
