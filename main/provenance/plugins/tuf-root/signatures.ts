import { createPublicKey } from 'node:crypto';
import { MetadataKind } from '@tufjs/models';
import type { Key, Metadata, Root, Snapshot, Targets, Timestamp } from '@tufjs/models';
import { TufVerifyError } from './reasons.ts';

type AnyMetadata = Metadata<Root | Timestamp | Snapshot | Targets>;

/** The keys and threshold a delegator grants a role, or undefined when it delegates no such role. */
export function delegationOf(delegator: Metadata<Root> | Metadata<Targets>, role: string): { keys: Record<string, Key>; keyIDs: string[]; threshold: number } | undefined {
  const signed = delegator.signed;
  if (signed.type === MetadataKind.Root) {
    const r = signed.roles[role];
    return r ? { keys: signed.keys, keyIDs: r.keyIDs, threshold: r.threshold } : undefined;
  }
  const d = signed.delegations;
  if (!d) return undefined;
  const r = d.roles ? (Object.hasOwn(d.roles, role) ? d.roles[role] : undefined) : d.succinctRoles?.isDelegatedRole(role) ? d.succinctRoles : undefined;
  return r ? { keys: d.keys, keyIDs: r.keyIDs, threshold: r.threshold } : undefined;
}

/**
 * Counts valid signatures over `md` by distinct keys the delegator trusts for `role`, and
 * throws SIGNATURE_THRESHOLD below the threshold. Unlike Metadata.verifyDelegate, a key
 * listed under two key ids counts once (the spec counts unique keys).
 */
export function checkThreshold(delegator: Metadata<Root> | Metadata<Targets>, delegatorLabel: string, role: string, md: AnyMetadata, mdLabel: string): number {
  const d = delegationOf(delegator, role);
  if (!d) throw new TufVerifyError('SIGNATURE_THRESHOLD', `${delegatorLabel} delegates no role ${JSON.stringify(role)}`, role);
  const seen = new Set<string>();
  for (const keyID of d.keyIDs) {
    const key = Object.hasOwn(d.keys, keyID) ? d.keys[keyID] : undefined;
    if (!key) continue;
    try {
      key.verifySignature(md);
    } catch {
      continue;
    }
    seen.add(keyIdentity(key));
  }
  if (seen.size < d.threshold) {
    throw new TufVerifyError('SIGNATURE_THRESHOLD', `${mdLabel} is signed by ${seen.size}/${d.threshold} keys of ${delegatorLabel}`, role);
  }
  return seen.size;
}

/** The key material itself, so one key under two ids is one signer. */
function keyIdentity(key: Key): string {
  const pub = key.keyVal.public ?? '';
  try {
    if (pub.startsWith('-----BEGIN')) return createPublicKey(pub).export({ format: 'der', type: 'spki' }).toString('hex');
  } catch {
    // fall through: an unparsable key never verified a signature anyway
  }
  if (key.keyType === 'ed25519' && /^[0-9a-fA-F]{64}$/.test(pub)) return `302a300506032b6570032100${pub.toLowerCase()}`;
  return `${key.keyType}:${pub.toLowerCase()}`;
}
