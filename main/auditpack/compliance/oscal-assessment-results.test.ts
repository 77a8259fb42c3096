import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PACK_PATHS } from '../pack-paths.ts';
import type { DeriveInput } from '../pack-file.ts';
import { evaluateControlMap } from './control-map.ts';
import { CONTROLS } from './controls.ts';
import { assessmentResults, deterministicUuid, OSCAL_PROP_NS } from './oscal-assessment-results.ts';
import { CRAFTED_AT, daysBefore, fullDeriveInput, withEntry } from './testing/crafted-input.ts';

const CORPUS_EXAMPLE = fileURLToPath(new URL('../../../../shared/corpus/oscal/ifa_assessment-results-example.json', import.meta.url));
const PLAN = { path: PACK_PATHS.controlMapJson, sha256: 'ab'.repeat(32), mediaType: 'application/json', title: 'Control map' };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

type J = Record<string, unknown>;
const build = (input: DeriveInput) => assessmentResults(input, evaluateControlMap(input), PLAN) as { 'assessment-results': J };
const doc = (input: DeriveInput) => build(input)['assessment-results'] as J & {
  metadata: J;
  'import-ap': { href: string };
  results: Array<J & { observations: J[]; findings: J[]; 'reviewed-controls': J }>;
  'back-matter': { resources: Array<J & { uuid: string; rlinks: Array<{ href: string; hashes: Array<{ algorithm: string; value: string }> }> }> };
};

/** Every key path in a JSON value, arrays collapsed to "[]" (the document's shape, not its values). */
function shape(v: unknown, at = '', out = new Set<string>()): Set<string> {
  if (Array.isArray(v)) for (const x of v) shape(x, `${at}[]`, out);
  else if (v !== null && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      out.add(`${at}/${k}`);
      shape(x, `${at}/${k}`, out);
    }
  }
  return out;
}

/** Parts of NIST's example the workbench has nothing to put in (optional in OSCAL 1.1.2); everything else must be there. */
const UNUSED_OPTIONAL = [
  '/assessment-results/metadata/roles',
  '/assessment-results/metadata/responsible-parties',
  '/assessment-results/metadata/parties[]/member-of-organizations',
  '/assessment-results/metadata/parties[]/short-name',
  '/assessment-results/metadata/parties[]/links',
  '/assessment-results/local-definitions',
  '/assessment-results/results[]/local-definitions',
  '/assessment-results/results[]/risks',
  '/assessment-results/results[]/observations[]/subjects',
  '/assessment-results/results[]/findings[]/implementation-statement-uuid',
  '/assessment-results/results[]/findings[]/related-risks',
];

describe('deterministicUuid', () => {
  it('formats SHA-256 of (org, at, name) as an RFC 4122 version-5 UUID, the same every time', () => {
    const a = deterministicUuid('acme', CRAFTED_AT, 'control:CW-AU-01');
    expect(a).toMatch(UUID);
    expect(deterministicUuid('acme', CRAFTED_AT, 'control:CW-AU-01')).toBe(a);
    expect(deterministicUuid('acme', daysBefore(1), 'control:CW-AU-01')).not.toBe(a);
    expect(deterministicUuid('globex', CRAFTED_AT, 'control:CW-AU-01')).not.toBe(a);
    expect(deterministicUuid('acme', CRAFTED_AT, 'control:CW-AU-02')).not.toBe(a);
  });
});

