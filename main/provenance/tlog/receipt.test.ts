import { describe, expect, it } from 'vitest';
import { formatReceipt, parseReceipt } from './receipt.ts';
import { tlogError } from './test-support.ts';

const CP = 'example.com/fancylog\n109482\nsFodV/vSp5O8n9a8QpW6PRY97tfOSW5bsc2Xl/EQi08=\n\n— example.com/fancylog AAAAAAAA\n';
const H = (n: number): Uint8Array => new Uint8Array(32).fill(n);

describe('tlog-proof receipts', () => {
  it('formats per c2sp.org/tlog-proof and parses back', () => {
    const text = formatReceipt({ extra: Buffer.from('hi'), index: 73894, proof: [H(1), H(2)], checkpoint: CP });
    expect(text).toBe(`c2sp.org/tlog-proof@v1\nextra aGk=\nindex 73894\n${Buffer.from(H(1)).toString('base64')}\n${Buffer.from(H(2)).toString('base64')}\n\n${CP}`);
    expect(parseReceipt(text)).toEqual({ extra: new Uint8Array(Buffer.from('hi')), index: 73894, proof: [H(1), H(2)], checkpoint: CP });
    expect(parseReceipt(formatReceipt({ index: 0, proof: [], checkpoint: CP }))).toEqual({ index: 0, proof: [], checkpoint: CP });
  });

  it('parses the head of the specification example', () => {
    const spec = `c2sp.org/tlog-proof@v1
extra YWdlLXYxLjIuMS1kYXJ3aW4tYXJtNjQudGFyLmd6kYXJ3aW4tYXJ
index 73894
gSKyXoYZUgZ6jduWYrkDOARinOMGJveXjgMkBTcdPlQ=
B95lDa8R83lS8n0eG+o0buTxRKQTYFi//1U8anccXmA=

${CP}`;
    const r = parseReceipt(spec);
    expect(r.index).toBe(73894);
    expect(r.proof).toHaveLength(2);
    expect(r.checkpoint).toBe(CP);
  });

  it('refuses malformed receipts, naming the line', () => {
    expect(() => parseReceipt(`c2sp.org/tlog-proof@v2\nindex 1\n\n${CP}`)).toThrow(tlogError('BAD_RECEIPT', 'line 1 is not c2sp.org/tlog-proof@v1'));
    expect(() => parseReceipt(`c2sp.org/tlog-proof@v1\nindex 01\n\n${CP}`)).toThrow(tlogError('BAD_RECEIPT', 'line 2 is not "index <decimal>"'));
    expect(() => parseReceipt(`c2sp.org/tlog-proof@v1\nindex 1\nAAAA\n\n${CP}`)).toThrow(tlogError('BAD_RECEIPT', 'line 3: proof hash is 3 bytes, not 32'));
    expect(() => parseReceipt(`c2sp.org/tlog-proof@v1\nindex 1\nA A\n\n${CP}`)).toThrow(tlogError('BAD_RECEIPT', 'line 3 (proof hash) is not canonical base64'));
    expect(() => parseReceipt('c2sp.org/tlog-proof@v1\nindex 1\n')).toThrow(tlogError('BAD_RECEIPT', 'receipt has no blank line before its checkpoint'));
    expect(() => parseReceipt('c2sp.org/tlog-proof@v1\nindex 1\n\n')).toThrow(tlogError('BAD_RECEIPT', 'receipt has no checkpoint'));
  });
});
