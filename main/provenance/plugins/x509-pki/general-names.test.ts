import { describe, expect, it } from 'vitest';
import { gn } from '../../../../fixtures/verify/plugins/cert-builder.ts';
import { ATTR, name, seq } from '../../../../fixtures/verify/plugins/der-writer.ts';
import { formatIp, isValidHostName, isValidMailbox, maskPrefixLength, parseGeneralNames } from './general-names.ts';

describe('host names (RFC 1034/1123 preferred syntax)', () => {
  it('accepts ordinary names and, where allowed, one leading wildcard label', () => {
    expect(isValidHostName('build.example.com', { wildcard: false })).toBe(true);
    expect(isValidHostName('localhost', { wildcard: false })).toBe(true);
    expect(isValidHostName('3com.example', { wildcard: false })).toBe(true);
    expect(isValidHostName('*.example.com', { wildcard: true })).toBe(true);
  });
  it('refuses wildcards in constraints, leading dots, underscores, IPs and over-long labels', () => {
    expect(isValidHostName('*.example.com', { wildcard: false })).toBe(false);
    expect(isValidHostName('.example.com', { wildcard: true })).toBe(false);
    expect(isValidHostName('foo_bar.example.com', { wildcard: true })).toBe(false);
    expect(isValidHostName('8.8.8.8', { wildcard: true })).toBe(false);
    expect(isValidHostName('-a.example.com', { wildcard: true })).toBe(false);
    expect(isValidHostName(`${'a'.repeat(64)}.example.com`, { wildcard: true })).toBe(false);
    expect(isValidHostName('foo.*.example.com', { wildcard: true })).toBe(false);
  });
});

describe('mailboxes', () => {
  it('needs exactly one @ and a valid host', () => {
    expect(isValidMailbox('release@example.com')).toBe(true);
    expect(isValidMailbox('*@example.com')).toBe(true);
    expect(isValidMailbox('a@b@example.com')).toBe(false);
    expect(isValidMailbox('@example.com')).toBe(false);
    expect(isValidMailbox('a b@example.com')).toBe(false);
  });
});

describe('IP forms', () => {
  it('formats addresses and constraint masks', () => {
    expect(formatIp(Uint8Array.of(192, 0, 2, 1))).toBe('192.0.2.1');
    expect(formatIp(Uint8Array.of(10, 0, 0, 0, 255, 0, 0, 0))).toBe('10.0.0.0/8');
    expect(formatIp(Uint8Array.of(10, 0, 0, 0, 255, 0, 255, 0))).toBe('10.0.0.0/mask ff00ff00');
    expect(maskPrefixLength(Uint8Array.of(255, 255, 240, 0))).toBe(20);
  });
});

describe('GeneralNames', () => {
  it('parses each processed form and refuses an empty list', () => {
    const der = seq(gn.dns('example.com'), gn.email('a@example.com'), gn.ip([192, 0, 2, 1]), gn.dn(name([[ATTR.CN, 'x']])), gn.uri('https://example.com/'));
    const names = parseGeneralNames(der, 'san');
    expect(names.map((n) => n.type)).toEqual(['dNSName', 'rfc822Name', 'iPAddress', 'directoryName', 'uniformResourceIdentifier']);
    expect(names[0]).toEqual({ type: 'dNSName', value: 'example.com' });
    expect(() => parseGeneralNames(seq(), 'san')).toThrow('san: empty GeneralNames');
    expect(() => parseGeneralNames(Uint8Array.of(0x30, 0x03, 0x82, 0x01, 0xe9), 'san')).toThrow('san: IA5String holds a non-ASCII byte');
  });
});
