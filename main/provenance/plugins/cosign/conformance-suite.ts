import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ConformanceRow, ConformanceSuite } from '../../conformance/matrix.ts';
import { EXIT_VERIFIED, verifyBundleCli } from './conformance-client.ts';

export const SIGSTORE_FAMILY = 'sigstore-conformance';
export const SIGSTORE_FOLDER = 'sigstore-conformance';

// The corpus rules (INDEX.md): defaults when a case has no identity / issuer file.
export const DEFAULT_IDENTITY =
  'https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main';
export const DEFAULT_ISSUER = 'https://token.actions.githubusercontent.com';

function optionalText(file: string): string | undefined {
  // Only the line break a text editor adds is dropped; an identity is otherwise exact.
  return existsSync(file) ? readFileSync(file, 'utf8').replace(/\r?\n$/, '') : undefined;
}

function firstError(lines: string[]): string | undefined {
  return lines.find((l) => !l.startsWith('warning: '));
}

/** The command line a case means: identity or key, its trusted root, and the artifact. */
export function caseArguments(root: string, name: string): { args: string[]; artifact: string } {
  const dir = join(root, 'cases', name);
  const artifact = existsSync(join(dir, 'artifact')) ? join(dir, 'artifact') : join(root, 'cases', 'a.txt');
  const trustedRoot = existsSync(join(dir, 'trusted_root.json')) ? join(dir, 'trusted_root.json') : join(root, 'production_trusted_root.json');
  const policy = existsSync(join(dir, 'key.pub'))
    ? ['--key', join(dir, 'key.pub')]
    : ['--certificate-identity', optionalText(join(dir, 'identity')) ?? DEFAULT_IDENTITY, '--certificate-oidc-issuer', optionalText(join(dir, 'issuer')) ?? DEFAULT_ISSUER];
  return { args: ['verify-bundle', '--bundle', join(dir, 'bundle.sigstore.json'), ...policy, '--trusted-root', trustedRoot], artifact };
}

async function runOne(id: string, expected: 'pass' | 'fail', argv: string[]): Promise<ConformanceRow> {
  const stderr: string[] = [];
  const code = await verifyBundleCli(argv, { stdout: () => {}, stderr: (l) => stderr.push(l) });
  const got = code === EXIT_VERIFIED ? 'pass' : 'fail';
  const note = got === 'fail' ? firstError(stderr) : undefined;
  return { family: SIGSTORE_FAMILY, id, expected, got, ...(note !== undefined ? { note } : {}) };
}

/**
 * sigstore-conformance bundle-verify cases through our conformance client, each with the
 * artifact file and again with only its `sha256:` digest, as upstream runs them. A case
 * whose folder name ends in `_fail` must fail; every other case must verify.
 */
export const sigstoreConformanceSuite: ConformanceSuite = {
  family: SIGSTORE_FAMILY,
  folder: SIGSTORE_FOLDER,
  async run(corpusRoot: string): Promise<ConformanceRow[]> {
    const root = join(corpusRoot, SIGSTORE_FOLDER);
    if (!existsSync(join(root, 'cases'))) {
      return [{ family: SIGSTORE_FAMILY, id: SIGSTORE_FOLDER, expected: 'pass', got: 'skip', note: `corpus folder ${SIGSTORE_FOLDER}/cases is absent` }];
    }
    const names = readdirSync(join(root, 'cases'))
      .filter((n) => statSync(join(root, 'cases', n)).isDirectory())
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const rows: ConformanceRow[] = [];
    for (const name of names) {
      const expected = name.endsWith('_fail') ? 'fail' : 'pass';
      const { args, artifact } = caseArguments(root, name);
      rows.push(await runOne(name, expected, [...args, artifact]));
      const digest = `sha256:${createHash('sha256').update(readFileSync(artifact)).digest('hex')}`;
      rows.push(await runOne(`${name} [digest]`, expected, [...args, digest]));
    }
    return rows;
  },
};
