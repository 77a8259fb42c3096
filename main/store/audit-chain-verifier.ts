import { GENESIS_HASH } from '../../shared/domain/audit.ts';
import type { AuditChainReport, AuditEvent } from '../../shared/domain/audit.ts';
import { auditEventHash, auditEventId } from './audit-hash.ts';

/**
 * Walks a chain of audit events in sequence order and stops at the first break:
 * a missing sequence number (reported as the missing seq), an event whose prevHash is not
 * its predecessor's hash, or one whose content no longer matches its hash. Pure: the store
 * feeds it rows; an exported audit trail can be fed the same way.
 */
export class AuditChainVerifier {
  #expectedSeq: number;
  #prevHash: string;
  #checked = 0;
  #broken: { seq: number | null; reason: string } | null = null;

  constructor(start: { seq: number; prevHash: string } = { seq: 1, prevHash: GENESIS_HASH }) {
    this.#expectedSeq = start.seq;
    this.#prevHash = start.prevHash;
  }

  get broken(): boolean {
    return this.#broken !== null;
  }

  /** Checks the next event; returns false once the chain is broken (later events are ignored). */
  push(e: AuditEvent): boolean {
    if (this.#broken || !this.#inSequence(e.seq)) return false;
    const seq = this.#expectedSeq;
    const prev = seq - 1;
    if (e.id !== auditEventId(seq)) return this.#fail(seq, `event seq ${seq} has id ${JSON.stringify(e.id)}, expected ${auditEventId(seq)}`);
    if (e.prevHash !== this.#prevHash) {
      return this.#fail(
        seq,
        prev === 0 ? `event seq ${seq} prevHash is not the genesis hash` : `event seq ${seq} prevHash does not match the hash of event seq ${prev}`,
      );
    }
    let hash: string;
    try {
      hash = auditEventHash(e);
    } catch (err) {
      return this.#fail(seq, `event seq ${seq} cannot be hashed: ${(err as Error).message}`);
    }
    if (hash !== e.hash) return this.#fail(seq, `event seq ${seq} content does not match its hash (altered after it was written)`);
    this.#checked += 1;
    this.#prevHash = e.hash;
    this.#expectedSeq += 1;
    return true;
  }

  /** A stored row at `seq` that cannot be read as an event: broken there, unless a gap before it broke first. */
  unreadable(seq: number, reason: string): void {
    if (!this.#broken && this.#inSequence(seq)) this.fail(seq, reason);
  }

  /** Records a break found outside the chain itself (a failed read). */
  fail(seq: number | null, reason: string): void {
    if (!this.#broken) this.#broken = { seq, reason };
  }

  /** `checked` counts the events verified intact (on a break: those before it). */
  report(): AuditChainReport {
    return this.#broken
      ? { ok: false, checked: this.#checked, firstBrokenSeq: this.#broken.seq, reason: this.#broken.reason }
      : { ok: true, checked: this.#checked, firstBrokenSeq: null, reason: null };
  }

  /** False (and broken) when `seq` is not the one expected: a missing event or one out of order. */
  #inSequence(seq: number): boolean {
    const expected = this.#expectedSeq;
    if (seq > expected) return this.#fail(expected, `event seq ${expected} is missing (the next stored event is seq ${seq})`);
    if (seq < expected) return this.#fail(seq, `event seq ${seq} is out of order (expected seq ${expected})`);
    return true;
  }

  #fail(seq: number, reason: string): false {
    this.fail(seq, reason);
    return false;
  }
}
