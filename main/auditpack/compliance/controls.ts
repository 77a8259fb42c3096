import { PACK_PATHS as P } from '../pack-paths.ts';

/**
 * The workbench's controls catalogue: what the product does (or lets a user do) that an
 * auditor can rely on, the SOC 2 trust services criteria and ISO/IEC 27001:2022 Annex A
 * controls each one supports (ids only — the standards' text is not ours to copy), where the
 * evidence sits in the pack, and the rules that judge it. docs/control-narrative.md explains
 * every mapping; keep the two in step.
 */

export type FactValue = string | number | boolean | null;
export type Facts = Readonly<Record<string, FactValue>>;

/** Files (or folders of files) whose record counts, summed, must be above zero for the control to be evidenced. */
export interface RecordsRule {
  paths: readonly string[];
  /** The sentence the control map shows when the file holds no records. */
  none: string;
}

/**
 * A headline fact that can say the control's check failed. `fails` returns the reason, or null
 * when the fact is fine. It is only called when the fact is present: an absent fact means the
 * collector did not report it, and the control is judged from the files alone.
 */
export interface FactRule {
  fact: string;
  fails: (value: FactValue, facts: Facts) => string | null;
}

export interface ControlDefinition {
  controlId: string;
  title: string;
  kind: 'user-action' | 'system-control';
  /** What the product does, in one or two sentences (the OSCAL observation's description). */
  description: string;
  soc2: readonly string[];
  iso27001: readonly string[];
  /** EXAMINE: the evidence is a record to read; TEST: the evidence is the result of re-running a check. */
  method: 'EXAMINE' | 'TEST';
  /** Paths inside the pack (PACK_PATHS values; folders match every file under them). */
  evidence: readonly string[];
  records: readonly RecordsRule[];
  facts: readonly FactRule[];
  /** Evidence older than `days` before the pack's reference time is stale; `from` names the files that date it. */
  freshness: { days: number; from: readonly string[] } | null;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** Fails when the fact is exactly `false`. */
function mustBeTrue(fact: string, reason: (facts: Facts) => string): FactRule {
  return { fact, fails: (v, facts) => (v === false ? reason(facts) : null) };
}

/** Fails when the fact is a number above zero, or `true` (collectors that report a flag instead of a count). */
function mustBeZero(fact: string, reason: (n: number) => string): FactRule {
  return {
    fact,
    fails: (v) => {
      if (v === true) return reason(1);
      return typeof v === 'number' && v > 0 ? reason(v) : null;
    },
  };
}

/** Fails when the fact is the number zero. */
function mustBePositive(fact: string, reason: string): FactRule {
  return { fact, fails: (v) => (v === 0 ? reason : null) };
}

/** Fails when the residency report's failing checks (space-separated ids) include one of `checks`. */
function residencyChecksPass(checks: readonly string[], what: string): FactRule {
  return {
    fact: 'residency.failedChecks',
    fails: (v) => {
      if (typeof v !== 'string') return null;
      const failing = v.split(/\s+/).filter((c) => checks.includes(c));
      return failing.length ? `The residency report's ${what} check failed (${failing.join(', ')}).` : null;
    },
  };
}

const detail = (facts: Facts, key: string) => (typeof facts[key] === 'string' && facts[key] !== '' ? `: ${facts[key] as string}` : '');

export const CONTROLS: readonly ControlDefinition[] = [
  {
    controlId: 'CW-AC-01',
    title: 'Every sensitive action is decided by the Cedar PDP, fail-closed',
    kind: 'system-control',
    description:
      'Every sensitive contract method passes the policy enforcement point, which asks the Cedar policy decision point; a schema rejection or an evaluation error in any policy is a deny naming the policies involved.',
    soc2: ['CC6.1', 'CC6.3'],
    iso27001: ['A.5.15', 'A.8.3'],
    method: 'EXAMINE',
    evidence: [P.policyBundle, P.auditEvents],
    records: [{ paths: [P.policyBundle], none: 'The policy bundle holds no policy version, so no policy set can be shown in force.' }],
    facts: [
      mustBePositive('policy.policies', 'No policy is in force at the reference time, so every sensitive action would be denied.'),
      mustBeTrue('policy.setValid', () => 'The policy set in force does not validate against the Cedar schema.'),
    ],
    freshness: null,
  },
  {
    controlId: 'CW-AC-02',
    title: 'Revoked roles and consents take effect on the next sensitive action',
    kind: 'system-control',
    description:
      'Decisions are cached per policy epoch; a role, consent or policy change bumps the epoch on every workbench sharing the store, so the next decision is made afresh. Propagation time is measured and recorded.',
    soc2: ['CC6.2', 'CC6.3'],
    iso27001: ['A.5.18', 'A.8.2'],
    method: 'TEST',
    evidence: [P.sloPropagation],
    records: [{ paths: [P.sloPropagation], none: 'No propagation measurement is recorded in the period.' }],
    facts: [
      mustBeTrue('slo.propagation.goalMet', (f) => {
        const p99 = f['slo.propagation.p99Ms'];
        return `The latest propagation measurement misses its goal (p99 under 250 ms, no stale decision in one process)${typeof p99 === 'number' ? `: p99 ${p99} ms` : ''}.`;
      }),
    ],
    freshness: { days: 30, from: [P.sloPropagation] },
  },
  {
    controlId: 'CW-AC-03',
    title: 'Policy administration is itself a privileged, policy-decided action',
    kind: 'system-control',
    description:
      'Editing, retiring or simulating policies are sensitive actions in the action table, granted only to the policy administrator role and decided by the same PDP, so the right to change access rules is itself controlled and recorded.',
    soc2: ['CC6.1', 'CC6.3'],
    iso27001: ['A.8.2', 'A.5.15'],
    method: 'EXAMINE',
    evidence: [P.policyBundle, P.auditEvents],
    records: [{ paths: [P.policyBundle], none: 'The policy bundle holds no policy version, so the action table cannot be shown governing administration.' }],
    facts: [mustBePositive('policy.actions', 'The policy bundle lists no actions, so no privileged action is shown to be controlled.')],
    freshness: null,
  },
  {
    controlId: 'CW-AU-01',
    title: 'Every decision and change is written to a hash-chained audit trail',
    kind: 'system-control',
    description:
      'Each access decision (allow and deny, with principal, action, resource and deciding policies) and each administrative change is appended as an audit event whose hash covers the previous event, in the same transaction as the change.',
    soc2: ['CC7.2', 'CC6.1'],
    iso27001: ['A.8.15', 'A.5.28'],
    method: 'EXAMINE',
    evidence: [P.auditEvents],
    records: [{ paths: [P.auditEvents], none: 'The audit export holds no events.' }],
    facts: [mustBePositive('audit.events', 'The audit export holds no events.')],
    freshness: null,
  },
  {
    controlId: 'CW-AU-02',
    title: 'The audit chain is re-verified from genesis for every pack',
    kind: 'system-control',
    description:
      'When the pack is built, the exported events are re-hashed from the genesis hash and the store verifies its own chain; the result, the head hash and the recipe for recomputing a hash are in the pack so an auditor can repeat the check offline.',
    soc2: ['CC7.2', 'CC4.1'],
    iso27001: ['A.8.15', 'A.8.16'],
    method: 'TEST',
    evidence: [P.auditChain, P.auditEvents],
    records: [{ paths: [P.auditEvents], none: 'The audit export holds no events, so there is no chain to verify.' }],
    facts: [
      mustBeTrue('audit.chainValid', (f) => {
        const seq = f['audit.firstBrokenSeq'];
        return `The audit chain does not verify${typeof seq === 'number' ? ` from event ${seq}` : ''}${detail(f, 'audit.brokenReason')}.`;
      }),
    ],
    freshness: null,
  },
  {
    controlId: 'CW-RS-01',
    title: 'Stored data is pinned to its region at ingest and pins never move',
    kind: 'system-control',
    description:
      'Evidence and vector shards are pinned to a tenant and region in the transaction that stores them; a trigger refuses any change to a pin, and where labels disagree with a pin the pin decides and the row is reported.',
    soc2: ['C1.1', 'CC6.7'],
    iso27001: ['A.5.12', 'A.5.34'],
    method: 'EXAMINE',
    evidence: [P.residencyReportJson, P.residencyReportCsv],
    records: [{ paths: [P.residencyReportJson], none: 'The residency report lists no stored rows, so no pin can be shown.' }],
    facts: [
      mustBeZero('residency.unpinned', (n) => `${plural(n, 'stored row is', 'stored rows are')} not pinned to a region.`),
      residencyChecksPass(['inventory.pinned', 'inventory.labels-match-pins', 'inventory.pins-resolve'], 'inventory'),
    ],
    freshness: null,
  },
  {
    controlId: 'CW-RS-02',
    title: 'Cross-region moves are denied by the PDP unless a recorded exception is in force',
    kind: 'system-control',
    description:
      'The residency guard is a Cedar policy: a move of data out of its pinned region is denied and recorded as an attempted violation unless a recorded exception covers that tenant, route and action at that moment.',
    soc2: ['CC6.7', 'C1.1'],
    iso27001: ['A.5.14', 'A.8.12'],
    method: 'EXAMINE',
    evidence: [P.residencyReportJson, P.auditEvents],
    records: [],
    facts: [
      mustBeZero('residency.violationsAllowed', (n) => `${plural(n, 'move')} across regions ${n === 1 ? 'was' : 'were'} allowed without an exception.`),
      residencyChecksPass(['violations.none-allowed', 'violations.counted-once', 'violations.outcomes-match-audit'], 'attempted-violations'),
    ],
    freshness: null,
  },
  {
    controlId: 'CW-RS-03',
    title: 'Residency exceptions are time-bounded, revocable and cited by every move they allow',
    kind: 'user-action',
    description:
      'A data steward records an exception for a tenant, route and actions with a validity window; it can be revoked, and every move made under it cites it, so each crossing can be traced to an exception that was in force at that moment.',
    soc2: ['CC6.7', 'CC8.1'],
    iso27001: ['A.5.14', 'A.5.31'],
    method: 'EXAMINE',
    evidence: [P.residencyReportJson, P.auditEvents],
    records: [],
    facts: [residencyChecksPass(['exceptions.referenced'], 'exceptions')],
    freshness: null,
  },
  {
    controlId: 'CW-RS-04',
    title: 'The residency report reconciles with the store and the audit trail',
    kind: 'system-control',
    description:
      'The residency report re-counts inventory, pins, exceptions and attempted violations against each other and against the audit trail, and states that it reconciles only when every check passes.',
    soc2: ['CC4.1', 'C1.1'],
    iso27001: ['A.5.36', 'A.5.34'],
    method: 'TEST',
    evidence: [P.residencyReportJson, P.residencyReportCsv],
    records: [],
    facts: [mustBeTrue('residency.reconciled', (f) => `The residency report does not reconcile${detail(f, 'residency.statement')}.`)],
    freshness: null,
  },
  {
    controlId: 'CW-AP-01',
    title: 'Every denial can be appealed and appeals are worked against an SLA',
    kind: 'user-action',
    description:
      'A denial carries an appeal link; the appeal is a ticket with an explicit state machine, and a business-hours SLA clock computed from the recorded events flags breaches.',
    soc2: ['P8.1', 'CC2.3'],
    iso27001: ['A.5.34', 'A.5.36'],
    method: 'EXAMINE',
    evidence: [P.appealsSummary, P.sloAppeals],
    records: [{ paths: [P.sloAppeals], none: 'No appeal ticket is recorded, so the appeals process and its SLA clock cannot be shown working.' }],
    facts: [],
    freshness: { days: 90, from: [P.sloAppeals] },
  },
  {
    controlId: 'CW-AP-02',
    title: 'Appeal decisions are signed artifacts verifiable offline',
    kind: 'system-control',
    description:
      'Each appeal decision is issued as an Ed25519-signed artifact chained to the previous one and linked to the audit event it decides; the workbench public key in the pack verifies every artifact without the workbench.',
    soc2: ['PI1.4', 'P8.1'],
    iso27001: ['A.8.24', 'A.5.33'],
    method: 'TEST',
    evidence: [P.appealDecisions, P.workbenchPublicKey],
    records: [{ paths: [P.appealDecisions], none: 'No appeal was decided in the period, so there is no signed decision to verify.' }],
    facts: [
      mustBeTrue('appeals.keyPresent', () => 'The workbench key is not present, so the decision artifacts cannot be verified.'),
      mustBeTrue('appeals.artifactsVerified', () => 'At least one decision artifact does not verify with the workbench public key.'),
    ],
    freshness: null,
  },
  {
    controlId: 'CW-VR-01',
    title: 'Expired vectors are purged by retention policy with a dry-run first and receipts per batch',
    kind: 'user-action',
    description:
      'A data steward previews exactly what a retention policy selects, then applies a checkpointed purge that writes a receipt per batch and resumes after a crash without repeating or losing a batch.',
    soc2: ['C1.2', 'P4.3'],
    iso27001: ['A.8.10', 'A.5.33'],
    method: 'EXAMINE',
    evidence: [P.sloRedaction, P.auditEvents],
    records: [{ paths: [P.sloRedaction], none: 'No redaction job is recorded, so no retention purge can be shown.' }],
    facts: [],
    freshness: { days: 90, from: [P.sloRedaction] },
  },
  {
    controlId: 'CW-VR-02',
    title: 'Each completed purge yields a signed erasure certificate',
    kind: 'system-control',
    description:
      'After a purge the policy is re-run; the certificate records what was erased per shard, the hash chain over the receipts and the count still matching (zero), and is signed so it can be checked without trusting the operator.',
    soc2: ['C1.2', 'P4.3'],
    iso27001: ['A.8.10', 'A.8.24'],
    method: 'TEST',
    evidence: [P.sloRedaction, P.auditEvents],
    records: [{ paths: [P.sloRedaction], none: 'No redaction job with receipts is recorded, so no erasure certificate can be shown.' }],
    facts: [],
    freshness: { days: 90, from: [P.sloRedaction] },
  },
  {
    controlId: 'CW-PV-01',
    title: 'Evidence packs are verified offline before they are relied on',
    kind: 'system-control',
    description:
      'Every provenance pack included is re-verified at the reference time without network access: file hashes, the Merkle root and the signature through the attestation plugin that applies; failures are recorded, not hidden.',
    soc2: ['CC2.1', 'PI1.5'],
    iso27001: ['A.5.28', 'A.5.33', 'A.8.24'],
    method: 'TEST',
    evidence: [P.provenanceSummary, P.provenanceVerifyReportsDir, P.provenancePacksDir],
    records: [{ paths: [P.provenanceSummary], none: 'No provenance pack is included, so no verification can be shown.' }],
    facts: [
      mustBeTrue('provenance.allVerified', (f) => {
        const bad = f['provenance.notVerified'];
        const all = f['provenance.packs'];
        return typeof bad === 'number' && typeof all === 'number' ? `${bad} of ${plural(all, 'provenance pack')} did not verify.` : 'At least one provenance pack did not verify.';
      }),
    ],
    freshness: null,
  },
  {
    controlId: 'CW-CM-01',
    title: 'Policy changes are versioned with author, time and full history',
    kind: 'user-action',
    description:
      'A policy administrator edits policies as Cedar text validated against the schema before it is stored; every version is kept with who changed it and when, and retired policies stay in the history.',
    soc2: ['CC8.1', 'CC6.1'],
    iso27001: ['A.8.32', 'A.8.9'],
    method: 'EXAMINE',
    evidence: [P.policyBundle, P.auditEvents],
    records: [{ paths: [P.policyBundle], none: 'The policy bundle holds no policy version.' }],
    facts: [],
    freshness: null,
  },
  {
    controlId: 'CW-CM-02',
    title: 'Policy changes are simulated against recorded decisions before they apply',
    kind: 'user-action',
    description:
      'Recorded decisions of the period are replayed against the current policy set and, when given, a proposed one, listing every decision that would change, so the effect of a change is known before it is made.',
    soc2: ['CC8.1', 'CC3.4'],
    iso27001: ['A.8.32', 'A.8.29'],
    method: 'TEST',
    evidence: [P.simulation, P.policyBundle],
    records: [{ paths: [P.simulation], none: 'No recorded decision was replayed in the period.' }],
    facts: [],
    freshness: null,
  },
  {
    controlId: 'CW-BC-01',
    title: 'Fault-injection drills show nothing is lost when a process or connection dies',
    kind: 'system-control',
    description:
      'Recorded drills kill a redaction job mid-way and resume it, drop database connections mid-transaction and corrupt packs, then check that the final state equals an uninterrupted run, nothing is half-written, the audit chain still verifies and tampering is caught.',
    soc2: ['A1.2', 'A1.3'],
    iso27001: ['A.5.30', 'A.5.29'],
    method: 'TEST',
    evidence: [P.chaosRuns],
    records: [{ paths: [P.chaosRuns], none: 'No fault-injection drill is recorded in the period.' }],
    facts: [mustBeZero('chaos.failed', (n) => `${plural(n, 'fault-injection drill')} failed in the period.`)],
    freshness: { days: 90, from: [P.chaosRuns] },
  },
  {
    controlId: 'CW-SC-01',
    title: 'A CycloneDX SBOM of the workbench is generated from the lockfile',
    kind: 'system-control',
    description:
      'Each pack carries a CycloneDX SBOM of the workbench build generated from its lockfile: every installed package with version, package URL, integrity hash, licence where known and the dependency graph.',
    soc2: ['CC9.2', 'CC7.1'],
    iso27001: ['A.5.21', 'A.5.9', 'A.8.8'],
    method: 'EXAMINE',
    evidence: [P.sbom],
    records: [{ paths: [P.sbom], none: 'The SBOM lists no components.' }],
    facts: [],
    freshness: null,
  },
  {
    controlId: 'CW-CG-01',
    title: 'API traffic is rate limited per namespace and usage is recorded',
    kind: 'system-control',
    description:
      "Cost guard shapes the workbench's own API traffic with a per-namespace rate limit, answers over-limit calls with RATE_LIMITED and a retry time, and records allowed and limited calls per namespace per minute.",
    soc2: ['A1.1', 'CC7.2'],
    iso27001: ['A.8.6', 'A.8.16'],
    method: 'EXAMINE',
    evidence: [P.budgetsUsage, P.budgetsRateLimited],
    records: [{ paths: [P.budgetsUsage], none: 'No namespace usage is recorded.' }],
    facts: [],
    freshness: { days: 30, from: [P.budgetsUsage] },
  },
  {
    controlId: 'CW-OP-01',
    title: 'Service levels are measured and reported (appeals SLA, propagation, redaction throughput)',
    kind: 'system-control',
    description:
      'The pack reports appeals SLA compliance, revocation propagation times against their goal and redaction throughput per job, computed from recorded events and runs rather than estimates.',
    soc2: ['CC4.1', 'A1.1'],
    iso27001: ['A.8.16', 'A.8.6'],
    method: 'EXAMINE',
    evidence: [P.sloAppeals, P.sloPropagation, P.sloRedaction],
    records: [
      {
        paths: [P.sloAppeals, P.sloPropagation, P.sloRedaction],
        none: 'No service-level evidence is recorded: no appeal ticket, propagation measurement or redaction job.',
      },
    ],
    facts: [],
    freshness: { days: 30, from: [P.sloAppeals, P.sloPropagation, P.sloRedaction] },
  },
];
