import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pemDecode } from './pem.ts';
import { X509Error } from './x509-error.ts';

/** DER blobs with where each came from (for messages and the report). */
export interface Material {
  ders: Uint8Array[];
  sources: string[];
}

function listFiles(dir: string, suffixes: string[]): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new X509Error('BAD_INPUT', `${dir}: cannot be listed (${(e as Error).message})`);
  }
  // Sorted so results (and the report) do not depend on directory order.
  return names.filter((n) => suffixes.some((s) => n.endsWith(s))).sort();
}

/**
 * Trust anchors: `options.trustAnchors` (PEM text holding one or more certificates, DER
 * bytes, or an array of these) and every `<offlineCacheDir>/anchors/*.pem`.
 */
export function loadAnchors(option: unknown, offlineCacheDir: string | undefined): Material {
  const out: Material = { ders: [], sources: [] };
  if (option !== undefined) {
    const items = Array.isArray(option) ? option : [option];
    items.forEach((item, i) => {
      const where = Array.isArray(option) ? `options.trustAnchors[${i}]` : 'options.trustAnchors';
      if (typeof item === 'string') {
        for (const der of pemDecode(item, ['CERTIFICATE'], where)) {
          out.ders.push(der);
          out.sources.push(where);
        }
      } else if (item instanceof Uint8Array) {
        out.ders.push(item);
        out.sources.push(where);
      } else {
        throw new X509Error('BAD_INPUT', `${where}: expected PEM text or DER bytes`);
      }
    });
  }
  if (offlineCacheDir) {
    const dir = join(offlineCacheDir, 'anchors');
    for (const name of listFiles(dir, ['.pem'])) {
      const where = `anchors/${name}`;
      for (const der of pemDecode(readFileSync(join(dir, name), 'latin1'), ['CERTIFICATE'], where)) {
        out.ders.push(der);
        out.sources.push(where);
      }
    }
  }
  return out;
}

/** CRLs: every `<offlineCacheDir>/crls/*.crl` (DER or PEM) and `*.pem` (PEM "X509 CRL"). */
export function loadCrls(offlineCacheDir: string | undefined): Material {
  const out: Material = { ders: [], sources: [] };
  if (!offlineCacheDir) return out;
  const dir = join(offlineCacheDir, 'crls');
  for (const name of listFiles(dir, ['.crl', '.pem'])) {
    const where = `crls/${name}`;
    const bytes = new Uint8Array(readFileSync(join(dir, name)));
    // A DER CRL starts with a SEQUENCE tag; anything else in a .crl is taken as PEM.
    const isPem = name.endsWith('.pem') || bytes[0] !== 0x30;
    const ders = isPem ? pemDecode(Buffer.from(bytes).toString('latin1'), ['X509 CRL'], where) : [bytes];
    for (const der of ders) {
      out.ders.push(der);
      out.sources.push(where);
    }
  }
  return out;
}
