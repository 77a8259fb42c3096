import { Metadata, MetadataKind } from '@tufjs/models';
import type { Root, Snapshot, Targets, Timestamp } from '@tufjs/models';
import { TufVerifyError } from './reasons.ts';

type Kinds = { root: Root; timestamp: Timestamp; snapshot: Snapshot; targets: Targets };
type Kind = keyof Kinds;

const KIND: Record<Kind, MetadataKind> = {
  root: MetadataKind.Root,
  timestamp: MetadataKind.Timestamp,
  snapshot: MetadataKind.Snapshot,
  targets: MetadataKind.Targets,
};

/** The models' view and the raw `signed` object (whose arrays keep the order the models' maps lose). */
export interface Parsed<T extends Root | Timestamp | Snapshot | Targets> {
  md: Metadata<T>;
  signed: Record<string, unknown>;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Parses metadata bytes as the given kind. Beyond what @tufjs/models checks, it requires an
 * integer version ≥ 1 and the `meta` the models would otherwise default (a timestamp with
 * no `meta` would silently stand for snapshot v1). `label` names the file in errors.
 */
export function parseMetadata<K extends Kind>(kind: K, bytes: Uint8Array, label: string, role: string): Parsed<Kinds[K]> {
  let json: unknown;
  try {
    json = JSON.parse(utf8.decode(bytes));
  } catch (e) {
    throw new TufVerifyError('MALFORMED', `${label} is not UTF-8 JSON: ${e instanceof Error ? e.message : String(e)}`, role);
  }
  const signed = isObject(json) ? json.signed : undefined;
  if (!isObject(json) || !isObject(signed)) throw new TufVerifyError('MALFORMED', `${label} has no "signed" object`, role);
  if (signed._type !== kind) throw new TufVerifyError('MALFORMED', `${label} is of type ${JSON.stringify(signed._type)}, expected "${kind}"`, role);
  if (typeof signed.version !== 'number' || !Number.isSafeInteger(signed.version) || signed.version < 1) {
    throw new TufVerifyError('MALFORMED', `${label} has version ${JSON.stringify(signed.version)}, expected an integer ≥ 1`, role);
  }
  if (kind === 'timestamp' && !(isObject(signed.meta) && isObject(signed.meta['snapshot.json']))) {
    throw new TufVerifyError('MALFORMED', `${label} does not record snapshot.json in meta`, role);
  }
  if (kind === 'snapshot' && !isObject(signed.meta)) throw new TufVerifyError('MALFORMED', `${label} has no meta`, role);
  try {
    // The overloads of fromJSON are per literal kind; the cast restores the pairing K ↔ Kinds[K].
    const md = Metadata.fromJSON(KIND[kind] as MetadataKind.Root, json as never) as unknown as Metadata<Kinds[K]>;
    return { md, signed };
  } catch (e) {
    throw new TufVerifyError('MALFORMED', `${label}: ${e instanceof Error ? e.message : String(e)}`, role);
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
