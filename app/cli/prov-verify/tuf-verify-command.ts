import canonicalize from 'canonicalize';
import { verifyTufTarget } from '../../../main/provenance/plugins/tuf-root/verify-tuf-target.ts';
import { formatTufVerifyResult } from '../../../main/provenance/plugins/tuf-root/format-result.ts';
import { EXIT, UsageError, parseFlags, type Subcommand } from '../cli-kit.ts';
import { parseAt } from './reference-time.ts';

export const tufVerifyCommand: Subcommand = {
  name: 'tuf-verify',
  summary: 'verify a TUF repository as of a reference time, down to one target (exit 0 only when the target verifies)',
  usage: 'tuf-verify --root <initial_root.json> --repo <dir|URL> --target <name> [--at T] [--trusted-state DIR] [--json]',
  async run(argv, io) {
    const { values } = parseFlags(argv, {
      root: { type: 'string' },
      repo: { type: 'string' },
      target: { type: 'string' },
      at: { type: 'string' },
      'trusted-state': { type: 'string' },
      json: { type: 'boolean' },
    }, false);
    if (!values.root || !values.repo || !values.target) throw new UsageError('--root, --repo and --target are required');
    const result = await verifyTufTarget({
      initialRoot: values.root,
      repo: values.repo,
      target: values.target,
      at: values.at ? parseAt(values.at) : new Date(),
      ...(values['trusted-state'] ? { trustedState: values['trusted-state'] } : {}),
    });
    io.stdout(values.json ? canonicalize(result) + '\n' : formatTufVerifyResult(values.target, result));
    return result.ok ? EXIT.OK : EXIT.NEGATIVE;
  },
};
