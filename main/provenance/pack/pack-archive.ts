import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { WorkbenchError } from '../../../shared/api/errors.ts';
import { Manifest } from '../../../shared/domain/provenance.ts';
import { writeDeterministicTgz, type TgzEntry } from './deterministic-tgz.ts';
import { comparePaths } from './file-leaf.ts';
import { ATTESTATION_DIR, MANIFEST_NAME } from './pack-layout.ts';
import { readFile } from 'node:fs/promises';

async function listFiles(dir: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(join(dir, rel), { withFileTypes: true })) {
    const childRel = rel ? `${rel}/${entry.name}` : entry.name;
    const s = await lstat(join(dir, childRel));
    if (s.isDirectory()) out.push(...(await listFiles(dir, childRel)));
    else if (s.isFile()) out.push(childRel);
    else throw new WorkbenchError('BAD_INPUT', `${childRel}: only regular files can go into a pack archive`);
  }
  return out;
}

/**
 * Archives a signed pack folder as a reproducible .tgz: manifest.json first (so a
 * verifier can stop reading oversized entries early), then attestations/, then evidence,
 * each group in bytewise path order; every entry dated at the manifest's createdAt.
 */
export async function writePackArchive(dir: string, out: string): Promise<void> {
  const manifestBytes = await readFile(join(dir, MANIFEST_NAME)).catch(() => {
    throw new WorkbenchError('BAD_INPUT', `${dir} has no ${MANIFEST_NAME}: run \`prov-verify pack\` first`);
  });
  const manifest = Manifest.parse(JSON.parse(manifestBytes.toString('utf8')));
  const files = (await listFiles(dir)).filter((f) => f !== MANIFEST_NAME);
  const rank = (p: string) => (p.startsWith(ATTESTATION_DIR + '/') ? 0 : 1);
  files.sort((a, b) => rank(a) - rank(b) || comparePaths(a, b));
  const entries: TgzEntry[] = [{ name: MANIFEST_NAME, data: manifestBytes }];
  for (const f of files) entries.push({ name: f, data: { file: join(dir, f), size: (await lstat(join(dir, f))).size } });
  await writeDeterministicTgz(out, entries, new Date(manifest.createdAt));
}
