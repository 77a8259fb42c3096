import { VERIFY_BUNDLE_USAGE, verifyBundleCli } from '../../../main/provenance/plugins/cosign/conformance-client.ts';
import type { Subcommand } from '../cli-kit.ts';

/** The sigstore-conformance client protocol, so outside suites can drive the cosign plugin. */
export const verifyBundleCommand: Subcommand = {
  name: 'verify-bundle',
  summary: 'verify one Sigstore bundle as the sigstore-conformance client protocol asks (exit 0 only when verified)',
  usage: VERIFY_BUNDLE_USAGE.replace(/^usage:\s*/, ''),
  run: (argv, io) =>
    verifyBundleCli(argv, {
      stdout: (line) => io.stdout(line + '\n'),
      stderr: (line) => io.stderr(line + '\n'),
    }),
};
