import type { DenialCause, MinimizationSuggestion, RequestShape } from '../../shared/api/appeals.ts';
import type { Actor } from '../../shared/domain/actors.ts';
import type { AuditEvent } from '../../shared/domain/audit.ts';
import type { Labels } from '../../shared/domain/evidence.ts';
import type { Pdp, PolicyDecision } from '../policy/pdp.ts';
import type { Store } from '../store/store.ts';

/** Sensitivity from least to most protected. */
export const SENSITIVITY_LADDER: readonly Labels['sensitivity'][] = ['public', 'internal', 'confidential', 'restricted'];

/**
 * Purposes that ask for less than another: proposing one of these instead of the denied
 * purpose is "a narrower purpose". Deployments override it; the default covers the demo
 * purposes.
 */
export const DEFAULT_NARROWER_PURPOSES: Readonly<Record<string, readonly string[]>> = {
  analytics: ['aggregate-analytics'],
  marketing: ['aggregate-analytics'],
  security: ['vulnerability-management'],
  compliance: ['audit'],
  audit: ['access-review'],
};

const LABEL_KEYS = ['tenant', 'region', 'sensitivity', 'purpose'] as const;

function isLabels(v: unknown): v is Partial<Labels> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  return Object.entries(v).every(([k, x]) => (LABEL_KEYS as readonly string[]).includes(k) && typeof x === 'string');
}

/**
 * The request a denial refused, rebuilt from its audit event: the labels the PEP recorded,
 * else the labels of the resource it names (an evidence item, or a tenant-wide list); the
 * purpose it was made for, when the PEP recorded one, replaces the purpose label.
 */
export async function deniedRequest(event: AuditEvent, store: Pick<Store, 'getEvidence'>): Promise<RequestShape> {
  let labels: Partial<Labels> = {};
  const recorded = event.payload.labels;
  if (isLabels(recorded)) labels = { ...recorded };
  else if (event.resourceType === 'evidence') {
    if (event.resourceId.startsWith('tenant:')) {
      const tenant = event.resourceId.slice('tenant:'.length);
      if (tenant !== '*') labels = { tenant };
    } else {
      const item = await store.getEvidence(event.resourceId);
      if (item) labels = { ...item.labels };
    }
  }
  // The purpose the request served (the PEP records the request context) narrows the label.
  const context = event.payload.context as { purpose?: unknown } | undefined;
  if (typeof context?.purpose === 'string' && context.purpose !== '') labels = { ...labels, purpose: context.purpose };
  return { action: event.action, resourceType: event.resourceType, resourceId: event.resourceId, labels };
}

interface Candidate {
  kind: MinimizationSuggestion['kind'];
  title: string;
  description: string;
  request: RequestShape;
}

function candidates(req: RequestShape, narrowerPurposes: Readonly<Record<string, readonly string[]>>): Candidate[][] {
  const level = req.labels.sensitivity === undefined ? -1 : SENSITIVITY_LADDER.indexOf(req.labels.sensitivity);
  const isExport = /\.export$/.test(req.action);
  // The same resource, asked for with narrower labels: the labels carry the narrowing, so a
  // request made that way (and an exception granted for it) is decided on exactly them.
  const redacted: Candidate[] =
    isExport && level >= 2
      ? [
          {
            kind: 'redacted-export',
            title: 'A redacted export',
            description: `Export ${req.resourceId} with every field above internal masked: the same records, no ${SENSITIVITY_LADDER[level]} values.`,
            request: { ...req, labels: { ...req.labels, sensitivity: 'internal' } },
          },
        ]
      : [];
  // Fewer fields: leave out the most protected fields, one level at a time; the first level
  // the policy allows is the smallest reduction that works.
  const fewer: Candidate[] =
    level >= 2
      ? SENSITIVITY_LADDER.slice(0, level)
          .reverse()
          .map((s) => ({
            kind: 'fewer-fields' as const,
            title: `Only fields labelled ${s} or below`,
            description: `Leave out the fields labelled ${SENSITIVITY_LADDER.slice(SENSITIVITY_LADDER.indexOf(s) + 1, level + 1).join(' and ')}; the rest of ${req.resourceId} stays in the request.`,
            request: { ...req, labels: { ...req.labels, sensitivity: s } },
          }))
      : [];
  const purpose: Candidate[] =
    req.labels.purpose === undefined
      ? []
      : (narrowerPurposes[req.labels.purpose] ?? []).map((p) => ({
          kind: 'narrower-purpose' as const,
          title: `Purpose “${p}” instead of “${req.labels.purpose}”`,
          description: `Ask for the same data for the narrower purpose ${p}.`,
          request: { ...req, labels: { ...req.labels, purpose: p } },
        }));
  // An export is best served redacted; a read by leaving fields out.
  return isExport ? [redacted, fewer, purpose] : [fewer, purpose];
}

const sameRequest = (a: RequestShape, b: RequestShape) => JSON.stringify(a) === JSON.stringify(b);

async function allows(pdp: Pdp, actor: Actor, r: RequestShape): Promise<PolicyDecision | null> {
  try {
    const d = await pdp.decide({ actor, action: r.action, resource: { type: r.resourceType, id: r.resourceId, labels: r.labels } });
    return d.allow ? d : null;
  } catch {
    // A PDP that fails is a deny: never suggest what the policy could not confirm.
    return null;
  }
}

/**
 * Narrower requests the current policy would allow the denied actor: for each kind, the
 * first candidate the PDP allows. Hypothetical decisions are not audited: nothing is
 * accessed, and the actor must still make the narrower request through the PEP.
 */
export async function suggestMinimizations(
  pdp: Pdp,
  actor: Actor,
  req: RequestShape,
  narrowerPurposes: Readonly<Record<string, readonly string[]>> = DEFAULT_NARROWER_PURPOSES,
): Promise<MinimizationSuggestion[]> {
  const out: MinimizationSuggestion[] = [];
  for (const group of candidates(req, narrowerPurposes)) {
    for (const c of group) {
      const d = await allows(pdp, actor, c.request);
      if (!d) continue;
      // The smallest step of this kind is one already offered: nothing new to propose.
      if (!out.some((o) => sameRequest(o.request, c.request))) {
        out.push({ id: `${c.kind}:${out.length + 1}`, ...c, allowedBy: d.policyIds, epoch: d.epoch });
      }
      break;
    }
  }
  return out;
}

/**
 * The labels that caused a denial: each label that, changed alone to the value probed
 * (the actor's own tenant or region, public sensitivity, a narrower purpose), the policy
 * would allow. A denial no single label explains has no causes here; its reason stands.
 */
export async function denialCauses(
  pdp: Pdp,
  actor: Actor,
  req: RequestShape,
  narrowerPurposes: Readonly<Record<string, readonly string[]>> = DEFAULT_NARROWER_PURPOSES,
): Promise<DenialCause[]> {
  const causes: DenialCause[] = [];
  for (const label of LABEL_KEYS) {
    const value = req.labels[label];
    if (value === undefined) continue;
    const probes =
      label === 'tenant' ? [actor.tenant] : label === 'region' ? [actor.region] : label === 'sensitivity' ? ['public'] : [...(narrowerPurposes[value] ?? [])];
    for (const probe of probes) {
      if (probe === value) continue;
      if (await allows(pdp, actor, { ...req, labels: { ...req.labels, [label]: probe } })) {
        causes.push({ label, value, allowedWith: probe });
        break;
      }
    }
  }
  return causes;
}
