import { warmCache } from '../../../main/provenance/trust-cache.ts';
import { EXIT, UsageError, parseFlags, type Subcommand } from '../cli-kit.ts';

export const cacheCommand: Subcommand = {
  name: 'cache',
  summary: 'fill the offline trust cache (trusted roots, anchors, CRLs, TUF metadata, log keys) from a folder or URL',
  usage: 'cache warm --from <dir|URL> --cache DIR',
  async run(argv, io) {
    const [verb, ...rest] = argv;
    if (verb !== 'warm') throw new UsageError('the only cache command is `cache warm`');
    const { values } = parseFlags(rest, { from: { type: 'string' }, cache: { type: 'string' } }, false);
    if (!values.from || !values.cache) throw new UsageError('--from and --cache are required');
    const r = await warmCache(values.from, values.cache);
    io.stdout(`cached ${r.files} files (${r.bytes} bytes) from ${r.source} into ${values.cache}\n`);
    return EXIT.OK;
  },
};
