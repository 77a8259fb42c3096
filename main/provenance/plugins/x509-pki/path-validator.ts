import { verifySignature } from './algorithms.ts';
import { analyzeCertificate } from './cert-info.ts';
import type { CertInfo } from './cert-info.ts';
import { iso, profileErrors, resolveEku } from './cert-profile.ts';
import type { ProfileContext, Role } from './cert-profile.ts';
import { parseCrl, revocationErrors } from './crl.ts';
import type { Crl } from './crl.ts';
import { toHex } from './der.ts';
import { emailAttributes, isEmptyName, nameToString } from './distinguished-name.ts';
import { EKU_NAMES, KEY_USAGE_BITS } from './extensions.ts';
import type { KeyUsageBit } from './extensions.ts';
import type { GeneralName } from './general-names.ts';
import { NAME_CONSTRAINT_WORK_LIMIT, checkNames } from './name-constraints.ts';
import type { ActiveConstraints, WorkBudget } from './name-constraints.ts';
import { X509Error } from './x509-error.ts';

export interface PathOptions {
  /** Reference time: every certificate and CRL must be valid at it (bounds inclusive, whole seconds). */
  at: Date;
  /** Key purpose the leaf must carry: a name (codeSigning, ...) or OID; null for none in particular. Default codeSigning. */
  eku?: string | null;
  /** DER CRLs; those whose issuer matches a certificate's issuer are applied (and must be usable). */
  crls?: Uint8Array[];
  /** Names of `crls` for messages (e.g. file names), same order. */
  crlLabels?: string[];
  /** Most intermediates a path may hold, not counting self-issued ones. Default 8. */
  maxDepth?: number;
  /** keyUsage bits the leaf must assert (digitalSignature always). */
  keyUsage?: KeyUsageBit[];
}

export interface ChainEntry {
  role: Role;
  subject: string;
  issuer: string;
  /** Serial number, lower-case hex of the INTEGER octets. */
  serial: string;
  /** SHA-256 of the DER, lower-case hex. */
  sha256: string;
  notBefore: string;
  notAfter: string;
}

export interface PathResult {
  ok: boolean;
  /** Leaf first, trust anchor last; present when ok. */
  chain?: ChainEntry[];
  errors: string[];
  warnings: string[];
  /** The parsed leaf, when it parsed (the plugin verifies the payload with its key). */
  leaf?: CertInfo;
}

export const DEFAULT_MAX_DEPTH = 8;
/** Hard bounds on the search, whatever the options: certificates in a path, signature checks in total. */
export const MAX_PATH_CERTIFICATES = 16;
export const MAX_SIGNATURE_CHECKS = 256;
/** Candidate issuers considered in total (bounds re-exploring cached edges, e.g. many copies of one CA). */
export const MAX_SEARCH_STEPS = 1024;
const MAX_REPORTED_FAILURES = 10;

function roleAt(index: number, length: number): Role {
  return index === 0 ? 'leaf' : index === length - 1 ? 'trust anchor' : 'intermediate';
}

function named(role: Role, info: CertInfo): string {
  return `${role} "${info.cert.label}"`;
}

/** The names of `info` that name constraints apply to (RFC 5280 4.2.1.10). */
function constrainedNames(info: CertInfo): GeneralName[] {
  const names: GeneralName[] = [...(info.ext.subjectAltName?.names ?? [])];
  if (!isEmptyName(info.cert.subject)) {
    names.push({ type: 'directoryName', name: info.cert.subject });
    for (const email of emailAttributes(info.cert.subject)) names.push({ type: 'rfc822Name', value: email });
  }
  return names;
}

