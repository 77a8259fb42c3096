import { createHash } from 'node:crypto';
import type { SqlClient } from '../store/sql-client.ts';

/** The policy tables of migration 002, read and written over the dialect-neutral client. */

export interface EpochState {
  epoch: number;
  /** Rises only with policy changes: the PDP reloads its policy set when it moves. */
  policyRevision: number;
  /** What the last bump was (written by the trigger that bumped it). */
  reason: string;
}

export async function readEpoch(sql: SqlClient): Promise<EpochState> {
  const row = await sql.get<{ epoch: number; policy_revision: number; reason: string }>(
    'SELECT epoch, policy_revision, reason FROM policy_epoch WHERE singleton = 1',
  );
  if (!row) throw new Error('policy_epoch has no row: the store was not migrated to conauth_residency');
  return { epoch: row.epoch, policyRevision: row.policy_revision, reason: row.reason };
}

export interface PolicyVersion {
  policyId: string;
  version: number;
  status: 'active' | 'retired';
  body: string;
  sha256: string;
  note: string;
  createdBy: string;
  createdAt: string;
}

interface VersionRow {
  policy_id: string;
  version: number;
  status: 'active' | 'retired';
  body: string;
  sha256: string;
  note: string;
  created_by: string;
  created_at: string;
}

const COLUMNS = 'policy_id, version, status, body, sha256, note, created_by, created_at';

const toVersion = (r: VersionRow): PolicyVersion => ({
  policyId: r.policy_id,
  version: r.version,
  status: r.status,
  body: r.body,
  sha256: r.sha256,
  note: r.note,
  createdBy: r.created_by,
  createdAt: r.created_at,
});

/** The latest version of every policy id, retired ones included, by id. */
export async function latestVersions(sql: SqlClient): Promise<PolicyVersion[]> {
  const rows = await sql.all<VersionRow>(
    `SELECT ${COLUMNS.split(', ').map((c) => `p.${c}`).join(', ')} FROM policy_versions p
     JOIN (SELECT policy_id AS id, MAX(version) AS v FROM policy_versions GROUP BY policy_id) latest
       ON latest.id = p.policy_id AND latest.v = p.version
     ORDER BY p.policy_id`,
  );
  return rows.map(toVersion);
}

/** What the engine evaluates: id → text of every policy whose latest version is active. */
export async function activePolicies(sql: SqlClient): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const v of await latestVersions(sql)) if (v.status === 'active') out[v.policyId] = v.body;
  return out;
}

/** Every version of one policy, oldest first. */
export async function policyHistory(sql: SqlClient, policyId: string): Promise<PolicyVersion[]> {
  const rows = await sql.all<VersionRow>(`SELECT ${COLUMNS} FROM policy_versions WHERE policy_id = ? ORDER BY version`, [policyId]);
  return rows.map(toVersion);
}

export const POLICY_VERSIONS_LOCK = 'workbench.policy_versions';

export function policySha256(body: string): string {
  return createHash('sha256').update(body, 'utf8').digest('hex');
}

/** Appends the next version of a policy. Call inside a transaction (it takes the policy lock). */
export async function appendPolicyVersion(
  tx: SqlClient,
  v: { policyId: string; status: 'active' | 'retired'; body: string; note: string; createdBy: string; at: string },
): Promise<PolicyVersion> {
  await tx.lock(POLICY_VERSIONS_LOCK);
  const head = await tx.get<{ v: number | null }>('SELECT MAX(version) AS v FROM policy_versions WHERE policy_id = ?', [v.policyId]);
  const version = (head?.v ?? 0) + 1;
  const row: PolicyVersion = {
    policyId: v.policyId,
    version,
    status: v.status,
    body: v.body,
    sha256: policySha256(v.body),
    note: v.note,
    createdBy: v.createdBy,
    createdAt: v.at,
  };
  await tx.run(`INSERT INTO policy_versions (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, [
    row.policyId,
    row.version,
    row.status,
    row.body,
    row.sha256,
    row.note,
    row.createdBy,
    row.createdAt,
  ]);
  return row;
}

/**
 * Installs every built-in policy whose id the store has never held (so a policy an
 * administrator retired stays retired, and a new action's default arrives on upgrade).
 * Returns the ids installed, in order.
 */
export async function installMissingDefaults(sql: SqlClient, defaults: Readonly<Record<string, string>>, at: string): Promise<string[]> {
  return sql.transaction(async (tx) => {
    await tx.lock(POLICY_VERSIONS_LOCK);
    const known = new Set((await tx.all<{ policy_id: string }>('SELECT DISTINCT policy_id FROM policy_versions')).map((r) => r.policy_id));
    const installed: string[] = [];
    for (const [policyId, body] of Object.entries(defaults)) {
      if (known.has(policyId)) continue;
      await appendPolicyVersion(tx, { policyId, status: 'active', body, note: 'built-in default', createdBy: 'system', at });
      installed.push(policyId);
    }
    return installed;
  });
}
