import { appealDecisionsCollector } from './collectors/appeal-decisions.ts';
import { auditExportCollector } from './collectors/audit-export.ts';
import { budgetsCollector } from './collectors/budgets.ts';
import { chaosRunsCollector } from './collectors/chaos-runs.ts';
import { policyBundleCollector } from './collectors/policy-bundle.ts';
import { provenancePacksCollector } from './collectors/provenance-packs.ts';
import { residencyReportCollector } from './collectors/residency-report.ts';
import { sbomCollector } from './collectors/sbom.ts';
import { simulationCollector } from './collectors/simulation.ts';
import { sloEvidenceCollector } from './collectors/slo-evidence.ts';
import { deriveCompliance } from './compliance/derive-compliance.ts';
import { deriveReport } from './report/derive-report.ts';
import type { Collector, Deriver } from './pack-file.ts';

/** Every section of a full audit pack, in the order the issue lists them (the order only shapes progress). */
export function defaultCollectors(): Collector[] {
  return [
    policyBundleCollector,
    simulationCollector,
    provenancePacksCollector,
    sloEvidenceCollector,
    chaosRunsCollector,
    budgetsCollector,
    auditExportCollector,
    residencyReportCollector,
    appealDecisionsCollector,
    sbomCollector,
  ];
}

/** The compliance files first (control map, OSCAL), then report.pdf, which summarises them. */
export function defaultDerivers(): Deriver[] {
  return [deriveCompliance, deriveReport];
}
