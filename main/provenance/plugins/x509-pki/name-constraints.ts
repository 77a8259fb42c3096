import { CONTEXT, bytesEqual, childrenOf, readSingle, sequenceChildren, smallInteger } from './der.ts';
import type { Tlv } from './der.ts';
import { describeGeneralName, formatIp, isValidHostName, isValidMailbox, maskPrefixLength, parseGeneralName } from './general-names.ts';
import type { GeneralName, GeneralNameType } from './general-names.ts';
import type { DistinguishedName } from './distinguished-name.ts';
import { nameToString } from './distinguished-name.ts';
import { X509Error } from './x509-error.ts';

/** NameConstraints (RFC 5280 4.2.1.10): bases only, since minimum must be 0 and maximum absent. */
export interface NameConstraints {
  permitted?: GeneralName[];
  excluded?: GeneralName[];
}

/** The name forms this validator can match; a constraint on any other form blocks names of that form. */
const PROCESSED: ReadonlySet<GeneralNameType> = new Set(['dNSName', 'rfc822Name', 'iPAddress', 'directoryName']);

function parseSubtrees(tlv: Tlv, what: string): GeneralName[] {
  const items = childrenOf(tlv, what);
  if (items.length === 0) throw new X509Error('MALFORMED', `${what}: GeneralSubtrees must not be empty`);
  return items.map((item) => {
    const [base, ...rest] = sequenceChildren(item, what);
    if (!base) throw new X509Error('MALFORMED', `${what}: GeneralSubtree without a base`);
    for (const r of rest) {
      if (r.cls === CONTEXT && r.num === 0) {
        const v = smallInteger({ ...r, cls: 0, num: 2 }, what);
        if (v !== 0) throw new X509Error('PROFILE', `${what}: GeneralSubtree minimum must be 0, found ${v}`);
      } else if (r.cls === CONTEXT && r.num === 1) {
        throw new X509Error('PROFILE', `${what}: GeneralSubtree maximum must be absent`);
      } else {
        throw new X509Error('MALFORMED', `${what}: unexpected field in GeneralSubtree`);
      }
    }
    return parseGeneralName(base, what);
  });
}

/** Parses the extension value; a constraint whose base is not valid syntax for its form is an error. */
export function parseNameConstraints(der: Uint8Array, what: string): NameConstraints {
  const fields = sequenceChildren(readSingle(der, what), what);
  const nc: NameConstraints = {};
  for (const f of fields) {
    if (f.cls === CONTEXT && f.num === 0 && f.constructed && !nc.permitted && !nc.excluded) nc.permitted = parseSubtrees(f, what);
    else if (f.cls === CONTEXT && f.num === 1 && f.constructed && !nc.excluded) nc.excluded = parseSubtrees(f, what);
    else throw new X509Error('MALFORMED', `${what}: unexpected field in NameConstraints`);
  }
  if (!nc.permitted && !nc.excluded) throw new X509Error('PROFILE', `${what}: neither permittedSubtrees nor excludedSubtrees is present`);
  for (const [kind, list] of [['permitted', nc.permitted], ['excluded', nc.excluded]] as const) {
    for (const base of list ?? []) {
      const problem = constraintSyntaxProblem(base);
      if (problem) throw new X509Error('PROFILE', `${what}: ${kind} ${describeGeneralName(base, nameToString)} ${problem}`);
    }
  }
  return nc;
}

function constraintSyntaxProblem(base: GeneralName): string | null {
  switch (base.type) {
    case 'dNSName':
      return isValidHostName(base.value, { wildcard: false }) ? null : 'is not a host name (no wildcards or leading dots)';
    case 'rfc822Name': {
      const v = base.value;
      if (v.includes('@')) return isValidMailbox(v) ? null : 'is not a mailbox, host or .domain';
      const host = v.startsWith('.') ? v.slice(1) : v;
      return isValidHostName(host, { wildcard: false }) ? null : 'is not a mailbox, host or .domain';
    }
    case 'iPAddress':
      if (base.bytes.length !== 8 && base.bytes.length !== 32) return `must be an address and mask (8 or 32 octets), has ${base.bytes.length}`;
      return maskPrefixLength(base.bytes.subarray(base.bytes.length / 2)) === null ? 'has a non-contiguous mask' : null;
    default:
      return null;
  }
}

const lower = (s: string): string => s.toLowerCase();

function dnsWithin(name: string, c: string): boolean {
  const n = lower(name);
  const k = lower(c);
  return n === k || n.endsWith(`.${k}`);
}

function labelCount(s: string): number {
  return s.split('.').length;
}

/** Whether every name a dNSName (possibly "*.base") can stand for lies within `c`. */
function dnsPermittedBy(name: string, c: string): boolean {
  return name.startsWith('*.') ? dnsWithin(name.slice(2), c) : dnsWithin(name, c);
}