/** Checks that need the whole path: path length, name constraints, revocation. `path` is leaf first. */
function pathErrors(path: CertInfo[], crls: Crl[], at: number, budget: WorkBudget): string[] {
  const n = path.length;
  const down = [...path].reverse(); // anchor first, as RFC 5280 6.1 walks it
  const errs: string[] = [];
  const role = (j: number): Role => roleAt(n - 1 - j, n);
  for (let j = 0; j < n - 1; j++) {
    const limit = down[j]!.ext.basicConstraints?.value.pathLen;
    if (limit === undefined) continue;
    let below = 0;
    for (let k = j + 1; k < n - 1; k++) if (!down[k]!.selfIssued) below++;
    if (below > limit) {
      errs.push(`${named(role(j), down[j]!)}: pathLenConstraint ${limit} is exceeded: ${below} intermediate CA certificate(s) follow it`);
    }
  }
  const active: ActiveConstraints[] = [];
  for (let k = 0; k < n; k++) {
    const info = down[k]!;
    const isLeaf = k === n - 1;
    if (active.length && (isLeaf || !info.selfIssued)) {
      errs.push(...checkNames(constrainedNames(info), active, budget).map((e) => `${named(role(k), info)}: ${e}`));
    }
    const nc = info.ext.nameConstraints;
    if (nc && !isLeaf) active.push({ by: info.cert.label, nc: nc.value });
  }
  for (let k = 1; k < n; k++) {
    errs.push(...revocationErrors(down[k]!, down[k - 1]!, crls, at).map((e) => `${named(role(k), down[k]!)}: ${e}`));
  }
  return errs;
}

