import { WorkbenchError } from '../../shared/api/errors.ts';
import { isSqlError, type SqlClient } from '../store/sql-client.ts';

/** Region and tenant fixed for one stored object at ingest; never updated. */
export interface ResidencyPin {
  resourceType: string;
  resourceId: string;
  tenant: string;
  region: string;
  source: 'ingest' | 'manual';
  pinnedBy: string;
  pinnedAt: string;
}

interface PinRow {
  resource_type: string;
  resource_id: string;
  tenant: string;
  region: string;
  source: 'ingest' | 'manual';
  pinned_by: string;
  pinned_at: string;
}

const COLUMNS = 'resource_type, resource_id, tenant, region, source, pinned_by, pinned_at';

const toPin = (r: PinRow): ResidencyPin => ({
  resourceType: r.resource_type,
  resourceId: r.resource_id,
  tenant: r.tenant,
  region: r.region,
  source: r.source,
  pinnedBy: r.pinned_by,
  pinnedAt: r.pinned_at,
});

export async function getPin(sql: SqlClient, resourceType: string, resourceId: string): Promise<ResidencyPin | undefined> {
  const row = await sql.get<PinRow>(`SELECT ${COLUMNS} FROM residency_pins WHERE resource_type = ? AND resource_id = ?`, [resourceType, resourceId]);
  return row && toPin(row);
}

/**
 * Pins an object. Call it in the transaction that stores the object, so the object never
 * exists unpinned. Pinning again with the same tenant and region is a no-op; with another
 * one it is a CONFLICT (a pin never moves).
 */
export async function pinResource(sql: SqlClient, pin: ResidencyPin): Promise<ResidencyPin> {
  const where = `${pin.resourceType} ${pin.resourceId}`;
  if (!pin.tenant || !pin.region || pin.tenant === '*' || pin.region === '*') {
    throw new WorkbenchError('BAD_INPUT', `residency pin for ${where}: a pin needs one concrete tenant and region`, { resourceType: pin.resourceType, resourceId: pin.resourceId });
  }
  const existing = await getPin(sql, pin.resourceType, pin.resourceId);
  if (existing) {
    if (existing.tenant === pin.tenant && existing.region === pin.region) return existing;
    throw new WorkbenchError('CONFLICT', `${where} is pinned to ${existing.tenant}/${existing.region}; a pin never moves (asked: ${pin.tenant}/${pin.region})`, {
      resourceType: pin.resourceType,
      resourceId: pin.resourceId,
    });
  }
  try {
    await sql.run(`INSERT INTO residency_pins (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)`, [
      pin.resourceType,
      pin.resourceId,
      pin.tenant,
      pin.region,
      pin.source,
      pin.pinnedBy,
      pin.pinnedAt,
    ]);
  } catch (e) {
    if (isSqlError(e, 'unique')) throw new WorkbenchError('CONFLICT', `${where} was pinned concurrently`, { resourceType: pin.resourceType, resourceId: pin.resourceId });
    throw e;
  }
  return pin;
}

export interface UnpinnedRow {
  resourceType: 'evidence';
  resourceId: string;
  tenant: string;
  region: string;
}

/** Evidence rows without a pin (rows from before migration 002, or stored around the ingest path), by id. */
export async function unpinnedEvidence(sql: SqlClient, limit?: number): Promise<UnpinnedRow[]> {
  const rows = await sql.all<{ id: string; tenant: string; region: string }>(
    `SELECT e.id, e.tenant, e.region FROM evidence e
     LEFT JOIN residency_pins p ON p.resource_type = 'evidence' AND p.resource_id = e.id
     WHERE p.resource_id IS NULL ORDER BY e.id${limit !== undefined ? ' LIMIT ?' : ''}`,
    limit !== undefined ? [limit] : [],
  );
  return rows.map((r) => ({ resourceType: 'evidence', resourceId: r.id, tenant: r.tenant, region: r.region }));
}

export async function countUnpinnedEvidence(sql: SqlClient): Promise<number> {
  const row = await sql.get<{ n: number }>(
    `SELECT COUNT(*) AS n FROM evidence e
     LEFT JOIN residency_pins p ON p.resource_type = 'evidence' AND p.resource_id = e.id
     WHERE p.resource_id IS NULL`,
  );
  return row?.n ?? 0;
}
