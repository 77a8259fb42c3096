import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadOrCreateWorkbenchKey } from '../appeals/workbench-key.ts';
import { verifyPack } from '../provenance/verify-service.ts';
import { createTempSqlite, type TempSqlite } from '../store/testing/temp-sqlite.ts';
import { ensureDemoEvidencePack } from './demo-evidence-pack.ts';

const AT = new Date('2026-11-28T12:00:00.000Z');

describe('ensureDemoEvidencePack', () => {
  let tmp: TempSqlite;
  beforeEach(() => {
    tmp = createTempSqlite('wb-demo-pack-');
  });
  afterEach(() => tmp.remove());

  it('creates a pack signed with the workbench key that prov-verify verifies with its public key', async () => {
    const made = await ensureDemoEvidencePack(tmp.dataDir, AT);
    expect(made.created).toBe(true);
    expect(made.dir).toBe(join(tmp.dataDir, 'packs', 'demo-evidence'));
    expect(made.manifest?.files.map((f) => f.path)).toEqual(['evidence/access-decisions.csv', 'evidence/consents.csv', 'evidence/evidence-register.json', 'pack-info.json']);
    expect(made.manifest?.createdAt).toBe(AT.toISOString());
    const key = loadOrCreateWorkbenchKey(tmp.dataDir);
    expect(key.created).toBe(false);
    const report = await verifyPack(made.dir, { at: AT, offline: true, pluginOptions: { publicKey: key.publicKeyPem } });
    expect(report.errors).toEqual([]);
    expect(report.verified).toBe(true);
    expect(report.plugins.map((p) => [p.name, p.ok])).toEqual([['cosign', true]]);
    // No temp folder is left behind.
    expect(readdirSync(join(tmp.dataDir, 'packs'))).toEqual(['demo-evidence']);

    const consents = readFileSync(join(made.dir, 'evidence', 'consents.csv'), 'utf8');
    expect(consents.split('\r\n').slice(0, 3)).toEqual(['subject,purpose,status,updated_at', 'cust-acme-001,analytics,granted,2026-11-03T08:00:00.000Z', 'cust-acme-001,marketing,revoked,2026-11-05T16:30:00.000Z']);
    const decisions = readFileSync(join(made.dir, 'evidence', 'access-decisions.csv'), 'utf8').split('\r\n');
    expect(decisions[0]).toBe('at,actor,action,resource_type,resource_id,decision,reason');
    expect(decisions[3]).toBe("2026-11-20T09:14:00.000Z,arun,evidence.read,evidence,ev-004,deny,evidence.read on tenant globex is limited to that tenant's members");
    expect(decisions).toHaveLength(14);
  });

  it('leaves an existing folder alone', async () => {
    const first = await ensureDemoEvidencePack(tmp.dataDir, AT);
    const manifest = readFileSync(join(first.dir, 'manifest.json'));
    const second = await ensureDemoEvidencePack(tmp.dataDir, new Date('2027-01-01T00:00:00.000Z'));
    expect(second).toEqual({ dir: first.dir, created: false, manifest: null });
    expect(readFileSync(join(first.dir, 'manifest.json')).equals(manifest)).toBe(true);
  });

  it('gives the same bytes for the same key and time', async () => {
    const a = await ensureDemoEvidencePack(tmp.dataDir, AT);
    const bytesA = readFileSync(join(a.dir, 'manifest.json'));
    const sigA = readFileSync(join(a.dir, 'attestations', 'sigstore-bundle.json'));
    const other = createTempSqlite('wb-demo-pack-b-');
    try {
      // Same workbench key in a second data folder.
      const { mkdirSync, copyFileSync } = await import('node:fs');
      mkdirSync(join(other.dataDir, 'keys'), { recursive: true });
      copyFileSync(join(tmp.dataDir, 'keys', 'workbench-ed25519.pem'), join(other.dataDir, 'keys', 'workbench-ed25519.pem'));
      const b = await ensureDemoEvidencePack(other.dataDir, AT);
      expect(readFileSync(join(b.dir, 'manifest.json')).equals(bytesA)).toBe(true);
      expect(readFileSync(join(b.dir, 'attestations', 'sigstore-bundle.json')).equals(sigA)).toBe(true);
    } finally {
      other.remove();
    }
  });
});
