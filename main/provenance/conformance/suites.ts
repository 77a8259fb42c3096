import type { ConformanceSuite } from './matrix.ts';
import { sigstoreConformanceSuite } from '../plugins/cosign/conformance-suite.ts';
import { tufConformanceSuite } from '../plugins/tuf-root/conformance.ts';
import { merkleConformanceSuite } from '../merkle/conformance.ts';
import { tlogConformanceSuite } from '../tlog/conformance.ts';
import { x509LimboSuite } from '../plugins/x509-pki/conformance-suite.ts';

/** Every suite the conformance runner knows, in report order. */
export const conformanceSuites: ConformanceSuite[] = [sigstoreConformanceSuite, x509LimboSuite, tufConformanceSuite, merkleConformanceSuite, tlogConformanceSuite];

/** The goals from the issues; `npm test` fails when one is missed. */
export const conformanceGoals: Record<string, { minRight: (cases: number) => number; describe: string; noAcceptedFailures: boolean }> = {
  'sigstore-conformance': { minRight: (n) => n, describe: 'every case right', noAcceptedFailures: true },
  tuf: { minRight: (n) => n, describe: 'every case right', noAcceptedFailures: true },
  'x509-limbo': { minRight: () => 155, describe: 'at least 155 of 163 right', noAcceptedFailures: true },
  merkle: { minRight: (n) => n, describe: 'every probe agrees with wantErr', noAcceptedFailures: true },
  tlog: { minRight: (n) => n, describe: 'every case right', noAcceptedFailures: true },
};
