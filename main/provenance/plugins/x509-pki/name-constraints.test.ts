import { describe, expect, it } from 'vitest';
import { gn } from '../../../../fixtures/verify/plugins/cert-builder.ts';
import { ATTR, ctx, ctxPrim, name, oid, seq, uint } from '../../../../fixtures/verify/plugins/der-writer.ts';
import type { Der } from '../../../../fixtures/verify/plugins/der-writer.ts';
import { readSingle } from './der.ts';
import { parseName } from './distinguished-name.ts';
import type { GeneralName } from './general-names.ts';
import { NAME_CONSTRAINT_WORK_LIMIT, checkNames, parseNameConstraints } from './name-constraints.ts';

const nc = (c: { permitted?: Der[]; excluded?: Der[] }): Der =>
  seq(...(c.permitted ? [ctx(0, ...c.permitted.map((b) => seq(b)))] : []), ...(c.excluded ? [ctx(1, ...c.excluded.map((b) => seq(b)))] : []));

function check(c: { permitted?: Der[]; excluded?: Der[] }, names: GeneralName[]): string[] {
  return checkNames(names, [{ by: 'CN=CA', nc: parseNameConstraints(nc(c), 'nameConstraints') }], { remaining: NAME_CONSTRAINT_WORK_LIMIT });
}

const dns = (value: string): GeneralName => ({ type: 'dNSName', value });
const email = (value: string): GeneralName => ({ type: 'rfc822Name', value });
const ip = (...b: number[]): GeneralName => ({ type: 'iPAddress', bytes: Uint8Array.from(b) });
const dn = (attrs: [string, string][]): GeneralName => ({ type: 'directoryName', name: parseName(readSingle(name(attrs), 'n'), 'n') });

describe('dNSName constraints', () => {
  it('permit the name and names with more labels on the left', () => {
    const c = { permitted: [gn.dns('example.com')] };
    expect(check(c, [dns('example.com'), dns('a.b.EXAMPLE.com')])).toEqual([]);
    expect(check(c, [dns('notexample.com')])).toEqual(['dNSName "notexample.com" is not within the permitted subtrees of "CN=CA"']);
  });

  it('exclude matching names; a wildcard is excluded when any name it covers is', () => {
    const c = { excluded: [gn.dns('bar.example.com')] };
    expect(check(c, [dns('x.bar.example.com')])).toEqual(['dNSName "x.bar.example.com" is within the excluded subtree dNSName "bar.example.com" of "CN=CA"']);
    expect(check(c, [dns('*.example.com')])).toEqual(['dNSName "*.example.com" is within the excluded subtree dNSName "bar.example.com" of "CN=CA"']);
    expect(check(c, [dns('*.other.com'), dns('foo.example.com')])).toEqual([]);
  });

  it('permit a wildcard only when every name it covers is permitted', () => {
    expect(check({ permitted: [gn.dns('example.com')] }, [dns('*.example.com')])).toEqual([]);
    expect(check({ permitted: [gn.dns('a.example.com')] }, [dns('*.example.com')])).toEqual([
      'dNSName "*.example.com" is not within the permitted subtrees of "CN=CA"',
    ]);
  });

  it('leave other name forms alone', () => {
    expect(check({ permitted: [gn.ip([192, 0, 2, 0, 255, 255, 255, 0])] }, [dns('example.com')])).toEqual([]);
  });
});

describe('rfc822Name constraints', () => {
  it('match a mailbox exactly, a host, or a .domain', () => {
    expect(check({ permitted: [gn.email('foo@example.com')] }, [email('foo@EXAMPLE.com')])).toEqual([]);
    expect(check({ permitted: [gn.email('foo@example.com')] }, [email('Foo@example.com')])).toEqual([
      'rfc822Name "Foo@example.com" is not within the permitted subtrees of "CN=CA"',
    ]);
    expect(check({ permitted: [gn.email('example.com')] }, [email('any@example.com')])).toEqual([]);
    expect(check({ permitted: [gn.email('example.com')] }, [email('any@sub.example.com')])).toEqual([
      'rfc822Name "any@sub.example.com" is not within the permitted subtrees of "CN=CA"',
    ]);
    expect(check({ permitted: [gn.email('.example.com')] }, [email('any@sub.example.com')])).toEqual([]);
    expect(check({ excluded: [gn.email('.example.com')] }, [email('any@example.com')])).toEqual([]);
  });

  it('treat an asterisk as a literal character', () => {
    expect(check({ permitted: [gn.email('*@example.com')] }, [email('*@example.com')])).toEqual([]);
    expect(check({ permitted: [gn.email('*@example.com')] }, [email('user@example.com')])).toEqual([
      'rfc822Name "user@example.com" is not within the permitted subtrees of "CN=CA"',
    ]);
  });
});

