import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkTrustedRootJson, EMPTY_TRUSTED_ROOT, loadTrustedRootJson, trustMaterialFrom } from './trusted-root.ts';

const START = { start: '2021-01-01T00:00:00Z' };
const rootWith = (extra: Record<string, unknown>) => ({ ...EMPTY_TRUSTED_ROOT, ...extra });
const tmp = mkdtempSync(join(tmpdir(), 'cosign-root-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('trusted root checks', () => {
  it('accepts the empty root and entries with a validity start', () => {
    expect(() => checkTrustedRootJson(EMPTY_TRUSTED_ROOT)).not.toThrow();
    expect(() => checkTrustedRootJson(rootWith({ tlogs: [{ publicKey: { validFor: START } }], certificateAuthorities: [{ validFor: START }] }))).not.toThrow();
  });

  it.each([
    ['tlogs', { tlogs: [{ publicKey: { validFor: START } }, { publicKey: { validFor: { end: '2030-01-01T00:00:00Z' } } }] }, 'tlogs[1].publicKey.validFor.start is missing'],
    ['ctlogs', { ctlogs: [{ publicKey: {} }] }, 'ctlogs[0].publicKey.validFor.start is missing'],
    ['certificate authorities', { certificateAuthorities: [{}] }, 'certificateAuthorities[0].validFor.start is missing'],
    ['timestamp authorities', { timestampAuthorities: [{ validFor: {} }] }, 'timestampAuthorities[0].validFor.start is missing'],
  ])('rejects %s without validFor.start', (_what, extra, message) => {
    expect(() => checkTrustedRootJson(rootWith(extra))).toThrow(message);
  });

  it('rejects unreadable or inverted validity windows', () => {
    expect(() => checkTrustedRootJson(rootWith({ certificateAuthorities: [{ validFor: { start: 'yesterday' } }] }))).toThrow('certificateAuthorities[0].validFor.start is not an RFC 3339 time');
    expect(() => checkTrustedRootJson(rootWith({ certificateAuthorities: [{ validFor: { start: '2022-01-01T00:00:00Z', end: '2021-01-01T00:00:00Z' } }] }))).toThrow(
      'certificateAuthorities[0].validFor.end is before its start',
    );
  });

  it('rejects what is not a Sigstore trusted root', () => {
    expect(() => checkTrustedRootJson([])).toThrow('the trusted root is not a JSON object');
    expect(() => checkTrustedRootJson({ tlogs: [] })).toThrow('mediaType undefined is not a Sigstore trusted root');
    expect(() => checkTrustedRootJson(rootWith({ tlogs: {} }))).toThrow('tlogs is not an array');
  });

  it('wraps a root the library cannot read as BAD_TRUSTED_ROOT', () => {
    const bad = rootWith({ tlogs: [{ baseUrl: 'x', hashAlgorithm: 'SHA2_256', publicKey: { rawBytes: 'AAAA', keyDetails: 'PKIX_ECDSA_P256_SHA_256', validFor: START }, logId: { keyId: 'AAAA' } }] });
    expect(() => trustMaterialFrom(bad, undefined)).toThrowError(expect.objectContaining({ code: 'BAD_TRUSTED_ROOT' }));
  });
});

describe('trusted root location', () => {
  it('takes a given object as is, and a string as a path', () => {
    expect(loadTrustedRootJson(EMPTY_TRUSTED_ROOT, undefined)).toBe(EMPTY_TRUSTED_ROOT);
    const file = join(tmp, 'root.json');
    writeFileSync(file, JSON.stringify(EMPTY_TRUSTED_ROOT));
    expect(loadTrustedRootJson(file, '/nonexistent')).toEqual(EMPTY_TRUSTED_ROOT);
  });

  it('reads <offlineCacheDir>/sigstore/trusted_root.json, and nothing when it is absent', () => {
    const cache = join(tmp, 'cache');
    expect(loadTrustedRootJson(undefined, cache)).toBeUndefined();
    mkdirSync(join(cache, 'sigstore'), { recursive: true });
    writeFileSync(join(cache, 'sigstore', 'trusted_root.json'), JSON.stringify(EMPTY_TRUSTED_ROOT));
    expect(loadTrustedRootJson(undefined, cache)).toEqual(EMPTY_TRUSTED_ROOT);
    expect(loadTrustedRootJson(undefined, undefined)).toBeUndefined();
  });

  it('names the file that is missing or not JSON', () => {
    const missing = join(tmp, 'missing.json');
    expect(() => loadTrustedRootJson(missing, undefined)).toThrow(`cannot read trusted root ${missing}`);
    const notJson = join(tmp, 'not.json');
    writeFileSync(notJson, '{');
    expect(() => loadTrustedRootJson(notJson, undefined)).toThrow(`trusted root ${notJson} is not JSON`);
    expect(() => loadTrustedRootJson(42, undefined)).toThrow('options.trustedRoot must be a trusted-root JSON object or a path to one');
  });
});
