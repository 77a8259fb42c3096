import { describe, expect, it } from 'vitest';
import { pemBlocks, pemDecode } from './pem.ts';

describe('PEM', () => {
  it('returns the blocks with the wanted label, in order', () => {
    const text = 'junk\n-----BEGIN CERTIFICATE-----\nAQID\n-----END CERTIFICATE-----\n-----BEGIN X509 CRL-----\nBAU=\n-----END X509 CRL-----\n';
    expect(pemBlocks(text, 'f').map((b) => [b.label, [...b.der]])).toEqual([
      ['CERTIFICATE', [1, 2, 3]],
      ['X509 CRL', [4, 5]],
    ]);
    expect(pemDecode(text, ['X509 CRL'], 'f').map((d) => [...d])).toEqual([[4, 5]]);
  });

  it('refuses mismatched labels, bad base64 and text without the label', () => {
    expect(() => pemBlocks('-----BEGIN CERTIFICATE-----\nAQID\n-----END X509 CRL-----', 'f')).toThrow('f: PEM block BEGIN CERTIFICATE ends with END X509 CRL');
    expect(() => pemBlocks('-----BEGIN CERTIFICATE-----\nAQ!D\n-----END CERTIFICATE-----', 'f')).toThrow('f: PEM block CERTIFICATE is not valid base64');
    expect(() => pemDecode('hello', ['CERTIFICATE'], 'f')).toThrow('f: no PEM block labelled CERTIFICATE');
  });
});
