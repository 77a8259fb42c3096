import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import canonicalize from 'canonicalize';
import type { Manifest } from '../../shared/domain/provenance.ts';
import { csvText } from '../csv.ts';
import { loadOrCreateWorkbenchKey } from '../appeals/workbench-key.ts';
import { createPack } from '../provenance/pack/create-pack.ts';
import { DEMO_AUDIT_EVENTS, DEMO_CONSENTS, DEMO_EVIDENCE } from '../store/demo-seed.ts';

/** Where the demo evidence pack lives in the data folder. */
export const DEMO_EVIDENCE_PACK_DIR = join('packs', 'demo-evidence');

export interface DemoEvidencePack {
  /** Absolute folder of the pack. */
  dir: string;
  /** False when the folder already existed: nothing was written. */
  created: boolean;
  manifest: Manifest | null;
}

function csv(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return csvText([header, ...rows]);
}

/** The pack's evidence files, all derived from the fixed demo seed, so every machine gets the same bytes. */
export function demoEvidenceFiles(at: Date): Array<{ path: string; content: string }> {
  const register = DEMO_EVIDENCE.map((e) => ({ id: e.id, title: e.title, kind: e.kind, labels: e.labels, sha256: e.sha256, createdAt: e.createdAt }));
  const decisions = DEMO_AUDIT_EVENTS.map((e) => {
    const reason = e.payload.reason;
    return [e.at, e.actorId, e.action, e.resourceType, e.resourceId, e.decision, typeof reason === 'string' ? reason : ''];
  });
  const consents = DEMO_CONSENTS.map((c) => [c.subjectId, c.purpose, c.status, c.updatedAt]);
  return [
    {
      path: 'pack-info.json',
      content:
        canonicalize({
          title: 'Compliance Workbench demo evidence',
          purpose: 'A small signed provenance pack built from the demo data, so an audit pack has a real pack to include and verify.',
          createdAt: at.toISOString(),
          files: ['evidence/access-decisions.csv', 'evidence/consents.csv', 'evidence/evidence-register.json'],
        })! + '\n',
    },
    { path: 'evidence/evidence-register.json', content: canonicalize(register)! + '\n' },
    { path: 'evidence/access-decisions.csv', content: csv(['at', 'actor', 'action', 'resource_type', 'resource_id', 'decision', 'reason'], decisions) },
    { path: 'evidence/consents.csv', content: csv(['subject', 'purpose', 'status', 'updated_at'], consents) },
  ];
}

/**
 * Creates `<dataDir>/packs/demo-evidence/`, a provenance pack signed with the workbench key
 * (plain-key Sigstore bundle), when the folder does not exist yet. Built in a temp folder
 * and renamed into place, so a half-written pack is never seen under the final name.
 */
export async function ensureDemoEvidencePack(dataDir: string, at: Date): Promise<DemoEvidencePack> {
  const dir = join(dataDir, DEMO_EVIDENCE_PACK_DIR);
  if (existsSync(dir)) return { dir, created: false, manifest: null };
  const key = loadOrCreateWorkbenchKey(dataDir);
  const tmp = join(dataDir, 'packs', `.demo-evidence.${process.pid}.tmp`);
  await rm(tmp, { recursive: true, force: true });
  try {
    for (const f of demoEvidenceFiles(at)) {
      await mkdir(dirname(join(tmp, f.path)), { recursive: true });
      await writeFile(join(tmp, f.path), f.content);
    }
    const created = await createPack(tmp, { keyPem: await readFile(key.path, 'utf8'), createdAt: at });
    try {
      await rename(tmp, dir);
    } catch (e) {
      // Another process put a pack there first: keep theirs.
      const code = (e as NodeJS.ErrnoException).code;
      if ((code === 'ENOTEMPTY' || code === 'EEXIST') && existsSync(dir)) return { dir, created: false, manifest: null };
      throw e;
    }
    return { dir, created: true, manifest: created.manifest };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
