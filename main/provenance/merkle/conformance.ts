import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConformanceRow, ConformanceSuite } from '../conformance/matrix.ts';
import { verifyConsistency } from './verify-consistency.ts';
import { verifyInclusion } from './verify-inclusion.ts';

export const MERKLE_FAMILY = 'merkle';
export const MERKLE_FOLDER = 'merkle';
/** The probe kinds INDEX.md requires; the subtree probes are optional and not run. */
export const MERKLE_KINDS = ['inclusion', 'consistency'] as const;

interface InclusionProbe {
  leafIdx: number;
  treeSize: number;
  root: string;
  leafHash: string;
  proof: string[] | null;
  wantErr: boolean;
}

interface ConsistencyProbe {
  size1: number;
  size2: number;
  root1: string;
  root2: string;
  proof: string[] | null;
  wantErr: boolean;
}

function b64(s: string): Uint8Array {
  return Buffer.from(s, 'base64');
}

function jsonFiles(dir: string, rel = ''): string[] {
  const out: string[] = [];
  const entries = readdirSync(join(dir, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const child = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...jsonFiles(dir, child));
    else if (e.name.endsWith('.json')) out.push(child);
  }
  return out;
}

/** Runs one probe: undefined when it verified, else the first error as one line. */
function runProbe(kind: (typeof MERKLE_KINDS)[number], probe: InclusionProbe | ConsistencyProbe): string | undefined {
  try {
    if (kind === 'inclusion') {
      const p = probe as InclusionProbe;
      verifyInclusion(p.leafIdx, p.treeSize, b64(p.leafHash), (p.proof ?? []).map(b64), b64(p.root));
    } else {
      const p = probe as ConsistencyProbe;
      verifyConsistency(p.size1, p.size2, (p.proof ?? []).map(b64), b64(p.root1), b64(p.root2));
    }
    return undefined;
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    return `${typeof code === 'string' ? `${code}: ` : ''}${e instanceof Error ? e.message : String(e)}`;
  }
}

/** Rows for every inclusion and consistency probe: a probe with `wantErr` must fail, every other must verify. */
export function merkleRows(corpusRoot: string): ConformanceRow[] {
  const base = join(corpusRoot, MERKLE_FOLDER, 'testdata');
  const rows: ConformanceRow[] = [];
  for (const kind of MERKLE_KINDS) {
    for (const file of jsonFiles(join(base, kind))) {
      const id = `${kind}/${file.replace(/\.json$/, '')}`;
      let probe: InclusionProbe | ConsistencyProbe;
      try {
        probe = JSON.parse(readFileSync(join(base, kind, file), 'utf8')) as InclusionProbe | ConsistencyProbe;
      } catch (e) {
        rows.push({ family: MERKLE_FAMILY, id, expected: 'pass', got: 'skip', note: `unreadable probe: ${(e as Error).message}` });
        continue;
      }
      const expected = probe.wantErr ? 'fail' : 'pass';
      const error = runProbe(kind, probe);
      rows.push({ family: MERKLE_FAMILY, id, expected, got: error === undefined ? 'pass' : 'fail', ...(error !== undefined ? { note: error } : {}) });
    }
  }
  return rows;
}

/** transparency-dev/merkle test vectors: RFC 6962 inclusion and consistency proof verification. */
export const merkleConformanceSuite: ConformanceSuite = {
  family: MERKLE_FAMILY,
  folder: MERKLE_FOLDER,
  async run(corpusRoot: string): Promise<ConformanceRow[]> {
    if (!existsSync(join(corpusRoot, MERKLE_FOLDER, 'testdata'))) {
      return [{ family: MERKLE_FAMILY, id: MERKLE_FOLDER, expected: 'pass', got: 'skip', note: `corpus folder ${MERKLE_FOLDER}/testdata is absent` }];
    }
    return merkleRows(corpusRoot);
  },
};
