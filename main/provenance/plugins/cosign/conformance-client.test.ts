import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clone, flipBase64, makeCosignFixtures, sha256Hex, writeCosignFixtures } from '../../../../fixtures/verify/cosign/make-cosign-fixtures.ts';
import { EMPTY_TRUSTED_ROOT } from './trusted-root.ts';
import { EXIT_NOT_VERIFIED, EXIT_USAGE, EXIT_VERIFIED, VERIFY_BUNDLE_USAGE, verifyBundleCli } from './conformance-client.ts';

const tmp = mkdtempSync(join(tmpdir(), 'cosign-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const fx = makeCosignFixtures();
let f: Record<string, string>;
beforeAll(async () => {
  f = await writeCosignFixtures(tmp, fx);
});

async function run(argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await verifyBundleCli(argv, { stdout: (l) => out.push(l), stderr: (l) => err.push(l) });
  return { code, out, err };
}

describe('verify-bundle (sigstore-conformance client protocol)', () => {
  it('exits 0 for a good key-based bundle, with the artifact file or its digest', async () => {
    const r = await run(['verify-bundle', '--bundle', f['message.sigstore.json']!, '--key', f['key.pub']!, f.payload!]);
    expect(r).toEqual({ code: EXIT_VERIFIED, out: [`OK: ${f.payload}`], err: ['warning: the bundle carries no transparency-log entry and no timestamp: when it was signed is not attested'] });
    const digest = `sha256:${sha256Hex(fx.payload)}`;
    expect((await run(['--bundle', f['dsse.sigstore.json']!, '--key', f['key.pub']!, digest])).code).toBe(EXIT_VERIFIED);
  });

  it('exits 1 with the reason for another key or a tampered bundle', async () => {
    const wrong = await run(['verify-bundle', '--bundle', f['message.sigstore.json']!, '--key', f['other-key.pub']!, f.payload!]);
    expect(wrong.code).toBe(EXIT_NOT_VERIFIED);
    expect(wrong.err.at(-1)).toBe('SIGSTORE: SIGNATURE_ERROR: signature verification failed');
    const b = clone(fx.dsseBundle) as { dsseEnvelope: { signatures: { sig: string }[] } };
    b.dsseEnvelope.signatures[0]!.sig = flipBase64(b.dsseEnvelope.signatures[0]!.sig, 40);
    const tampered = join(tmp, 'tampered.json');
    writeFileSync(tampered, JSON.stringify(b));
    expect((await run(['verify-bundle', '--bundle', tampered, '--key', f['key.pub']!, f.payload!])).code).toBe(EXIT_NOT_VERIFIED);
  });

  it('exits 1 for a bundle that is not JSON, or a key-based bundle checked by identity', async () => {
    const broken = join(tmp, 'broken.json');
    writeFileSync(broken, '{"mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json"');
    const r = await run(['verify-bundle', '--bundle', broken, '--key', f['key.pub']!, f.payload!]);
    expect(r.code).toBe(EXIT_NOT_VERIFIED);
    expect(r.err[0]).toMatch(/^BAD_BUNDLE: the bundle is not JSON: /);
    const byId = await run(['verify-bundle', '--bundle', f['message.sigstore.json']!, '--certificate-identity', 'a', '--certificate-oidc-issuer', 'b', f.payload!]);
    expect(byId).toMatchObject({ code: EXIT_NOT_VERIFIED, err: ['NO_TRUST: the bundle is signed with a public key but no public key was given'] });
  });

  it('exits 1 naming what it cannot read', async () => {
    const missing = join(tmp, 'nope');
    const r = await run(['verify-bundle', '--bundle', f['message.sigstore.json']!, '--key', f['key.pub']!, missing]);
    expect(r.code).toBe(EXIT_NOT_VERIFIED);
    expect(r.err[0]!.startsWith(`BAD_INPUT: cannot read artifact ${missing}: `)).toBe(true);
    const bad = await run(['verify-bundle', '--bundle', f['message.sigstore.json']!, '--key', f['key.pub']!, 'sha256:00']);
    expect(bad).toMatchObject({ code: EXIT_NOT_VERIFIED, err: ['BAD_INPUT: artifact digest "sha256:00" is not sha256: followed by 64 hex digits'] });
  });

  it('reads the trusted root from --trusted-root or <--offline-cache-dir>/sigstore/trusted_root.json', async () => {
    const cache = join(tmp, 'cache');
    mkdirSync(join(cache, 'sigstore'), { recursive: true });
    writeFileSync(join(cache, 'sigstore', 'trusted_root.json'), JSON.stringify({ ...EMPTY_TRUSTED_ROOT, tlogs: [{ publicKey: {} }] }));
    const viaCache = await run(['verify-bundle', '--bundle', f['message.sigstore.json']!, '--key', f['key.pub']!, '--offline-cache-dir', cache, f.payload!]);
    expect(viaCache).toMatchObject({ code: EXIT_NOT_VERIFIED, err: ['BAD_TRUSTED_ROOT: tlogs[0].publicKey.validFor.start is missing'] });
    const missing = join(tmp, 'no-root.json');
    const viaFlag = await run(['verify-bundle', '--bundle', f['message.sigstore.json']!, '--key', f['key.pub']!, '--trusted-root', missing, f.payload!]);
    expect(viaFlag.code).toBe(EXIT_NOT_VERIFIED);
    expect(viaFlag.err[0]!.startsWith(`NO_TRUST: cannot read trusted root ${missing}: `)).toBe(true);
  });

  it.each([
    [['verify-bundle', '--key', 'k', 'a'], 'BAD_INPUT: --bundle is required'],
    [['verify-bundle', '--bundle', 'b', 'a'], 'BAD_INPUT: give --certificate-identity and --certificate-oidc-issuer, or --key'],
    [['verify-bundle', '--bundle', 'b', '--certificate-identity', 'i', 'a'], 'BAD_INPUT: --certificate-identity and --certificate-oidc-issuer go together'],
    [['verify-bundle', '--bundle', 'b', '--key', 'k', '--certificate-identity', 'i', '--certificate-oidc-issuer', 'u', 'a'], 'BAD_INPUT: --key excludes --certificate-identity/--certificate-oidc-issuer'],
    [['verify-bundle', '--bundle', 'b', '--key', 'k'], 'BAD_INPUT: expected one FILE_OR_DIGEST operand, got 0'],
    [['verify-bundle', '--bundle', 'b', '--key', 'k', '--trusted-root', 't', '--offline-cache-dir', 'd', 'a'], 'BAD_INPUT: --trusted-root excludes --offline-cache-dir'],
  ])('exits 2 on bad usage: %j', async (argv, message) => {
    expect(await run(argv)).toEqual({ code: EXIT_USAGE, out: [], err: [message, VERIFY_BUNDLE_USAGE] });
  });

  it('exits 2 on an unknown flag', async () => {
    const r = await run(['verify-bundle', '--staging', '--bundle', 'b', '--key', 'k', 'a']);
    expect(r.code).toBe(EXIT_USAGE);
    expect(r.err[0]).toMatch(/^BAD_INPUT: Unknown option '--staging'/);
  });
});
