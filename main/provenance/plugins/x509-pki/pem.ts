import { X509Error } from './x509-error.ts';

export interface PemBlock {
  label: string;
  der: Uint8Array;
}

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END ([A-Z0-9 ]+)-----/g;

/** Every PEM block in `text`, in order; a block with bad base64 or mismatched labels throws. */
export function pemBlocks(text: string, what: string): PemBlock[] {
  const out: PemBlock[] = [];
  for (const m of text.matchAll(BLOCK)) {
    const [, begin, body, end] = m as unknown as [string, string, string, string];
    if (begin !== end) throw new X509Error('MALFORMED', `${what}: PEM block BEGIN ${begin} ends with END ${end}`);
    const b64 = body.replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 !== 0) {
      throw new X509Error('MALFORMED', `${what}: PEM block ${begin} is not valid base64`);
    }
    out.push({ label: begin, der: new Uint8Array(Buffer.from(b64, 'base64')) });
  }
  return out;
}

/** The DER of each block with one of `labels`; other blocks are ignored, none at all throws. */
export function pemDecode(text: string, labels: string[], what: string): Uint8Array[] {
  const blocks = pemBlocks(text, what).filter((b) => labels.includes(b.label));
  if (blocks.length === 0) throw new X509Error('MALFORMED', `${what}: no PEM block labelled ${labels.join(' or ')}`);
  return blocks.map((b) => b.der);
}
