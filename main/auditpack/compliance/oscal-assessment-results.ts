import { createHash } from 'node:crypto';
import type { AuditPackIndexEntry, ControlMapRow } from '../../../shared/domain/audit-pack.ts';
import { WorkbenchError } from '../../../shared/api/errors.ts';
import type { DeriveInput } from '../pack-file.ts';
import { byteOrder, newestAsOf, parseTime, resolveEvidence } from './control-map.ts';
import { CONTROLS, type ControlDefinition } from './controls.ts';

/**
 * compliance/assessment-results.json: the control map as an OSCAL 1.1.2 assessment-results
 * document, so GRC tools can import it. Shape follows NIST's published example (metadata,
 * import-ap, results with reviewed-controls, observations and findings) plus back-matter
 * resources that carry each evidence file's pack path and SHA-256.
 */

export const OSCAL_VERSION = '1.1.2';
/** Namespace of the workbench's own props (OSCAL requires one for names it does not define). */
export const OSCAL_PROP_NS = 'https://compliance-workbench.dev/ns/oscal';

/**
 * A name-based UUID: the first 16 bytes of SHA-256(org, at, name) with the RFC 4122 version
 * nibble set to 5 and the variant bits to 10 — v5-style (RFC 4122 v5 proper uses SHA-1), so
 * the same pack inputs always give the same ids and different names never collide in practice.
 */
