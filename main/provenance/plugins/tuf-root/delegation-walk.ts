import type { Metadata, Root, Snapshot, TargetFile, Targets } from '@tufjs/models';
import { checkLengthAndHashes } from './digests.ts';
import { checkNotExpired } from './expiry.ts';
import { readMetadata } from './fetch-file.ts';
import type { TufLimits } from './limits.ts';
import { parseMetadata } from './parse-metadata.ts';
import type { RepositorySource } from './repo-source.ts';
import { TufVerifyError } from './reasons.ts';
import { checkThreshold } from './signatures.ts';
import { metadataFileName } from './target-path.ts';

export interface WalkContext {
  source: RepositorySource;
  root: Metadata<Root>;
  snapshot: Metadata<Snapshot>;
  at: Date;
  limits: TufLimits;
}

export interface WalkResult {
  /** Top-level targets version (loaded whatever else happens). */
  targetsVersion: number;
  /** Roles from "targets" down to the role listing the target. */
  delegationPath: string[];
  target: TargetFile;
}

interface Loaded {
  md: Metadata<Targets>;
  /** Delegated role names in the order the metadata lists them (the models' map can reorder them). */
  roleOrder: string[];
}

/**
 * Client workflow 5.6 / 5.7: loads targets, then searches the delegation graph pre-order,
 * depth first, in listed order; a matching terminating delegation ends the search after its
 * subtree (tuf-js's order and semantics). Any role that fails to load fails the whole search.
 */
export async function findTarget(ctx: WalkContext, targetName: string, onTargetsLoaded: (version: number) => void): Promise<WalkResult> {
  type Entry = { role: string; parent: Loaded | undefined; parentLabel: string; path: string[] };
  const stack: Entry[] = [{ role: 'targets', parent: undefined, parentLabel: `root v${ctx.root.signed.version}`, path: ['targets'] }];
  const visited: string[] = [];
  let targetsVersion = 0;
  while (visited.length <= ctx.limits.maxDelegations && stack.length > 0) {
    const { role, parent, parentLabel, path } = stack.pop()!;
    if (visited.includes(role)) continue;
    const loaded = await loadRole(ctx, role, parent?.md ?? ctx.root, parentLabel);
    if (role === 'targets') {
      targetsVersion = loaded.md.signed.version;
      onTargetsLoaded(targetsVersion);
    }
    const targets = loaded.md.signed.targets;
    const hit = Object.hasOwn(targets, targetName) ? targets[targetName] : undefined;
    if (hit) return { targetsVersion, delegationPath: path, target: hit };
    visited.push(role);
    const children: Entry[] = [];
    for (const { name, terminating } of rolesForTarget(loaded, targetName)) {
      children.push({ role: name, parent: loaded, parentLabel: role, path: [...path, name] });
      if (terminating) {
        stack.length = 0;
        break;
      }
    }
    stack.push(...children.reverse());
  }
  const limit = stack.length > 0 ? `; stopped after ${visited.length} roles (limit ${ctx.limits.maxDelegations})` : '';
  throw new TufVerifyError('TARGET_NOT_FOUND', `no trusted role lists ${JSON.stringify(targetName)} (searched ${visited.join(', ')}${limit})`, 'target');
}

function* rolesForTarget(loaded: Loaded, targetName: string): Generator<{ name: string; terminating: boolean }> {
  const d = loaded.md.signed.delegations;
  if (!d) return;
  if (d.roles) {
    for (const name of loaded.roleOrder) {
      const r = d.roles[name];
      if (r?.isDelegatedPath(targetName)) yield { name, terminating: r.terminating };
    }
  } else if (d.succinctRoles) {
    yield { name: d.succinctRoles.getRoleForTarget(targetName), terminating: true };
  }
}

/** Client workflow 5.6.1–5.6.5 for one targets role. */
async function loadRole(ctx: WalkContext, role: string, delegator: Metadata<Root> | Metadata<Targets>, delegatorLabel: string): Promise<Loaded> {
  const key = `${role}.json`;
  const meta = Object.hasOwn(ctx.snapshot.signed.meta, key) ? ctx.snapshot.signed.meta[key] : undefined;
  if (!meta) throw new TufVerifyError('MISSING_METADATA', `snapshot does not list ${key}`, role);
  const file = metadataFileName(role, ctx.root.signed.consistentSnapshot ? meta.version : undefined);
  const bytes = await readMetadata(ctx.source, file, meta.length ?? ctx.limits.targetsMaxLength, role, meta.length);
  if (!bytes) throw new TufVerifyError('MISSING_METADATA', `metadata/${file} not found`, role);
  checkLengthAndHashes(bytes, meta, file, role);
  const { md, signed } = parseMetadata('targets', bytes, file, role);
  checkThreshold(delegator, delegatorLabel, role, md, role);
  if (md.signed.version !== meta.version) {
    throw new TufVerifyError('VERSION_MISMATCH', `${file} has version ${md.signed.version}, snapshot records ${meta.version}`, role);
  }
  checkNotExpired(md.signed, role, role, ctx.at);
  return { md, roleOrder: delegatedRoleOrder(signed) };
}

function delegatedRoleOrder(signed: Record<string, unknown>): string[] {
  const roles = (signed.delegations as { roles?: unknown } | undefined)?.roles;
  return Array.isArray(roles) ? roles.map((r) => String((r as { name?: unknown }).name)) : [];
}