function chainEntry(info: CertInfo, role: Role): ChainEntry {
  return {
    role,
    subject: info.cert.label,
    issuer: nameToString(info.cert.issuer),
    serial: toHex(info.cert.serial),
    sha256: info.cert.fingerprint,
    notBefore: iso(info.cert.notBefore),
    notAfter: iso(info.cert.notAfter),
  };
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

class PathSearch {
  readonly failures: string[] = [];
  readonly #seen = new Set<string>();
  signatureChecks = 0;
  steps = 0;
  exhausted = false;
  readonly #profileCache = new Map<string, string[]>();
  readonly #signatureCache = new Map<string, boolean>();
  readonly #anchors: CertInfo[];
  readonly #intermediates: CertInfo[];
  readonly #ctx: ProfileContext;
  readonly #crls: Crl[];
  readonly #maxDepth: number;
  readonly #budget: WorkBudget = { remaining: NAME_CONSTRAINT_WORK_LIMIT };
  found: CertInfo[] | null = null;

  constructor(anchors: CertInfo[], intermediates: CertInfo[], ctx: ProfileContext, crls: Crl[], maxDepth: number) {
    this.#anchors = anchors;
    this.#intermediates = intermediates;
    this.#ctx = ctx;
    this.#crls = crls;
    this.#maxDepth = maxDepth;
  }

  fail(message: string): void {
    if (!this.#seen.has(message)) {
      this.#seen.add(message);
      this.failures.push(message);
    }
  }

  #profile(info: CertInfo, role: Role): string[] {
    const key = `${role}:${info.cert.fingerprint}`;
    let errs = this.#profileCache.get(key);
    if (!errs) {
      errs = profileErrors(info, role, this.#ctx).map((e) => `${named(role, info)}: ${e}`);
      this.#profileCache.set(key, errs);
    }
    return errs;
  }

  /** Whether `issuer`'s key verifies `child`'s signature; counts against the work limit. */
  #signedBy(child: CertInfo, issuer: CertInfo, childRole: Role, issuerRole: Role): boolean {
    const key = `${child.cert.fingerprint}:${issuer.cert.fingerprint}`;
    let ok = this.#signatureCache.get(key);
    if (ok === undefined) {
      this.signatureChecks++;
      ok = child.signatureAlgorithm !== null && issuer.key !== null &&
        verifySignature(child.signatureAlgorithm, issuer.key, child.cert.tbs, child.cert.signature);
      this.#signatureCache.set(key, ok);
    }
    if (!ok) this.fail(`${named(childRole, child)}: signature does not verify with the key of ${named(issuerRole, issuer)}`);
    return ok;
  }

  /** Counts one more candidate; true (with the reason recorded once) when a work bound is hit. */
  #overBudget(): boolean {
    if (this.exhausted) return true;
    this.steps++;
    if (this.signatureChecks >= MAX_SIGNATURE_CHECKS) {
      this.fail(`path search stopped after ${MAX_SIGNATURE_CHECKS} signature checks (work limit)`);
      this.exhausted = true;
    } else if (this.steps > MAX_SEARCH_STEPS) {
      this.fail(`path search stopped after considering ${MAX_SEARCH_STEPS} candidate issuers (work limit)`);
      this.exhausted = true;
    }
    return this.exhausted;
  }

  /** Depth-first search with backtracking over candidate issuers; `path` is leaf first. */
  extend(path: CertInfo[], identities: Set<string>, depth: number): boolean {
    const cur = path[path.length - 1]!;
    const curRole: Role = path.length === 1 ? 'leaf' : 'intermediate';
    const issuerName = cur.cert.issuer.der;
    const matches = (c: CertInfo): boolean => Buffer.compare(c.cert.subject.der, issuerName) === 0;
    const anchors = this.#anchors.filter(matches);
    const intermediates = this.#intermediates.filter(matches);
    if (anchors.length === 0 && intermediates.length === 0) {
      this.fail(`${named(curRole, cur)}: no trust anchor or intermediate has the subject "${nameToString(cur.cert.issuer)}" that issued it`);
      return false;
    }
    for (const anchor of anchors) {
      if (this.#overBudget()) return false;
      const errs = this.#profile(anchor, 'trust anchor');
      if (errs.length) {
        errs.forEach((e) => this.fail(e));
        continue;
      }
      if (!this.#signedBy(cur, anchor, curRole, 'trust anchor')) continue;
      const full = [...path, anchor];
      let pathErrs: string[];
      try {
        pathErrs = pathErrors(full, this.#crls, this.#ctx.at, this.#budget);
      } catch (e) {
        pathErrs = [messageOf(e)];
      }
      if (pathErrs.length === 0) {
        this.found = full;
        return true;
      }
      pathErrs.forEach((e) => this.fail(e));
    }
    let cyclic = 0;
    for (const next of intermediates) {
      if (identities.has(next.identity)) {
        cyclic++; // a cycle: this CA is already in the path
        continue;
      }
      if (this.#overBudget()) return false;
      const nextDepth = depth + (next.selfIssued ? 0 : 1);
      if (nextDepth > this.#maxDepth || path.length + 2 > MAX_PATH_CERTIFICATES) {
        this.fail(`${named('intermediate', next)}: using it would make the path longer than allowed (at most ${this.#maxDepth} intermediates, ${MAX_PATH_CERTIFICATES} certificates)`);
        continue;
      }
      const errs = this.#profile(next, 'intermediate');
      if (errs.length) {
        errs.forEach((e) => this.fail(e));
        continue;
      }
      if (!this.#signedBy(cur, next, curRole, 'intermediate')) continue;
      identities.add(next.identity);
      path.push(next);
      if (this.extend(path, identities, nextDepth)) return true;
      path.pop();
      identities.delete(next.identity);
    }
    if (anchors.length === 0 && cyclic === intermediates.length) {
      this.fail(`${named(curRole, cur)}: no trust anchor has the subject "${nameToString(cur.cert.issuer)}" that issued it, and every intermediate with that subject is already in the path`);
    }
    return false;
  }
}

function parseAll(ders: Uint8Array[], label: string, warnings: string[]): CertInfo[] {
  const out: CertInfo[] = [];
  const seen = new Set<string>();
  ders.forEach((der, i) => {
    try {
      const info = analyzeCertificate(der);
      // The same certificate twice adds nothing but search work.
      if (!seen.has(info.cert.fingerprint)) out.push(info);
      seen.add(info.cert.fingerprint);
    } catch (e) {
      // Unparseable candidates cannot be part of any path; skipping them cannot widen trust.
      warnings.push(`${label} #${i + 1} ignored: ${messageOf(e)}`);
    }
  });
  return out;
}

function resolveOptions(opts: PathOptions): { ctx: ProfileContext; maxDepth: number } {
  if (!(opts.at instanceof Date) || Number.isNaN(opts.at.getTime())) throw new X509Error('BAD_INPUT', 'at: not a valid Date');
  let eku: string | null = EKU_NAMES.codeSigning!;
  if (opts.eku !== undefined) {
    if (opts.eku === null) eku = null;
    else {
      const resolved = typeof opts.eku === 'string' ? resolveEku(opts.eku) : null;
      if (!resolved) throw new X509Error('BAD_INPUT', `eku: ${JSON.stringify(opts.eku)} is neither a known key purpose (${Object.keys(EKU_NAMES).join(', ')}) nor an OID`);
      eku = resolved;
    }
  }
  const maxDepth = opts.maxDepth ?? DEFAULT_MAX_DEPTH;
  if (!Number.isInteger(maxDepth) || maxDepth < 0) throw new X509Error('BAD_INPUT', `maxDepth: must be a non-negative integer, got ${String(opts.maxDepth)}`);
  const keyUsage = opts.keyUsage ?? [];
  for (const b of keyUsage) {
    if (!(KEY_USAGE_BITS as readonly string[]).includes(b)) throw new X509Error('BAD_INPUT', `keyUsage: unknown bit ${JSON.stringify(b)}`);
  }
  return { ctx: { at: Math.floor(opts.at.getTime() / 1000), eku, leafKeyUsage: keyUsage }, maxDepth };
}

/**
 * RFC 5280 6.1 path validation with our own path building: finds a path from `leaf` through
 * `intermediates` to one of `anchors` (trusted certificates, matched by exact bytes of their
 * subject), trying every candidate issuer with backtracking, within hard work bounds.
 * Never throws: any failure is `ok: false` with the reasons.
 */
export function validatePath(leaf: Uint8Array, intermediates: Uint8Array[], anchors: Uint8Array[], opts: PathOptions): PathResult {
  const warnings: string[] = [];
  try {
    const { ctx, maxDepth } = resolveOptions(opts);
    const leafInfo = analyzeCertificate(leaf);
    const leafErrs = profileErrors(leafInfo, 'leaf', ctx).map((e) => `${named('leaf', leafInfo)}: ${e}`);
    if (leafErrs.length) return { ok: false, errors: leafErrs, warnings, leaf: leafInfo };
    const crls = (opts.crls ?? []).map((der, i) => {
      try {
        return parseCrl(der);
      } catch (e) {
        // A CRL we cannot read may be the one that revokes this chain: fail closed.
        throw new X509Error('CRL', `${opts.crlLabels?.[i] ?? `CRL #${i + 1}`} cannot be read: ${messageOf(e)}`);
      }
    });
    const anchorInfos = parseAll(anchors, 'trust anchor', warnings);
    if (anchorInfos.length === 0) return { ok: false, errors: ['no usable trust anchor is configured'], warnings, leaf: leafInfo };
    const search = new PathSearch(anchorInfos, parseAll(intermediates, 'intermediate', warnings), ctx, crls, maxDepth);
    if (search.extend([leafInfo], new Set([leafInfo.identity]), 0) && search.found) {
      const chain = search.found.map((c, i) => chainEntry(c, roleAt(i, search.found!.length)));
      return { ok: true, chain, errors: [], warnings, leaf: leafInfo };
    }
    const errors = search.failures.slice(0, MAX_REPORTED_FAILURES);
    if (search.failures.length > MAX_REPORTED_FAILURES) errors.push(`(and ${search.failures.length - MAX_REPORTED_FAILURES} more reasons)`);
    return { ok: false, errors: errors.length ? errors : ['no certification path to a trust anchor'], warnings, leaf: leafInfo };
  } catch (e) {
    const msg = messageOf(e);
    return { ok: false, errors: [e instanceof X509Error && e.code === 'MALFORMED' ? `leaf: ${msg}` : msg], warnings };
  }
}
