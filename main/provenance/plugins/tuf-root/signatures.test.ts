import { Metadata } from '@tufjs/models';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../../fixtures/verify/tuf/canonical-json.ts';
import { fixtureKey, signBytes } from '../../../../fixtures/verify/tuf/keys.ts';
import { TufVerifyError } from './reasons.ts';
import { checkThreshold } from './signatures.ts';

/** A root whose root role lists `ids` (key id → key name) with `threshold`, signed by `signers` (key id → key name). */
function root(ids: Record<string, string>, threshold: number, signers: Record<string, string>) {
  const keys: Record<string, unknown> = {};
  for (const [id, name] of Object.entries(ids)) keys[id] = fixtureKey(name).tufKey;
  const signed = {
    _type: 'root',
    spec_version: '1.0.31',
    version: 1,
    expires: '2099-01-01T00:00:00Z',
    consistent_snapshot: true,
    keys,
    roles: Object.fromEntries(['root', 'timestamp', 'snapshot', 'targets'].map((r) => [r, { keyids: Object.keys(ids), threshold }])),
  };
  const data = new TextEncoder().encode(canonicalJson(signed));
  const signatures = Object.entries(signers).map(([keyid, name]) => ({ keyid, sig: signBytes(fixtureKey(name), data) }));
  return Metadata.fromJSON('root' as never, { signatures, signed } as never) as Metadata<never>;
}

const reasonOf = (f: () => unknown) => {
  try {
    f();
    return 'passed';
  } catch (e) {
    return e instanceof TufVerifyError ? `${e.code}: ${e.message}` : String(e);
  }
};

describe('checkThreshold', () => {
  it('counts distinct valid signatures from the role\'s keys', () => {
    const a = fixtureKey('sig-a');
    const b = fixtureKey('sig-b');
    const md = root({ [a.keyid]: 'sig-a', [b.keyid]: 'sig-b' }, 2, { [a.keyid]: 'sig-a', [b.keyid]: 'sig-b' });
    expect(checkThreshold(md, 'root v1', 'root', md, 'root v1')).toBe(2);
  });

  it('counts one key listed under two key ids once (models\' verifyDelegate counts it twice)', () => {
    const a = fixtureKey('sig-a');
    const alias = 'f'.repeat(64);
    const md = root({ [a.keyid]: 'sig-a', [alias]: 'sig-a' }, 2, { [a.keyid]: 'sig-a', [alias]: 'sig-a' });
    expect(reasonOf(() => md.verifyDelegate('root', md))).toBe('passed');
    expect(reasonOf(() => checkThreshold(md, 'root v1', 'root', md, 'root v1'))).toBe('SIGNATURE_THRESHOLD: root v1 is signed by 1/2 keys of root v1');
  });

  it('ignores signatures by keys the role does not list, and bad signatures', () => {
    const a = fixtureKey('sig-a');
    const b = fixtureKey('sig-b');
    const md = root({ [a.keyid]: 'sig-a', [b.keyid]: 'sig-b' }, 2, { [a.keyid]: 'sig-a', [b.keyid]: 'sig-c' });
    expect(reasonOf(() => checkThreshold(md, 'root v1', 'root', md, 'root v1'))).toBe('SIGNATURE_THRESHOLD: root v1 is signed by 1/2 keys of root v1');
  });

  it('refuses a role the delegator does not delegate', () => {
    const a = fixtureKey('sig-a');
    const md = root({ [a.keyid]: 'sig-a' }, 1, { [a.keyid]: 'sig-a' });
    expect(reasonOf(() => checkThreshold(md, 'root v1', 'mirror', md, 'mirror'))).toBe('SIGNATURE_THRESHOLD: root v1 delegates no role "mirror"');
  });
});
