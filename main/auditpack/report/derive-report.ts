import type { Deriver } from '../pack-file.ts';
import { PACK_PATHS } from '../pack-paths.ts';
import { evaluateControlMap } from '../compliance/control-map.ts';
import { reportPdf } from './report-pdf.ts';

/**
 * report.pdf: summary, control map, charts and evidence pointers. The control map is judged
 * again from the same input rather than read back from compliance/control-map.json, so the
 * report does not depend on deriver order; the judgement is deterministic, so both agree.
 */
export const deriveReport: Deriver = async (input) => {
  const rows = evaluateControlMap(input);
  return [
    {
      path: PACK_PATHS.report,
      section: 'report',
      title: 'Audit pack report (PDF): summary, control map, service-level charts, evidence pointers',
      mediaType: 'application/pdf',
      data: await reportPdf(input, rows),
      asOf: input.at,
    },
  ];
};
