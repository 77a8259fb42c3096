import type { Actor, ActorInput, Consent } from '../../shared/domain/actors.ts';
import type { AuditChainReport, AuditEvent, AuditEventInput } from '../../shared/domain/audit.ts';
import type { EvidenceItem, EvidenceQuery } from '../../shared/domain/evidence.ts';
import type { OmbudsTicket, TicketInput, TicketState } from '../../shared/domain/tickets.ts';
import type { SqlClient } from './sql-client.ts';

export type StoreKind = 'sqlite' | 'postgres';

/** Where the store lives, for the header and the README's "which store am I on". */
export interface StoreLocation {
  kind: StoreKind;
  /** SQLite: absolute file path. PostgreSQL: host:port/database (never the password). */
  display: string;
}

export interface MigrationReport {
  from: number;
  to: number;
  applied: number[];
  /** Path of the backup written before migrating an existing SQLite store, if any. */
  backupPath: string | null;
}

/**
 * The one store interface. Both adapters (SQLite, PostgreSQL) implement it over a
 * SqlClient; the domain methods are written once. Capabilities that need their own
 * tables add migrations and use `sql` directly.
 */
export interface Store {
  readonly location: StoreLocation;
  /** The SQL client, for capability-specific repositories. */
  readonly sql: SqlClient;
  readonly migration: MigrationReport;

  close(): Promise<void>;
  /** True when the store has no actors yet (first start: load demo data). */
  isEmpty(): Promise<boolean>;
  /**
   * Runs fn with a Store bound to one transaction: everything it does commits together or
   * not at all (e.g. open a ticket and link it to the denial it appeals). Inside fn use only
   * the store fn receives; the outer store throws there rather than deadlock.
   */
  transaction<T>(fn: (store: Store) => Promise<T>): Promise<T>;

  // actors, roles, consents
  upsertActor(actor: ActorInput, at: string): Promise<Actor>;
  getActor(id: string): Promise<Actor | undefined>;
  listActors(): Promise<Actor[]>;
  assignRole(actorId: string, role: string, at: string): Promise<void>;
  removeRole(actorId: string, role: string): Promise<void>;
  setConsent(consent: Consent): Promise<Consent>;
  listConsents(subjectId?: string): Promise<Consent[]>;

  // evidence
  insertEvidence(item: EvidenceItem): Promise<EvidenceItem>;
  getEvidence(id: string): Promise<EvidenceItem | undefined>;
  listEvidence(query: EvidenceQuery): Promise<EvidenceItem[]>;

  // audit trail
  appendAuditEvent(event: AuditEventInput): Promise<AuditEvent>;
  getAuditEvent(id: string): Promise<AuditEvent | undefined>;
  listAuditEvents(query: { afterSeq?: number; limit?: number }): Promise<AuditEvent[]>;
  setAuditAppealTicket(eventId: string, ticketId: string): Promise<void>;
  verifyAuditChain(): Promise<AuditChainReport>;

  // ombuds tickets
  insertTicket(ticket: TicketInput): Promise<OmbudsTicket>;
  getTicket(id: string): Promise<OmbudsTicket | undefined>;
  listTickets(query: { state?: TicketState; requester?: string; limit?: number }): Promise<OmbudsTicket[]>;
  updateTicket(
    id: string,
    patch: Partial<Pick<OmbudsTicket, 'state' | 'assignee' | 'slaDue' | 'priority'>>,
    at: string,
  ): Promise<OmbudsTicket>;

  // settings (JSON values)
  getSetting<T = unknown>(key: string): Promise<T | undefined>;
  setSetting(key: string, value: unknown): Promise<void>;
}