describe('assessmentResults', () => {
  it.skipIf(!existsSync(CORPUS_EXAMPLE))('has the structure of the NIST OSCAL 1.1.2 assessment-results example', () => {
    const example = JSON.parse(readFileSync(CORPUS_EXAMPLE, 'utf8')) as J;
    const ours = shape(build(fullDeriveInput()));
    const expected = [...shape(example)].filter((p) => !UNUSED_OPTIONAL.some((u) => p === u || p.startsWith(`${u}/`) || p.startsWith(`${u}[]`)));
    expect(expected.filter((p) => !ours.has(p))).toEqual([]);
    // The example's version and the vocabulary it uses.
    const ex = example['assessment-results'] as { metadata: J; results: Array<{ observations: J[]; findings: Array<{ target: J }> }> };
    expect(doc(fullDeriveInput()).metadata['oscal-version']).toBe(ex.metadata['oscal-version']);
    expect(ex.results[0]!.findings[0]!.target.type).toBe('objective-id');
  });
  if (!existsSync(CORPUS_EXAMPLE)) it.skip(`corpus example not found at ${CORPUS_EXAMPLE}: structure not compared`, () => {});

  it('fills metadata, import-ap, the result period and reviewed controls', () => {
    const d = doc(fullDeriveInput());
    expect(d.uuid).toBe(deterministicUuid('acme', CRAFTED_AT, 'assessment-results'));
    expect(d.metadata).toMatchObject({ title: 'Compliance Workbench audit pack assessment results for acme', 'last-modified': CRAFTED_AT, version: CRAFTED_AT, 'oscal-version': '1.1.2' });
    expect(d.metadata.parties).toEqual([{ uuid: deterministicUuid('acme', CRAFTED_AT, 'party:organization'), type: 'organization', name: 'acme' }]);
    const r = d.results[0]!;
    expect([r.start, r.end]).toEqual(['2025-11-28T12:00:00.000Z', CRAFTED_AT]);
    expect(r['reviewed-controls']).toEqual({ 'control-selections': [{ 'include-controls': CONTROLS.map((c) => ({ 'control-id': c.controlId })).sort((a, b) => (a['control-id'] < b['control-id'] ? -1 : 1)) }] });
    // import-ap cites the control map through a back-matter resource carrying its hash.
    const plan = d['back-matter'].resources.find((x) => `#${x.uuid}` === d['import-ap'].href);
    expect(plan?.rlinks).toEqual([{ href: 'compliance/control-map.json', 'media-type': 'application/json', hashes: [{ algorithm: 'SHA-256', value: PLAN.sha256 }] }]);
  });

  it('lists one back-matter resource per pack file with its path and SHA-256, and every relevant-evidence href resolves to one with the entry hash', () => {
    const input = fullDeriveInput();
    const d = doc(input);
    const resources = d['back-matter'].resources;
    expect(resources.map((x) => x.rlinks[0]!.href)).toEqual([...input.entries.map((e) => e.path), PLAN.path].sort());
    for (const x of resources) expect(x.uuid).toMatch(UUID);
    const byHref = new Map(resources.map((x) => [`#${x.uuid}`, x]));
    let cited = 0;
    for (const o of d.results[0]!.observations) {
      for (const ev of o['relevant-evidence'] as Array<{ href?: string; description: string }>) {
        const res = byHref.get(ev.href!);
        expect(res, `${o.title as string} → ${ev.href}`).toBeDefined();
        const entry = input.entries.find((e) => e.path === res!.rlinks[0]!.href)!;
        expect(res!.rlinks[0]!.hashes).toEqual([{ algorithm: 'SHA-256', value: entry.sha256 }]);
        expect(ev.description.startsWith(entry.path)).toBe(true);
        cited++;
      }
    }
    expect(cited).toBeGreaterThan(CONTROLS.length);
  });

  it('writes one observation and one finding per control, satisfied only when present', () => {
    let input = withEntry(fullDeriveInput({ 'chaos.failed': 1 }), PACK_PATHS.sloPropagation, { asOf: daysBefore(40) });
    input = withEntry(input, PACK_PATHS.sbom, null);
    const d = doc(input);
    const { observations, findings } = d.results[0]!;
    expect(observations).toHaveLength(CONTROLS.length);
    expect(findings).toHaveLength(CONTROLS.length);
    const obs = (id: string) => observations.find((o) => (o.title as string).startsWith(`${id} `))!;
    const fin = (id: string) => findings.find((f) => (f.title as string).startsWith(`${id}:`))!;

    expect(obs('CW-BC-01')).toMatchObject({ methods: ['TEST'], types: ['control-objective'], collected: CRAFTED_AT, remarks: '1 fault-injection drill failed in the period.' });
    expect(obs('CW-BC-01').expires).toBe('2027-02-26T12:00:00.000Z');
    expect(fin('CW-BC-01')).toMatchObject({
      target: { type: 'objective-id', 'target-id': 'CW-BC-01_obj', status: { state: 'not-satisfied', reason: 'fail' } },
      'related-observations': [{ 'observation-uuid': obs('CW-BC-01').uuid }],
    });
    expect(obs('CW-AC-02').collected).toBe(daysBefore(40));
    expect(fin('CW-AC-02').target).toMatchObject({ status: { state: 'not-satisfied', reason: 'other' } });
    expect(obs('CW-SC-01')['relevant-evidence']).toEqual([{ description: 'Expected sbom/workbench.cdx.json: not in the pack.' }]);
    expect(fin('CW-SC-01').description).toBe('Evidence not in the pack: sbom/workbench.cdx.json.');
    expect(obs('CW-AU-01')).toMatchObject({ methods: ['EXAMINE'], collected: CRAFTED_AT });
    expect(obs('CW-AU-01').remarks).toBe('Evidence present: every file is in the pack, holds records where records matter and is within the freshness window.');
    expect(obs('CW-AU-01').expires).toBeUndefined();
    expect(obs('CW-AU-01').props).toEqual([
      { name: 'control-kind', ns: OSCAL_PROP_NS, value: 'system-control' },
      { name: 'soc2-tsc', ns: OSCAL_PROP_NS, value: 'CC7.2' },
      { name: 'soc2-tsc', ns: OSCAL_PROP_NS, value: 'CC6.1' },
      { name: 'iso27001-2022-annex-a', ns: OSCAL_PROP_NS, value: 'A.8.15' },
      { name: 'iso27001-2022-annex-a', ns: OSCAL_PROP_NS, value: 'A.5.28' },
      { name: 'evidence-status', ns: OSCAL_PROP_NS, value: 'present' },
    ]);
    expect(fin('CW-AU-01').target).toMatchObject({ status: { state: 'satisfied', reason: 'pass' } });
    for (const o of observations) expect(o.uuid).toMatch(UUID);
    expect(new Set([...observations, ...findings].map((x) => x.uuid)).size).toBe(2 * CONTROLS.length);
  });

  it('is the same object for the same input and differs with the reference time', () => {
    expect(JSON.stringify(build(fullDeriveInput()))).toBe(JSON.stringify(build(fullDeriveInput())));
    const later = { ...fullDeriveInput(), at: '2026-11-29T12:00:00.000Z' };
    expect(doc(later).uuid).not.toBe(doc(fullDeriveInput()).uuid);
  });

  it('refuses a bad period with BAD_INPUT naming the field', () => {
    const input = { ...fullDeriveInput(), period: { from: 'then', to: CRAFTED_AT } };
    expect(() => build(input)).toThrow('period.from: not an ISO time: "then"');
  });
});
