import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { makeCosignFixtures } from '../../../../fixtures/verify/cosign/make-cosign-fixtures.ts';
import type { PluginInput } from '../plugin.ts';
import { cosignPlugin, COSIGN_PLUGIN_NAME } from './cosign-plugin.ts';

const AT = new Date('2026-01-01T00:00:00Z');
const fx = makeCosignFixtures();
const input = (over: Partial<PluginInput> = {}): PluginInput => ({
  manifest: JSON.parse(fx.payload.toString()),
  payload: fx.payload,
  root: '00'.repeat(32),
  bundle: fx.messageBundle,
  at: AT,
  options: { publicKey: fx.key.publicKeyPem },
  ...over,
});
const tmp = mkdtempSync(join(tmpdir(), 'cosign-plugin-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('cosign attestation plugin', () => {
  it('is named cosign and applies only to packs that carry a Sigstore bundle', () => {
    expect(cosignPlugin.name).toBe(COSIGN_PLUGIN_NAME);
    expect(cosignPlugin.applies(input())).toBe(true);
    expect(cosignPlugin.applies(input({ bundle: undefined }))).toBe(false);
  });

  it('verifies a key-based bundle over the manifest bytes', async () => {
    const r = await cosignPlugin.verify(input());
    expect(r.ok).toBe(true);
    expect(r.errors).toEqual([]);
    expect(r.details?.verificationMaterial).toBe('publicKey');
  });

  it('verifies a DSSE bundle whose in-toto subject is the manifest', async () => {
    expect((await cosignPlugin.verify(input({ bundle: fx.dsseBundle }))).ok).toBe(true);
  });

  it('refuses a manifest that is not the signed one', async () => {
    const r = await cosignPlugin.verify(input({ payload: Buffer.concat([fx.payload, Buffer.from(' ')]) }));
    expect(r).toMatchObject({ ok: false, errors: ["ARTIFACT_MISMATCH: the bundle's messageDigest is not the artifact's sha256 digest"] });
  });

  it('fails closed on a missing bundle and on malformed options, naming the option', async () => {
    expect(await cosignPlugin.verify(input({ bundle: undefined }))).toMatchObject({ ok: false, errors: ['BAD_INPUT: the pack carries no Sigstore bundle'] });
    expect(await cosignPlugin.verify(input({ options: { publicKey: 42 } }))).toMatchObject({ ok: false, errors: ['BAD_INPUT: options.publicKey must be a non-empty string'] });
    expect(await cosignPlugin.verify(input({ options: { identity: '' } }))).toMatchObject({ ok: false, errors: ['BAD_INPUT: options.identity must be a non-empty string'] });
    expect(await cosignPlugin.verify(input({ options: { publicKey: fx.key.publicKeyPem, trustedRoot: 7 } }))).toMatchObject({
      ok: false,
      errors: ['BAD_INPUT: options.trustedRoot must be a trusted-root JSON object or a path to one'],
    });
  });

  it('needs no trusted root for an entry-less key bundle, even with an empty cache folder', async () => {
    expect((await cosignPlugin.verify(input({ offlineCacheDir: join(tmp, 'empty-cache') }))).ok).toBe(true);
  });
});

const CORPUS = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../../shared/corpus/sigstore-conformance');

describe.skipIf(!existsSync(join(CORPUS, 'cases')))('keyless through the offline cache [skipped when ../shared/corpus/sigstore-conformance is absent]', () => {
  const ID = 'https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main';
  const ISSUER = 'https://token.actions.githubusercontent.com';
  const a = readFileSync(join(CORPUS, 'cases', 'a.txt'));
  const bundle = JSON.parse(readFileSync(join(CORPUS, 'cases', 'happy-path-v0.3', 'bundle.sigstore.json'), 'utf8'));
  const keyless = (over: Partial<PluginInput>): PluginInput => input({ payload: a, bundle, options: { identity: ID, issuer: ISSUER }, ...over });

  it('reads <offlineCacheDir>/sigstore/trusted_root.json', async () => {
    const cache = join(tmp, 'cache');
    mkdirSync(join(cache, 'sigstore'), { recursive: true });
    cpSync(join(CORPUS, 'production_trusted_root.json'), join(cache, 'sigstore', 'trusted_root.json'));
    const r = await cosignPlugin.verify(keyless({ offlineCacheDir: cache }));
    expect(r.ok).toBe(true);
    expect(r.details).toMatchObject({ signerIdentity: ID, issuer: ISSUER, tlogEntries: [{ logIndex: '79571823', integratedTime: '2024-03-19T17:26:26.000Z' }] });
  });

  it('prefers options.trustedRoot (a path) over the cache', async () => {
    const cache = join(tmp, 'bad-cache');
    mkdirSync(join(cache, 'sigstore'), { recursive: true });
    writeFileSync(join(cache, 'sigstore', 'trusted_root.json'), '{');
    const viaPath = keyless({ offlineCacheDir: cache, options: { identity: ID, issuer: ISSUER, trustedRoot: join(CORPUS, 'production_trusted_root.json') } });
    expect((await cosignPlugin.verify(viaPath)).ok).toBe(true);
    const r = await cosignPlugin.verify(keyless({ offlineCacheDir: cache }));
    expect(r.ok).toBe(false);
    expect(r.errors?.[0]).toMatch(/^BAD_TRUSTED_ROOT: trusted root .*trusted_root\.json is not JSON/);
  });

  it('refuses a keyless bundle when no trusted root is pinned', async () => {
    expect(await cosignPlugin.verify(keyless({}))).toMatchObject({
      ok: false,
      errors: ['NO_TRUST: no trusted root was given and the bundle needs one (certificate, log entry or timestamp)'],
    });
  });

  it('refuses a signature attested after the reference time', async () => {
    const r = await cosignPlugin.verify(keyless({ at: new Date('2024-01-01T00:00:00Z'), options: { identity: ID, issuer: ISSUER, trustedRoot: join(CORPUS, 'production_trusted_root.json') } }));
    expect(r.errors).toEqual(['TIME: the signature is attested at 2024-03-19T17:26:26.000Z (tlog), after the reference time 2024-01-01T00:00:00.000Z']);
  });
});
