import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { Deriver, PackFile } from '../pack-file.ts';
import { PACK_PATHS } from '../pack-paths.ts';
import { controlMapCsv, controlMapJson, evaluateControlMap } from './control-map.ts';
import { assessmentResults } from './oscal-assessment-results.ts';

const CONTROL_MAP_JSON_TITLE = 'Control map (JSON): workbench controls, SOC 2 / ISO 27001 ids, evidence and status';

/**
 * The compliance section: the control map judged from everything collected (CSV and canonical
 * JSON) and the same judgement as OSCAL assessment results citing each evidence file's hash.
 */
export const deriveCompliance: Deriver = async (input) => {
  const rows = evaluateControlMap(input);
  const json = controlMapJson(rows);
  const oscal = assessmentResults(input, rows, {
    path: PACK_PATHS.controlMapJson,
    sha256: createHash('sha256').update(json).digest('hex'),
    mediaType: 'application/json',
    title: CONTROL_MAP_JSON_TITLE,
  });
  const files: PackFile[] = [
    {
      path: PACK_PATHS.controlMapCsv,
      section: 'compliance',
      title: 'Control map (CSV): workbench controls, SOC 2 / ISO 27001 ids, evidence and status',
      mediaType: 'text/csv',
      data: controlMapCsv(rows),
      records: rows.length,
      asOf: input.at,
    },
    {
      path: PACK_PATHS.controlMapJson,
      section: 'compliance',
      title: CONTROL_MAP_JSON_TITLE,
      mediaType: 'application/json',
      data: json,
      records: rows.length,
      asOf: input.at,
    },
    {
      path: PACK_PATHS.oscalAssessmentResults,
      section: 'compliance',
      title: 'OSCAL 1.1.2 assessment results citing the evidence by SHA-256',
      mediaType: 'application/json',
      data: Buffer.from(canonicalize(oscal)! + '\n', 'utf8'),
      records: rows.length,
      asOf: input.at,
    },
  ];
  return files;
};
