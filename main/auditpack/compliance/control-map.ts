import canonicalize from 'canonicalize';
import type { AuditPackIndexEntry, ControlMapRow, ControlStatus } from '../../../shared/domain/audit-pack.ts';
import { WorkbenchError } from '../../../shared/api/errors.ts';
import type { DeriveInput } from '../pack-file.ts';
import { csvText } from '../../csv.ts';
import { CONTROLS, type ControlDefinition, type Facts } from './controls.ts';

const DAY_MS = 86_400_000;

/** Bytewise order (what index.json uses), not locale order. */
export const byteOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The entries a pointer names: the file itself, or every file under it when it is a folder. */
export function resolveEvidence(pointer: string, entries: readonly AuditPackIndexEntry[]): AuditPackIndexEntry[] {
  const prefix = `${pointer}/`;
  return entries.filter((e) => e.path === pointer || e.path.startsWith(prefix));
}

/** Milliseconds of an ISO time, or a BAD_INPUT naming the field. */
export function parseTime(value: string, where: string): number {
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) throw new WorkbenchError('BAD_INPUT', `${where}: not an ISO time: ${JSON.stringify(value)}`, { path: where });
  return ms;
}

/** The newest `asOf` among the entries (ISO), or null when none carries one. */
export function newestAsOf(entries: readonly AuditPackIndexEntry[]): string | null {
  let newest: { ms: number; iso: string } | null = null;
  for (const e of entries) {
    if (e.asOf === undefined) continue;
    const ms = Date.parse(e.asOf);
    if (Number.isFinite(ms) && (newest === null || ms > newest.ms)) newest = { ms, iso: e.asOf };
  }
  return newest?.iso ?? null;
}

function judge(def: ControlDefinition, entries: readonly AuditPackIndexEntry[], facts: Facts, atMs: number): { status: ControlStatus; statusReason: string } {
  const unresolved = def.evidence.filter((p) => resolveEvidence(p, entries).length === 0);
  if (unresolved.length) {
    const list = unresolved.join(', ');
    return { status: 'missing', statusReason: `Evidence not in the pack: ${list}.` };
  }
  for (const rule of def.records) {
    const files = rule.paths.flatMap((p) => resolveEvidence(p, entries));
    // Files that do not count records (records undefined) cannot show emptiness; only a counted zero can.
    const counted = files.filter((e) => e.records !== undefined);
    if (counted.length && counted.reduce((n, e) => n + (e.records ?? 0), 0) === 0) return { status: 'missing', statusReason: rule.none };
  }
  for (const rule of def.facts) {
    if (!Object.hasOwn(facts, rule.fact)) continue;
    const reason = rule.fails(facts[rule.fact] ?? null, facts);
    if (reason !== null) return { status: 'missing', statusReason: reason };
  }
  if (def.freshness) {
    const dated = def.freshness.from.flatMap((p) => resolveEvidence(p, entries));
    const newest = newestAsOf(dated);
    if (newest !== null) {
      const ageDays = Math.floor((atMs - Date.parse(newest)) / DAY_MS);
      if (ageDays > def.freshness.days) {
        return {
          status: 'stale',
          statusReason: `The newest evidence is from ${newest}, ${ageDays} days before the reference time; this control expects evidence from the last ${def.freshness.days} days.`,
        };
      }
    }
  }
  return { status: 'present', statusReason: '' };
}

/** Judge one control against the collected files and facts as of `at`. */
export function evaluateControl(def: ControlDefinition, input: Pick<DeriveInput, 'entries' | 'facts' | 'at'>): ControlMapRow {
  const atMs = parseTime(input.at, 'at');
  return {
    controlId: def.controlId,
    title: def.title,
    kind: def.kind,
    soc2: [...def.soc2],
    iso27001: [...def.iso27001],
    evidence: [...def.evidence],
    ...judge(def, input.entries, input.facts, atMs),
  };
}

/** Every control of the catalogue, judged as of `input.at`, sorted by control id. */
export function evaluateControlMap(input: DeriveInput, controls: readonly ControlDefinition[] = CONTROLS): ControlMapRow[] {
  parseTime(input.at, 'at');
  return [...controls].sort((a, b) => byteOrder(a.controlId, b.controlId)).map((def) => evaluateControl(def, input));
}

export const CONTROL_MAP_CSV_HEADER = ['control_id', 'title', 'kind', 'soc2', 'iso27001', 'evidence', 'status', 'status_reason'] as const;

/** compliance/control-map.csv: RFC 4180 with CRLF line ends, multi-valued cells joined with ";". */
export function controlMapCsv(rows: readonly ControlMapRow[]): Buffer {
  const lines = rows.map((r) => [r.controlId, r.title, r.kind, r.soc2.join(';'), r.iso27001.join(';'), r.evidence.join(';'), r.status, r.statusReason]);
  return Buffer.from(csvText([CONTROL_MAP_CSV_HEADER, ...lines]), 'utf8');
}

/** compliance/control-map.json: the rows as canonical JSON (RFC 8785) and a newline. */
export function controlMapJson(rows: readonly ControlMapRow[]): Buffer {
  return Buffer.from(canonicalize(rows)! + '\n', 'utf8');
}

/** How many controls have each status (for summaries). */
export function statusCounts(rows: readonly ControlMapRow[]): Record<ControlStatus, number> {
  const counts: Record<ControlStatus, number> = { present: 0, missing: 0, stale: 0 };
  for (const r of rows) counts[r.status] += 1;
  return counts;
}
