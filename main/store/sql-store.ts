import { z } from 'zod';
import { badInput, WorkbenchError } from '../../shared/api/errors.ts';
import { ActorInput as ActorInputSchema, Consent as ConsentSchema } from '../../shared/domain/actors.ts';
import type { Actor, ActorInput, Consent } from '../../shared/domain/actors.ts';
import { AuditEventInput as AuditEventInputSchema, GENESIS_HASH } from '../../shared/domain/audit.ts';
import type { AuditChainReport, AuditEvent, AuditEventInput } from '../../shared/domain/audit.ts';
import { EvidenceItem as EvidenceItemSchema, EvidenceQuery as EvidenceQuerySchema } from '../../shared/domain/evidence.ts';
import type { EvidenceItem, EvidenceQuery } from '../../shared/domain/evidence.ts';
import { OmbudsTicket as OmbudsTicketSchema, TicketInput as TicketInputSchema, TicketState as TicketStateSchema } from '../../shared/domain/tickets.ts';
import type { OmbudsTicket, TicketInput, TicketState } from '../../shared/domain/tickets.ts';
import { IsoTime } from '../../shared/domain/time.ts';
import { AuditChainVerifier } from './audit-chain-verifier.ts';
import { auditEventHash, auditEventId, canonicalJson } from './audit-hash.ts';
import { ACTOR_COLUMNS, EVIDENCE_COLUMNS, AUDIT_COLUMNS, TICKET_COLUMNS, toActor, toConsent, toEvidence, toAuditEvent, toTicket, type ActorRow, type RoleRow, type ConsentRow, type EvidenceRow, type AuditRow, type TicketRow } from './row-mappers.ts';
import { isSqlError } from './sql-client.ts';
import type { SqlClient, SqlValue } from './sql-client.ts';
import type { MigrationReport, Store, StoreLocation } from './store.ts';

/** The lock every append takes, so concurrent writers (any process) extend one chain. */
export const AUDIT_CHAIN_LOCK = 'workbench.audit_chain';
const VERIFY_BATCH = 1000;
const DEFAULT_LIMIT = 100;

const Id = z.string().min(1);
const RoleName = z.string().min(1);
const AuditListQuery = z
  .object({ afterSeq: z.number().int().nonnegative().default(0), limit: z.number().int().positive().default(DEFAULT_LIMIT) })
  .strict();
const TicketListQuery = z
  .object({ state: TicketStateSchema.optional(), requester: z.string().min(1).optional(), limit: z.number().int().positive().default(DEFAULT_LIMIT) })
  .strict();
const TicketPatch = OmbudsTicketSchema.pick({ state: true, assignee: true, slaDue: true, priority: true }).partial().strict();

function parse<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw badInput(where, r.error);
  return r.data;
}

function jsonText(value: unknown, where: string): string {
  try {
    return canonicalJson(value);
  } catch (e) {
    throw new WorkbenchError('BAD_INPUT', `${where}: not storable as JSON (${(e as Error).message})`);
  }
}

/**
 * SQL failures as the typed errors the API speaks. A violated CHECK is bad input, a
 * duplicate key a conflict, a lost server unavailable; anything else stays as it is
 * (the transport reports it as INTERNAL).
 */
function storeError(e: unknown, what: string): unknown {
  if (!isSqlError(e)) return e;
  switch (e.kind) {
    case 'unique':
      return new WorkbenchError('CONFLICT', `${what}: already exists`);
    case 'check':
    case 'not_null':
    case 'bad_value':
      return new WorkbenchError('BAD_INPUT', `${what}: ${e.message}`);
    case 'foreign_key':
      return new WorkbenchError('NOT_FOUND', `${what}: refers to a row that does not exist`);
    case 'unavailable':
    case 'closed':
      return new WorkbenchError('UNAVAILABLE', `${what}: the store is unavailable (${e.message})`);
    default:
      return e;
  }
}


function placeholders(n: number): string {
  return Array.from({ length: n }, () => '?').join(', ');
}

/**
 * The Store, written once over SqlClient: the SQLite and PostgreSQL adapters differ only
 * in the client they pass in. Every method validates its input against the domain schema
 * (BAD_INPUT naming the field) before touching SQL.
 */
