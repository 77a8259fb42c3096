import type { Actor } from '../../shared/domain/actors.ts';
import type { EntityJson } from './cedar-wasm.ts';
import { T } from './cedar-schema.ts';
import type { TemplateValues } from './reason-text.ts';

/** The resource as the engine sees it: labels after residency placed it ("*" for what a collection spans). */
export interface ResourceAttrs {
  type: string;
  id: string;
  tenant: string;
  region: string;
  sensitivity: string;
  purpose: string;
  pinned: boolean;
  subjectId: string | null;
}

export interface RequestAttrs {
  purpose: string;
  destinationRegion: string;
  residencyException: string;
}

/** Resource entity ids carry the type: an evidence item and a ticket may share an id. */
export function resourceUid(r: { type: string; id: string }): { type: string; id: string } {
  return { type: T.resource, id: `${r.type}/${r.id}` };
}

/**
 * The entity slice for one request, built from the store's view: the actor with its roles
 * as parents, those roles, the resource, and the data subject with the purposes its consent
 * is granted for. Nothing the caller merely asserts about the actor is used.
 */
export function buildEntities(actor: Actor, resource: ResourceAttrs, grantedPurposes: readonly string[] | null): EntityJson[] {
  const roles = [...new Set(actor.roles)].sort();
  const entities: EntityJson[] = [
    {
      uid: { type: T.actor, id: actor.id },
      attrs: { tenant: actor.tenant, region: actor.region },
      parents: roles.map((r) => ({ type: T.role, id: r })),
    },
    ...roles.map((r): EntityJson => ({ uid: { type: T.role, id: r }, attrs: {}, parents: [] })),
  ];
  const attrs: EntityJson['attrs'] = {
    kind: resource.type,
    tenant: resource.tenant,
    region: resource.region,
    sensitivity: resource.sensitivity,
    purpose: resource.purpose,
    pinned: resource.pinned,
  };
  if (resource.subjectId !== null) {
    attrs.subject = { __entity: { type: T.subject, id: resource.subjectId } };
    entities.push({ uid: { type: T.subject, id: resource.subjectId }, attrs: { granted: [...(grantedPurposes ?? [])].sort() }, parents: [] });
  }
  entities.push({ uid: resourceUid(resource), attrs, parents: [] });
  return entities;
}

export function templateValues(action: string, actor: Actor, resource: ResourceAttrs, ctx: RequestAttrs): TemplateValues {
  return {
    action,
    'principal.id': actor.id,
    'principal.tenant': actor.tenant,
    'principal.region': actor.region,
    'resource.id': resource.id,
    'resource.kind': resource.type,
    'resource.tenant': resource.tenant,
    'resource.region': resource.region,
    'resource.sensitivity': resource.sensitivity,
    'resource.purpose': resource.purpose,
    'resource.subject': resource.subjectId ?? '(none)',
    'context.purpose': ctx.purpose,
    'context.destinationRegion': ctx.destinationRegion,
    'context.residencyException': ctx.residencyException || '(none)',
  };
}
