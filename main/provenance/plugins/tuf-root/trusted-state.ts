import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { TufVerifyError } from './reasons.ts';

/**
 * Versions this client has trusted before, for rollback protection. A later run must not
 * accept lower ones. `rootVersion` also says which root the other versions were seen
 * under: when timestamp or snapshot keys changed since, they are no longer a baseline
 * (spec 5.3.11).
 */
export interface TrustedState {
  rootVersion?: number;
  timestampVersion?: number;
  snapshotVersion?: number;
  /** Targets roles by name (top-level "targets" included), as snapshot recorded them. */
  targetsVersions?: Record<string, number>;
}

const Version = z.number().int().min(1);
export const TrustedStateSchema = z.strictObject({
  rootVersion: Version.optional(),
  timestampVersion: Version.optional(),
  snapshotVersion: Version.optional(),
  targetsVersions: z.record(z.string().min(1), Version).optional(),
});

export function parseTrustedState(value: unknown, where = 'trustedState'): TrustedState {
  const r = TrustedStateSchema.safeParse(value);
  if (!r.success) {
    const i = r.error.issues[0]!;
    const at = i.path.length ? `${where}.${i.path.map(String).join('.')}` : where;
    throw new TufVerifyError('BAD_INPUT', `${at}: ${i.message}`);
  }
  return stripUndefined(r.data);
}

function stripUndefined(s: TrustedState): TrustedState {
  const out: TrustedState = {};
  if (s.rootVersion !== undefined) out.rootVersion = s.rootVersion;
  if (s.timestampVersion !== undefined) out.timestampVersion = s.timestampVersion;
  if (s.snapshotVersion !== undefined) out.snapshotVersion = s.snapshotVersion;
  if (s.targetsVersions !== undefined) out.targetsVersions = sortedRecord(s.targetsVersions);
  return out;
}

export function sortedRecord<T>(r: Record<string, T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const k of Object.keys(r).sort()) out[k] = r[k]!;
  return out;
}

/**
 * Reads the versions from a folder laid out like a tuf-js metadata cache: `root.json`,
 * `timestamp.json`, `snapshot.json` (its `meta` gives the targets roles' versions). Missing
 * files leave their versions unset; an unreadable or malformed file fails (the caller asked
 * for rollback protection, so it must not silently vanish). Signatures are not rechecked:
 * these are files this client already trusted, and a forged higher version can only deny.
 */
export async function loadTrustedStateDir(dir: string): Promise<TrustedState> {
  const st = await stat(dir).catch(() => undefined);
  if (!st?.isDirectory()) throw new TufVerifyError('BAD_INPUT', 'trusted state folder does not exist');
  const state: TrustedState = {};
  const root = await readSigned(dir, 'root.json', 'root');
  if (root) state.rootVersion = root.version;
  const ts = await readSigned(dir, 'timestamp.json', 'timestamp');
  if (ts) state.timestampVersion = ts.version;
  const snap = await readSigned(dir, 'snapshot.json', 'snapshot');
  if (snap) {
    state.snapshotVersion = snap.version;
    const meta = snap.signed.meta;
    if (typeof meta !== 'object' || meta === null || Array.isArray(meta)) throw new TufVerifyError('BAD_INPUT', 'trusted state snapshot.json has no meta');
    const versions: Record<string, number> = {};
    for (const [file, info] of Object.entries(meta as Record<string, unknown>)) {
      const v = (info as { version?: unknown } | null)?.version;
      if (!file.endsWith('.json') || typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) {
        throw new TufVerifyError('BAD_INPUT', `trusted state snapshot.json: bad meta entry ${JSON.stringify(file)}`);
      }
      versions[file.slice(0, -'.json'.length)] = v;
    }
    state.targetsVersions = sortedRecord(versions);
  }
  return state;
}

async function readSigned(dir: string, file: string, type: string): Promise<{ version: number; signed: Record<string, unknown> } | undefined> {
  let text: string;
  try {
    text = await readFile(path.join(dir, file), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new TufVerifyError('BAD_INPUT', `trusted state ${file}: ${(e as NodeJS.ErrnoException).code ?? 'unreadable'}`);
  }
  let signed: unknown;
  try {
    signed = (JSON.parse(text) as { signed?: unknown }).signed;
  } catch {
    throw new TufVerifyError('BAD_INPUT', `trusted state ${file} is not JSON`);
  }
  const s = signed as Record<string, unknown> | undefined;
  if (typeof s !== 'object' || s === null || s._type !== type || typeof s.version !== 'number' || !Number.isSafeInteger(s.version) || s.version < 1) {
    throw new TufVerifyError('BAD_INPUT', `trusted state ${file} is not ${type} metadata with a version`);
  }
  return { version: s.version, signed: s };
}