export class SqlStore implements Store {
  readonly location: StoreLocation;
  readonly sql: SqlClient;
  readonly migration: MigrationReport;
  readonly #inTransaction: boolean;

  constructor(sql: SqlClient, location: StoreLocation, migration: MigrationReport, inTransaction = false) {
    this.sql = sql;
    this.location = location;
    this.migration = migration;
    this.#inTransaction = inTransaction;
  }

  async close(): Promise<void> {
    if (this.#inTransaction) throw new WorkbenchError('INTERNAL', 'close() on a transaction-bound store: close the store that opened it');
    await this.sql.close();
  }

  async transaction<T>(fn: (store: Store) => Promise<T>): Promise<T> {
    return this.sql.transaction((tx) => fn(new SqlStore(tx, this.location, this.migration, true)));
  }

  async isEmpty(): Promise<boolean> {
    return (await this.sql.get('SELECT 1 AS present FROM actors LIMIT 1')) === undefined;
  }

  // ---- actors, roles, consents -------------------------------------------------------

  /** Creates the actor or updates its name, tenant and region; its roles become exactly `roles`. */
  async upsertActor(actor: ActorInput, at: string): Promise<Actor> {
    const input = parse(ActorInputSchema.extend({ roles: z.array(RoleName).default([]) }), actor, 'upsertActor');
    const when = parse(IsoTime, at, 'upsertActor.at');
    const roles = [...new Set(input.roles)].sort();
    try {
      return await this.sql.transaction(async (tx) => {
        await tx.run(
          `INSERT INTO actors (${ACTOR_COLUMNS}) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET display_name = excluded.display_name, tenant = excluded.tenant, region = excluded.region`,
          [input.id, input.displayName, input.tenant, input.region, when],
        );
        // Roles it keeps keep their assigned_at; the others go.
        await tx.run(
          roles.length === 0
            ? 'DELETE FROM actor_roles WHERE actor_id = ?'
            : `DELETE FROM actor_roles WHERE actor_id = ? AND role NOT IN (${placeholders(roles.length)})`,
          [input.id, ...roles],
        );
        for (const role of roles) {
          await tx.run('INSERT INTO actor_roles (actor_id, role, assigned_at) VALUES (?, ?, ?) ON CONFLICT (actor_id, role) DO NOTHING', [
            input.id,
            role,
            when,
          ]);
        }
        return (await readActor(tx, input.id))!;
      });
    } catch (e) {
      throw storeError(e, `actor ${input.id}`);
    }
  }

  async getActor(id: string): Promise<Actor | undefined> {
    return readActor(this.sql, parse(Id, id, 'getActor.id'));
  }

  async listActors(): Promise<Actor[]> {
    const rows = await this.sql.all<ActorRow>(`SELECT ${ACTOR_COLUMNS} FROM actors ORDER BY id`);
    const roles = await this.sql.all<RoleRow>('SELECT actor_id, role FROM actor_roles ORDER BY actor_id, role');
    const byActor = new Map<string, string[]>();
    for (const r of roles) byActor.set(r.actor_id, [...(byActor.get(r.actor_id) ?? []), r.role]);
    return rows.map((row) => toActor(row, byActor.get(row.id) ?? []));
  }

  async assignRole(actorId: string, role: string, at: string): Promise<void> {
    const id = parse(Id, actorId, 'assignRole.actorId');
    const name = parse(RoleName, role, 'assignRole.role');
    const when = parse(IsoTime, at, 'assignRole.at');
    await this.sql.transaction(async (tx) => {
      await requireActor(tx, id);
      await tx.run('INSERT INTO actor_roles (actor_id, role, assigned_at) VALUES (?, ?, ?) ON CONFLICT (actor_id, role) DO NOTHING', [id, name, when]);
    });
  }

  async removeRole(actorId: string, role: string): Promise<void> {
    const id = parse(Id, actorId, 'removeRole.actorId');
    const name = parse(RoleName, role, 'removeRole.role');
    await this.sql.transaction(async (tx) => {
      await requireActor(tx, id);
      await tx.run('DELETE FROM actor_roles WHERE actor_id = ? AND role = ?', [id, name]);
    });
  }

  async setConsent(consent: Consent): Promise<Consent> {
    const c = parse(ConsentSchema, consent, 'setConsent');
    try {
      await this.sql.run(
        `INSERT INTO consents (subject_id, purpose, status, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (subject_id, purpose) DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at`,
        [c.subjectId, c.purpose, c.status, c.updatedAt],
      );
    } catch (e) {
      throw storeError(e, `consent ${c.subjectId}/${c.purpose}`);
    }
    return c;
  }

  async listConsents(subjectId?: string): Promise<Consent[]> {
    const rows =
      subjectId === undefined
        ? await this.sql.all<ConsentRow>('SELECT subject_id, purpose, status, updated_at FROM consents ORDER BY subject_id, purpose')
        : await this.sql.all<ConsentRow>('SELECT subject_id, purpose, status, updated_at FROM consents WHERE subject_id = ? ORDER BY purpose', [
            parse(Id, subjectId, 'listConsents.subjectId'),
          ]);
    return rows.map(toConsent);
  }

  // ---- evidence ------------------------------------------------------------------------

  async insertEvidence(item: EvidenceItem): Promise<EvidenceItem> {
    const e = parse(EvidenceItemSchema, item, 'insertEvidence');
    try {
      await this.sql.run(`INSERT INTO evidence (${EVIDENCE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, [
        e.id,
        e.title,
        e.kind,
        e.labels.tenant,
        e.labels.region,
        e.labels.sensitivity,
        e.labels.purpose,
        e.sha256,
        e.createdAt,
      ]);
    } catch (err) {
      throw storeError(err, `evidence ${e.id}`);
    }
    return e;
  }

  async getEvidence(id: string): Promise<EvidenceItem | undefined> {
    const row = await this.sql.get<EvidenceRow>(`SELECT ${EVIDENCE_COLUMNS} FROM evidence WHERE id = ?`, [parse(Id, id, 'getEvidence.id')]);
    return row && toEvidence(row);
  }

  /** Ordered by id; `afterId` pages on from the last id seen. */
  async listEvidence(query: EvidenceQuery): Promise<EvidenceItem[]> {
    const q = parse(EvidenceQuerySchema, query, 'listEvidence');
    const where: string[] = [];
    const params: SqlValue[] = [];
    if (q.tenant !== undefined) {
      where.push('tenant = ?');
      params.push(q.tenant);
    }
    if (q.region !== undefined) {
      where.push('region = ?');
      params.push(q.region);
    }
    if (q.afterId !== undefined) {
      where.push('id > ?');
      params.push(q.afterId);
    }
    const rows = await this.sql.all<EvidenceRow>(
      `SELECT ${EVIDENCE_COLUMNS} FROM evidence ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id LIMIT ?`,
      [...params, q.limit],
    );
    return rows.map(toEvidence);
  }

  // ---- audit trail ---------------------------------------------------------------------

  /**
   * Appends under the chain lock: the next seq, the deterministic id, prevHash = the head's
   * hash (genesis: 64 zeros), hash over the canonical JSON. The payload is stored as its
   * canonical JSON text, so the returned event, a later read and the hash agree exactly.
   */
  async appendAuditEvent(event: AuditEventInput): Promise<AuditEvent> {
    const input = parse(AuditEventInputSchema, event, 'appendAuditEvent');
    const payloadText = jsonText(input.payload, 'appendAuditEvent.payload');
    const payload = JSON.parse(payloadText) as Record<string, unknown>;
    try {
      return await this.sql.transaction(async (tx) => {
        await tx.lock(AUDIT_CHAIN_LOCK);
        const head = await tx.get<{ seq: number; hash: string }>('SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1');
        const seq = (head?.seq ?? 0) + 1;
        const fields = { ...input, payload, seq, prevHash: head?.hash ?? GENESIS_HASH };
        const appended: AuditEvent = { ...fields, id: auditEventId(seq), hash: auditEventHash(fields), appealTicketId: null };
        await tx.run(`INSERT INTO audit_events (${AUDIT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, [
          appended.seq,
          appended.id,
          appended.at,
          appended.actorId,
          appended.action,
          appended.resourceType,
          appended.resourceId,
          appended.decision,
          payloadText,
          appended.prevHash,
          appended.hash,
          null,
        ]);
        return appended;
      });
    } catch (e) {
      throw storeError(e, 'audit event');
    }
  }

  async getAuditEvent(id: string): Promise<AuditEvent | undefined> {
    const row = await this.sql.get<AuditRow>(`SELECT ${AUDIT_COLUMNS} FROM audit_events WHERE id = ?`, [parse(Id, id, 'getAuditEvent.id')]);
    return row && toAuditEvent(row);
  }

  /** In seq order, after `afterSeq` (default 0), at most `limit` (default 100). */
  async listAuditEvents(query: { afterSeq?: number; limit?: number }): Promise<AuditEvent[]> {
    const q = parse(AuditListQuery, query, 'listAuditEvents');
    const rows = await this.sql.all<AuditRow>(`SELECT ${AUDIT_COLUMNS} FROM audit_events WHERE seq > ? ORDER BY seq LIMIT ?`, [q.afterSeq, q.limit]);
    return rows.map(toAuditEvent);
  }

  /** Links a denial to the ticket appealing it; a denial already linked to another ticket is a CONFLICT. */
  async setAuditAppealTicket(eventId: string, ticketId: string): Promise<void> {
    const ev = parse(Id, eventId, 'setAuditAppealTicket.eventId');
    const ticket = parse(Id, ticketId, 'setAuditAppealTicket.ticketId');
    await this.sql.transaction(async (tx) => {
      const row = await tx.get<{ appeal_ticket_id: string | null }>('SELECT appeal_ticket_id FROM audit_events WHERE id = ?', [ev]);
      if (!row) throw new WorkbenchError('NOT_FOUND', `audit event ${ev} does not exist`, { eventId: ev });
      if (!(await tx.get('SELECT 1 AS present FROM ombuds_ticket WHERE id = ?', [ticket]))) {
        throw new WorkbenchError('NOT_FOUND', `ticket ${ticket} does not exist`, { ticketId: ticket });
      }
      if (row.appeal_ticket_id !== null && row.appeal_ticket_id !== ticket) {
        throw new WorkbenchError('CONFLICT', `audit event ${ev} is already appealed by ticket ${row.appeal_ticket_id}`, {
          eventId: ev,
          ticketId: row.appeal_ticket_id,
        });
      }
      await tx.run('UPDATE audit_events SET appeal_ticket_id = ? WHERE id = ?', [ticket, ev]);
    });
  }

  /**
   * Recomputes the chain from seq 1 in batches. Fails closed: an unreadable row or a failed
   * read is a broken chain with the error as the reason, never an exception or an "ok".
   */
  async verifyAuditChain(): Promise<AuditChainReport> {
    const verifier = new AuditChainVerifier();
    try {
      let after = 0;
      for (;;) {
        const rows = await this.sql.all<AuditRow>(`SELECT ${AUDIT_COLUMNS} FROM audit_events WHERE seq > ? ORDER BY seq LIMIT ?`, [
          after,
          VERIFY_BATCH,
        ]);
        for (const row of rows) {
          let event: AuditEvent;
          try {
            event = toAuditEvent(row);
          } catch (e) {
            verifier.unreadable(row.seq, `event seq ${row.seq} payload is not valid JSON (${(e as Error).message})`);
            return verifier.report();
          }
          if (!verifier.push(event)) return verifier.report();
        }
        if (rows.length < VERIFY_BATCH) return verifier.report();
        after = rows[rows.length - 1]!.seq;
      }
    } catch (e) {
      verifier.fail(null, `audit chain could not be read: ${(e as Error).message}`);
      return verifier.report();
    }
  }

  // ---- ombuds tickets ------------------------------------------------------------------

  async insertTicket(ticket: TicketInput): Promise<OmbudsTicket> {
    const t = parse(TicketInputSchema, ticket, 'insertTicket');
    try {
      return await this.sql.transaction(async (tx) => {
        if (t.denialEventId !== null && !(await tx.get('SELECT 1 AS present FROM audit_events WHERE id = ?', [t.denialEventId]))) {
          throw new WorkbenchError('NOT_FOUND', `insertTicket.denialEventId: audit event ${t.denialEventId} does not exist`, {
            denialEventId: t.denialEventId,
          });
        }
        await tx.run(`INSERT INTO ombuds_ticket (${TICKET_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, [
          t.id,
          t.state,
          t.priority,
          t.requester,
          t.assignee,
          t.denialEventId,
          t.justification,
          t.slaDue,
          t.at,
          t.at,
        ]);
        return (await readTicket(tx, t.id))!;
      });
    } catch (e) {
      throw storeError(e, `ticket ${t.id}`);
    }
  }

  async getTicket(id: string): Promise<OmbudsTicket | undefined> {
    return readTicket(this.sql, parse(Id, id, 'getTicket.id'));
  }

  /** Oldest first (created_at, then id). */
  async listTickets(query: { state?: TicketState; requester?: string; limit?: number }): Promise<OmbudsTicket[]> {
    const q = parse(TicketListQuery, query, 'listTickets');
    const where: string[] = [];
    const params: SqlValue[] = [];
    if (q.state !== undefined) {
      where.push('state = ?');
      params.push(q.state);
    }
    if (q.requester !== undefined) {
      where.push('requester = ?');
      params.push(q.requester);
    }
    const rows = await this.sql.all<TicketRow>(
      `SELECT ${TICKET_COLUMNS} FROM ombuds_ticket ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at, id LIMIT ?`,
      [...params, q.limit],
    );
    return rows.map(toTicket);
  }

  /** Sets the given fields and updated_at = at. Whether a state change is allowed is the appeals service's rule, not the store's. */
  async updateTicket(
    id: string,
    patch: Partial<Pick<OmbudsTicket, 'state' | 'assignee' | 'slaDue' | 'priority'>>,
    at: string,
  ): Promise<OmbudsTicket> {
    const ticketId = parse(Id, id, 'updateTicket.id');
    const p = parse(TicketPatch, patch, 'updateTicket.patch');
    const when = parse(IsoTime, at, 'updateTicket.at');
    try {
      return await this.sql.transaction(async (tx) => {
        const current = await readTicket(tx, ticketId);
        if (!current) throw new WorkbenchError('NOT_FOUND', `ticket ${ticketId} does not exist`, { ticketId });
        const next = { ...current, ...p, updatedAt: when };
        await tx.run('UPDATE ombuds_ticket SET state = ?, priority = ?, assignee = ?, sla_due = ?, updated_at = ? WHERE id = ?', [
          next.state,
          next.priority,
          next.assignee,
          next.slaDue,
          next.updatedAt,
          ticketId,
        ]);
        return (await readTicket(tx, ticketId))!;
      });
    } catch (e) {
      throw storeError(e, `ticket ${ticketId}`);
    }
  }

  // ---- settings ------------------------------------------------------------------------

  async getSetting<T = unknown>(key: string): Promise<T | undefined> {
    const row = await this.sql.get<{ value: string }>('SELECT value FROM settings WHERE key = ?', [parse(Id, key, 'getSetting.key')]);
    return row === undefined ? undefined : (JSON.parse(row.value) as T);
  }

  /** Any JSON value (canonical JSON text); undefined, NaN, BigInt and the like are BAD_INPUT. */
  async setSetting(key: string, value: unknown): Promise<void> {
    const k = parse(Id, key, 'setSetting.key');
    const text = jsonText(value, `setSetting(${JSON.stringify(k)})`);
    await this.sql.run('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [k, text]);
  }
}

async function readActor(sql: SqlClient, id: string): Promise<Actor | undefined> {
  const row = await sql.get<ActorRow>(`SELECT ${ACTOR_COLUMNS} FROM actors WHERE id = ?`, [id]);
  if (!row) return undefined;
  const roles = await sql.all<RoleRow>('SELECT actor_id, role FROM actor_roles WHERE actor_id = ? ORDER BY role', [id]);
  return toActor(
    row,
    roles.map((r) => r.role),
  );
}

async function requireActor(sql: SqlClient, id: string): Promise<void> {
  if (!(await sql.get('SELECT 1 AS present FROM actors WHERE id = ?', [id]))) {
    throw new WorkbenchError('NOT_FOUND', `actor ${id} does not exist`, { actorId: id });
  }
}

async function readTicket(sql: SqlClient, id: string): Promise<OmbudsTicket | undefined> {
  const row = await sql.get<TicketRow>(`SELECT ${TICKET_COLUMNS} FROM ombuds_ticket WHERE id = ?`, [id]);
  return row && toTicket(row);
}
