import { runLimboFile } from '../../../main/provenance/plugins/x509-pki/limbo-harness.ts';
import { EXIT, UsageError, parseFlags, type Subcommand } from '../cli-kit.ts';
import { parseAt } from './reference-time.ts';

/** The x509-limbo harness: runs each case through our path validator, prints the results format. */
export const x509LimboCommand: Subcommand = {
  name: 'x509-limbo',
  summary: 'run x509-limbo cases through the x509-pki path validator and print the limbo results JSON',
  usage: 'x509-limbo <cases.json> [--at T]',
  async run(argv, io) {
    const { values, positionals } = parseFlags(argv, { at: { type: 'string' } });
    if (positionals.length !== 1) throw new UsageError('x509-limbo takes one cases file');
    // Cases without their own validation time are judged at --at (default: now).
    io.stdout(JSON.stringify(runLimboFile(positionals[0]!, { now: values.at ? parseAt(values.at) : new Date() })) + '\n');
    return EXIT.OK;
  },
};