describe('iPAddress constraints', () => {
  it('match by network and mask, per address family', () => {
    const v4 = { permitted: [gn.ip([192, 0, 2, 0, 255, 255, 255, 0])] };
    expect(check(v4, [ip(192, 0, 2, 77)])).toEqual([]);
    expect(check(v4, [ip(192, 0, 3, 1)])).toEqual(['iPAddress 192.0.3.1 is not within the permitted subtrees of "CN=CA"']);
    const loop6 = [...Array(15).fill(0), 1];
    expect(check(v4, [ip(...loop6)])).toEqual(['iPAddress 0:0:0:0:0:0:0:1 is not within the permitted subtrees of "CN=CA"']);
    expect(check({ excluded: [gn.ip([...loop6, ...Array(16).fill(255)])] }, [ip(...loop6)])).toEqual([
      'iPAddress 0:0:0:0:0:0:0:1 is within the excluded subtree iPAddress 0:0:0:0:0:0:0:1/128 of "CN=CA"',
    ]);
  });
});

describe('directoryName constraints', () => {
  it('match when the constraint RDNs are a prefix of the name', () => {
    const c = { permitted: [gn.dn(name([[ATTR.O, 'Acme']]))] };
    expect(check(c, [dn([[ATTR.O, 'Acme'], [ATTR.CN, 'signer']])])).toEqual([]);
    expect(check(c, [dn([[ATTR.O, 'Other'], [ATTR.CN, 'signer']])])).toEqual([
      'directoryName "O=Other, CN=signer" is not within the permitted subtrees of "CN=CA"',
    ]);
    expect(check({ excluded: [gn.dn(name([[ATTR.O, 'Acme']]))] }, [dn([[ATTR.O, 'Acme'], [ATTR.CN, 'x']])])).toEqual([
      'directoryName "O=Acme, CN=x" is within the excluded subtree directoryName "O=Acme" of "CN=CA"',
    ]);
  });
});

describe('name forms the validator cannot process', () => {
  const otherName = (type: string): Der => ctx(0, oid(type), ctx(0, uint(1)));
  it('block a name of that form when a constraint names the form', () => {
    expect(check({ excluded: [otherName('1.3.6.1.4.1.55738.666.3')] }, [{ type: 'otherName', typeId: '1.3.6.1.4.1.55738.666.3', der: new Uint8Array() }])).toEqual([
      'otherName 1.3.6.1.4.1.55738.666.3 is constrained by "CN=CA" in a name form this validator cannot process',
    ]);
    expect(check({ excluded: [otherName('1.3.6.1.4.1.55738.666.3')] }, [dns('example.com')])).toEqual([]);
  });
});

describe('parsing NameConstraints', () => {
  const err = (c: Der): string => {
    try {
      parseNameConstraints(c, 'nameConstraints');
    } catch (e) {
      return (e as Error).message;
    }
    return 'no error';
  };
  it('refuses invalid bases, empty lists, and minimum/maximum', () => {
    expect(err(nc({ permitted: [gn.dns('*.example.com')] }))).toBe('nameConstraints: permitted dNSName "*.example.com" is not a host name (no wildcards or leading dots)');
    expect(err(nc({ permitted: [gn.dns('.example.com')] }))).toBe('nameConstraints: permitted dNSName ".example.com" is not a host name (no wildcards or leading dots)');
    expect(err(nc({ excluded: [gn.ip([127, 0, 0, 1])] }))).toBe('nameConstraints: excluded iPAddress 127.0.0.1 must be an address and mask (8 or 32 octets), has 4');
    expect(err(nc({ excluded: [gn.ip([10, 0, 0, 0, 255, 0, 255, 0])] }))).toBe('nameConstraints: excluded iPAddress 10.0.0.0/mask ff00ff00 has a non-contiguous mask');
    expect(err(nc({ permitted: [gn.email('a@b@example.com')] }))).toBe('nameConstraints: permitted rfc822Name "a@b@example.com" is not a mailbox, host or .domain');
    expect(err(seq())).toBe('nameConstraints: neither permittedSubtrees nor excludedSubtrees is present');
    expect(err(seq(ctx(0)))).toBe('nameConstraints: GeneralSubtrees must not be empty');
    expect(err(seq(ctx(0, seq(gn.dns('example.com'), ctxPrim(1, Uint8Array.of(2))))))).toBe('nameConstraints: GeneralSubtree maximum must be absent');
  });
});

describe('work bound', () => {
  it('refuses a check whose names × constraints exceed the limit, before doing it', () => {
    const many = Array.from({ length: 600 }, (_, i) => gn.dns(`t${i}.test`));
    const names = Array.from({ length: 600 }, (_, i) => dns(`n${i}.test`));
    expect(() => check({ permitted: many }, names)).toThrow(
      'name-constraint check needs 360000 comparisons (600 names × 600 constraints), over the work limit of 250000',
    );
  });
});