/** Whether some name a dNSName (possibly "*.base") can stand for lies within `c`. */
function dnsExcludedBy(name: string, c: string): boolean {
  if (!name.startsWith('*.')) return dnsWithin(name, c);
  const base = name.slice(2);
  // "*.base" covers exactly one more label: it reaches `c` when c is within base's subtree
  // at depth one (c = x.base) or when base itself is already inside c.
  return dnsWithin(base, c) || (dnsWithin(c, base) && labelCount(c) === labelCount(base) + 1);
}

function emailWithin(addr: string, c: string): boolean {
  const at = addr.lastIndexOf('@');
  const local = addr.slice(0, at);
  const host = lower(addr.slice(at + 1));
  if (c.includes('@')) {
    const cat = c.lastIndexOf('@');
    // The local part is case-sensitive; the host is not (RFC 5280 7.5).
    return local === c.slice(0, cat) && host === lower(c.slice(cat + 1));
  }
  if (c.startsWith('.')) return host.endsWith(lower(c));
  return host === lower(c);
}

function ipWithin(ip: Uint8Array, c: Uint8Array): boolean {
  if (c.length !== ip.length * 2) return false;
  const mask = c.subarray(ip.length);
  for (let i = 0; i < ip.length; i++) {
    if ((ip[i]! & mask[i]!) !== (c[i]! & mask[i]!)) return false;
  }
  return true;
}

function dnWithin(n: DistinguishedName, c: DistinguishedName): boolean {
  if (c.rdns.length > n.rdns.length) return false;
  return c.rdns.every((rdn, i) => bytesEqual(rdn, n.rdns[i]!));
}

function matches(name: GeneralName, c: GeneralName, mode: 'permitted' | 'excluded'): boolean {
  if (name.type === 'dNSName' && c.type === 'dNSName') {
    return mode === 'permitted' ? dnsPermittedBy(name.value, c.value) : dnsExcludedBy(name.value, c.value);
  }
  if (name.type === 'rfc822Name' && c.type === 'rfc822Name') return emailWithin(name.value, c.value);
  if (name.type === 'iPAddress' && c.type === 'iPAddress') return ipWithin(name.bytes, c.bytes);
  if (name.type === 'directoryName' && c.type === 'directoryName') return dnWithin(name.name, c.name);
  return false;
}

/** One CA's constraints as they apply further down the path. */
export interface ActiveConstraints {
  /** The constraining CA, for messages. */
  by: string;
  nc: NameConstraints;
}

/** Counts name/constraint comparisons so hostile certificates cannot make the check quadratic-unbounded. */
export interface WorkBudget {
  remaining: number;
}

export const NAME_CONSTRAINT_WORK_LIMIT = 250_000;

/**
 * The errors (empty when none) of checking one certificate's names against every active
 * constraint. Names are checked per constraining CA: within at least one permitted subtree of
 * that CA for the name's form (when it has any of that form), and within none excluded.
 */
export function checkNames(
  names: GeneralName[],
  active: ActiveConstraints[],
  budget: WorkBudget,
): string[] {
  const total = active.reduce((n, a) => n + (a.nc.permitted?.length ?? 0) + (a.nc.excluded?.length ?? 0), 0);
  const cost = names.length * total;
  if (cost > budget.remaining) {
    budget.remaining = 0;
    throw new X509Error('LIMIT', `name-constraint check needs ${cost} comparisons (${names.length} names × ${total} constraints), over the work limit of ${NAME_CONSTRAINT_WORK_LIMIT}`);
  }
  budget.remaining -= cost;
  const errors: string[] = [];
  for (const a of active) {
    for (const name of names) {
      const d = describeGeneralName(name, nameToString);
      const all = [...(a.nc.permitted ?? []), ...(a.nc.excluded ?? [])];
      if (!PROCESSED.has(name.type) && all.some((c) => c.type === name.type)) {
        errors.push(`${d} is constrained by "${a.by}" in a name form this validator cannot process`);
        continue;
      }
      const excludedBy = (a.nc.excluded ?? []).find((c) => matches(name, c, 'excluded'));
      if (excludedBy) {
        errors.push(`${d} is within the excluded subtree ${describeConstraint(excludedBy)} of "${a.by}"`);
        continue;
      }
      const permittedOfType = (a.nc.permitted ?? []).filter((c) => c.type === name.type);
      if (permittedOfType.length && !permittedOfType.some((c) => matches(name, c, 'permitted'))) {
        errors.push(`${d} is not within the permitted subtrees of "${a.by}"`);
      }
    }
  }
  return errors;
}

function describeConstraint(c: GeneralName): string {
  if (c.type === 'iPAddress') return `iPAddress ${formatIp(c.bytes)}`;
  return describeGeneralName(c, nameToString);
}