export function deterministicUuid(org: string, at: string, name: string): string {
  const b = createHash('sha256').update(`${org}\n${at}\n${name}`, 'utf8').digest().subarray(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x50;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The file that plays the assessment plan: which controls are assessed and with which evidence. */
export interface AssessmentPlanFile {
  path: string;
  sha256: string;
  mediaType: string;
  title: string;
}

type Json = string | number | boolean | null | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };

const DAY_MS = 86_400_000;

function prop(name: string, value: string): Obj {
  return { name, ns: OSCAL_PROP_NS, value };
}

function resource(uuid: string, title: string, path: string, mediaType: string, sha256: string, props: Obj[]): Obj {
  return {
    uuid,
    title,
    props,
    rlinks: [{ href: path, 'media-type': mediaType, hashes: [{ algorithm: 'SHA-256', value: sha256 }] }],
  };
}

function describeEntry(e: AuditPackIndexEntry): string {
  const parts = [`${e.path}`, `${e.size} bytes`];
  if (e.records !== undefined) parts.push(`${e.records} records`);
  if (e.asOf !== undefined) parts.push(`as of ${e.asOf}`);
  return parts.join(', ');
}

/**
 * The OSCAL document for the judged control map. `plan` is the pack file cited by import-ap
 * (compliance/control-map.json): OSCAL lets an href be "#<uuid>" of a back-matter resource, and
 * the pack holds no separate assessment-plan document, so import-ap points at a resource for
 * the control map — the list of controls and the evidence each is assessed against — with its hash.
 */
export function assessmentResults(
  input: DeriveInput,
  rows: readonly ControlMapRow[],
  plan: AssessmentPlanFile,
  controls: readonly ControlDefinition[] = CONTROLS,
): Obj {
  const { org, at } = input;
  const atMs = parseTime(at, 'at');
  parseTime(input.period.from, 'period.from');
  parseTime(input.period.to, 'period.to');
  const uuid = (name: string) => deterministicUuid(org, at, name);
  const byId = new Map(controls.map((c) => [c.controlId, c]));

  const entries = [...input.entries].sort((a, b) => byteOrder(a.path, b.path));
  const resourceUuid = new Map(entries.map((e) => [e.path, uuid(`resource:${e.path}`)]));
  if (resourceUuid.has(plan.path)) throw new WorkbenchError('BAD_INPUT', `plan.path: ${plan.path} is already a collected entry`, { path: 'plan.path' });
  const planUuid = uuid(`resource:${plan.path}`);
  const resources = [
    ...entries.map((e) => ({
      path: e.path,
      obj: resource(resourceUuid.get(e.path)!, e.title, e.path, e.mediaType, e.sha256, [prop('pack-section', e.section), ...(e.asOf ? [prop('as-of', e.asOf)] : [])]),
    })),
    { path: plan.path, obj: resource(planUuid, plan.title, plan.path, plan.mediaType, plan.sha256, [prop('pack-section', 'compliance')]) },
  ]
    .sort((a, b) => byteOrder(a.path, b.path))
    .map((r) => r.obj);

  const observations: Obj[] = [];
  const findings: Obj[] = [];
  for (const row of rows) {
    const def = byId.get(row.controlId);
    if (!def) throw new WorkbenchError('BAD_INPUT', `rows: control ${row.controlId} is not in the catalogue`, { path: 'rows', controlId: row.controlId });
    const evidence: Obj[] = [];
    const cited: AuditPackIndexEntry[] = [];
    for (const pointer of row.evidence) {
      const files = resolveEvidence(pointer, entries);
      if (files.length === 0) evidence.push({ description: `Expected ${pointer}: not in the pack.` });
      for (const f of files) {
        cited.push(f);
        evidence.push({ href: `#${resourceUuid.get(f.path)!}`, description: describeEntry(f) });
      }
    }
    const collected = newestAsOf(cited.filter((e) => Date.parse(e.asOf ?? '') <= atMs)) ?? at;
    const observationUuid = uuid(`observation:${row.controlId}`);
    const observation: Obj = {
      uuid: observationUuid,
      title: `${row.controlId} ${row.title}`,
      description: def.description,
      props: [
        prop('control-kind', row.kind),
        ...row.soc2.map((id) => prop('soc2-tsc', id)),
        ...row.iso27001.map((id) => prop('iso27001-2022-annex-a', id)),
        prop('evidence-status', row.status),
      ],
      methods: [def.method],
      types: ['control-objective'],
      'relevant-evidence': evidence,
      collected,
    };
    if (def.freshness) observation.expires = new Date(Date.parse(collected) + def.freshness.days * DAY_MS).toISOString();
    observation.remarks = row.statusReason || 'Evidence present: every file is in the pack, holds records where records matter and is within the freshness window.';
    observations.push(observation);

    const satisfied = row.status === 'present';
    findings.push({
      uuid: uuid(`finding:${row.controlId}`),
      title: `${row.controlId}: evidence ${row.status}`,
      description: satisfied
        ? `Every evidence file for ${row.controlId} is in the pack, holds records where records matter, is fresh, and no collected fact reports a failed check.`
        : row.statusReason,
      target: {
        type: 'objective-id',
        'target-id': `${row.controlId}_obj`,
        description: `Whether the audit pack evidences ${row.controlId} as of ${at}.`,
        status: { state: satisfied ? 'satisfied' : 'not-satisfied', reason: satisfied ? 'pass' : row.status === 'missing' ? 'fail' : 'other' },
      },
      'related-observations': [{ 'observation-uuid': observationUuid }],
    });
  }

  return {
    'assessment-results': {
      uuid: uuid('assessment-results'),
      metadata: {
        title: `Compliance Workbench audit pack assessment results for ${org}`,
        'last-modified': at,
        version: at,
        'oscal-version': OSCAL_VERSION,
        parties: [{ uuid: uuid('party:organization'), type: 'organization', name: org }],
        remarks: `Generated by Compliance Workbench ${input.workbenchVersion} from the audit pack's collected evidence as of ${at}. Control ids are the workbench's own (docs/control-narrative.md); SOC 2 and ISO/IEC 27001:2022 ids are carried as props.`,
      },
      'import-ap': { href: `#${planUuid}` },
      results: [
        {
          uuid: uuid('result'),
          title: `Audit pack evidence review, ${input.period.from} to ${input.period.to}`,
          description: `Each workbench control judged from the evidence in the audit pack: present, missing or stale as of ${at}.`,
          start: input.period.from,
          end: input.period.to,
          'reviewed-controls': { 'control-selections': [{ 'include-controls': rows.map((r) => ({ 'control-id': r.controlId })) }] },
          observations,
          findings,
        },
      ],
      'back-matter': { resources },
    },
  };
}
