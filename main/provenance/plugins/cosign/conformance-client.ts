import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { isDigestArgument, parseDigestArgument, type ArtifactInput } from './artifact-input.ts';
import { CosignError, describeError } from './cosign-error.ts';
import { loadTrustedRootJson } from './trusted-root.ts';
import { verifySigstoreBundle } from './verify-bundle.ts';

export const VERIFY_BUNDLE_USAGE =
  'usage: verify-bundle --bundle FILE (--certificate-identity I --certificate-oidc-issuer U | --key PEM_FILE) ' +
  '[--trusted-root FILE | --offline-cache-dir DIR] FILE_OR_DIGEST';

/** Exit codes: 0 verified, 1 not verified, 2 bad usage. */
export const EXIT_VERIFIED = 0;
export const EXIT_NOT_VERIFIED = 1;
export const EXIT_USAGE = 2;

export interface CliIo {
  stdout(line: string): void;
  stderr(line: string): void;
}

const processIo: CliIo = {
  stdout: (line) => process.stdout.write(line + '\n'),
  stderr: (line) => process.stderr.write(line + '\n'),
};

interface ParsedArgs {
  bundle: string;
  identity?: string;
  issuer?: string;
  key?: string;
  trustedRoot?: string;
  offlineCacheDir?: string;
  target: string;
}

function parse(argv: string[]): ParsedArgs {
  const args = argv[0] === 'verify-bundle' ? argv.slice(1) : argv;
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      bundle: { type: 'string' },
      'certificate-identity': { type: 'string' },
      'certificate-oidc-issuer': { type: 'string' },
      key: { type: 'string' },
      'trusted-root': { type: 'string' },
      'offline-cache-dir': { type: 'string' },
    },
  });
  if (positionals.length !== 1) throw new CosignError('BAD_INPUT', `expected one FILE_OR_DIGEST operand, got ${positionals.length}`);
  if (values.bundle === undefined) throw new CosignError('BAD_INPUT', '--bundle is required');
  const identity = values['certificate-identity'];
  const issuer = values['certificate-oidc-issuer'];
  const keyless = identity !== undefined || issuer !== undefined;
  if (keyless && values.key !== undefined) throw new CosignError('BAD_INPUT', '--key excludes --certificate-identity/--certificate-oidc-issuer');
  if (!keyless && values.key === undefined) throw new CosignError('BAD_INPUT', 'give --certificate-identity and --certificate-oidc-issuer, or --key');
  if (keyless && (identity === undefined || issuer === undefined)) throw new CosignError('BAD_INPUT', '--certificate-identity and --certificate-oidc-issuer go together');
  if (values['trusted-root'] !== undefined && values['offline-cache-dir'] !== undefined) throw new CosignError('BAD_INPUT', '--trusted-root excludes --offline-cache-dir');
  return {
    bundle: values.bundle,
    target: positionals[0]!,
    ...(identity !== undefined ? { identity } : {}),
    ...(issuer !== undefined ? { issuer } : {}),
    ...(values.key !== undefined ? { key: values.key } : {}),
    ...(values['trusted-root'] !== undefined ? { trustedRoot: values['trusted-root'] } : {}),
    ...(values['offline-cache-dir'] !== undefined ? { offlineCacheDir: values['offline-cache-dir'] } : {}),
  };
}

async function readInput(path: string, what: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (e) {
    throw new CosignError('BAD_INPUT', `cannot read ${what} ${path}: ${(e as Error).message}`);
  }
}

/**
 * The sigstore-conformance client's `verify-bundle` command, offline: the trusted root
 * comes from --trusted-root or --offline-cache-dir, never from TUF. Returns the exit code
 * (0 only when verified); the first line on stderr says why not.
 */
export async function verifyBundleCli(argv: string[], io: CliIo = processIo): Promise<number> {
  let args: ParsedArgs;
  try {
    args = parse(argv);
  } catch (e) {
    io.stderr(e instanceof CosignError ? `${e.code}: ${e.message}` : `BAD_INPUT: ${(e as Error).message}`);
    io.stderr(VERIFY_BUNDLE_USAGE);
    return EXIT_USAGE;
  }
  try {
    const bundleText = (await readInput(args.bundle, 'bundle')).toString('utf8');
    let bundle: unknown;
    try {
      bundle = JSON.parse(bundleText);
    } catch (e) {
      throw new CosignError('BAD_BUNDLE', `the bundle is not JSON: ${(e as Error).message}`);
    }
    const artifact: ArtifactInput = isDigestArgument(args.target)
      ? parseDigestArgument(args.target)
      : { kind: 'bytes', bytes: await readInput(args.target, 'artifact') };
    const publicKey = args.key === undefined ? undefined : (await readInput(args.key, 'key')).toString('utf8');
    const trustedRoot = loadTrustedRootJson(args.trustedRoot, args.offlineCacheDir);
    const r = verifySigstoreBundle({ bundle, artifact, trustedRoot, publicKey, identity: args.identity, issuer: args.issuer });
    for (const w of r.warnings) io.stderr(`warning: ${w}`);
    if (!r.ok) {
      for (const err of r.errors) io.stderr(err);
      return EXIT_NOT_VERIFIED;
    }
    io.stdout(`OK: ${args.target}`);
    return EXIT_VERIFIED;
  } catch (e) {
    io.stderr(describeError(e));
    return EXIT_NOT_VERIFIED;
  }
}
