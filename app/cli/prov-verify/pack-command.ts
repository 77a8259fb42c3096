import { readFile } from 'node:fs/promises';
import { WorkbenchError } from '../../../shared/api/errors.ts';
import { createPack } from '../../../main/provenance/pack/create-pack.ts';
import { writePackArchive } from '../../../main/provenance/pack/pack-archive.ts';
import { EXIT, UsageError, parseFlags, type Subcommand } from '../cli-kit.ts';
import { parseAt } from './reference-time.ts';

async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    throw new WorkbenchError('NOT_FOUND', `cannot read ${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

export const packCommand: Subcommand = {
  name: 'pack',
  summary: 'make a folder of evidence into a signed pack: manifest.json with the Merkle root, signature material in attestations/',
  usage: 'pack <dir> --key KEY.pem [--cert CHAIN.pem] [--rsa-pss] [--created-at T] [--out PACK.tgz]',
  async run(argv, io) {
    const { values, positionals } = parseFlags(argv, {
      key: { type: 'string' },
      cert: { type: 'string' },
      'rsa-pss': { type: 'boolean' },
      'created-at': { type: 'string' },
      out: { type: 'string' },
    });
    if (positionals.length !== 1) throw new UsageError('pack takes exactly one folder');
    if (!values.key) throw new UsageError('--key is required');
    const dir = positionals[0]!;
    const created = await createPack(dir, {
      keyPem: await readText(values.key, 'key'),
      ...(values.cert ? { chainPem: await readText(values.cert, 'certificate chain') } : {}),
      createdAt: values['created-at'] ? parseAt(values['created-at']) : new Date(),
      rsaPss: values['rsa-pss'] ?? false,
    });
    io.stdout(`packed ${created.manifest.files.length} files in ${dir}\n  merkle root ${created.manifest.merkle.root}\n  signed by   ${created.manifest.signer.subject}\n  wrote       manifest.json, ${created.attestationFiles.join(', ')}\n`);
    if (values.out) {
      await writePackArchive(dir, values.out);
      io.stdout(`  archive     ${values.out}\n`);
    }
    return EXIT.OK;
  },
};
