/**
 * Where each piece of evidence lives inside an audit pack. Collectors write these paths,
 * the control map points at them, and a test checks every pointer resolves in a built pack.
 */
export const PACK_PATHS = {
  index: 'index.json',
  report: 'report.pdf',
  policyBundle: 'policy/policy-bundle.json',
  simulation: 'simulation/simulation-report.json',
  /** Provenance packs sit under provenance/packs/<name>/ (folders) or provenance/packs/<name>.tgz. */
  provenancePacksDir: 'provenance/packs',
  provenanceVerifyReportsDir: 'provenance/verify-reports',
  provenanceSummary: 'provenance/summary.json',
  sloAppeals: 'slo/appeals-sla.json',
  sloPropagation: 'slo/propagation.json',
  sloRedaction: 'slo/redaction-throughput.json',
  chaosRuns: 'chaos/chaos-runs.json',
  budgetsUsage: 'budgets/namespace-usage.json',
  budgetsRateLimited: 'budgets/rate-limited-calls.json',
  auditEvents: 'audit/audit-events.jsonl',
  auditChain: 'audit/chain-verification.json',
  residencyReportJson: 'residency/residency-report.json',
  residencyReportCsv: 'residency/residency-report.csv',
  appealDecisions: 'appeals/decisions.jsonl',
  appealsSummary: 'appeals/summary.json',
  workbenchPublicKey: 'appeals/workbench-public-key.pem',
  sbom: 'sbom/workbench.cdx.json',
  controlMapCsv: 'compliance/control-map.csv',
  controlMapJson: 'compliance/control-map.json',
  oscalAssessmentResults: 'compliance/assessment-results.json',
} as const;
