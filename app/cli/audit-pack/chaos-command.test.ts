import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AssuranceRun } from '../../../shared/domain/assurance.ts';
import { AssuranceRepository } from '../../../main/assurance/assurance-repository.ts';
import { openStore } from '../../../main/store/open-store.ts';
import { createTempSqlite, type TempSqlite } from '../../../main/store/testing/temp-sqlite.ts';
import { runCli, type CliIo } from '../cli-kit.ts';
import { chaosCommand, formatRunsTable } from './chaos-command.ts';

async function chaos(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) };
  const code = await runCli({ name: 'audit-pack', summary: 'audit packs', commands: [chaosCommand], argv: ['chaos', ...argv], io });
  return { code, stdout, stderr };
}

describe('audit-pack chaos', () => {
  let dir: TempSqlite;
  beforeAll(() => {
    dir = createTempSqlite();
  });
  afterAll(() => dir.remove());

  it('runs the chosen drill against the store, prints a table and records the run there', async () => {
    const r = await chaos(['--drill', 'corrupted-pack', '--data-dir', dir.dataDir]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('[1/1] corrupted-pack\n      signing a pack\n      flipping one byte\n      truncating the archive\n');
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('OUTCOME  DRILL           TOOK  SUMMARY');
    expect(lines[1]).toMatch(/^PASSED {3}corrupted-pack {2}\d+\.\ds {2}a flipped byte in evidence\/decisions\.jsonl/);
    expect(lines[2]).toBe(`recorded 1 run in ${dir.file}`);
    const store = await openStore({ dataDir: dir.dataDir });
    try {
      expect((await new AssuranceRepository(store.sql).list()).map((x) => [x.name, x.outcome, x.recordedBy])).toEqual([['corrupted-pack', 'passed', 'cli:audit-pack chaos']]);
    } finally {
      await store.close();
    }
    const json = await chaos(['--drill', 'corrupted-pack', '--data-dir', dir.dataDir, '--json']);
    expect(json.code).toBe(0);
    expect(json.stderr).toBe('');
    expect((JSON.parse(json.stdout) as AssuranceRun[]).map((x) => [x.name, x.outcome])).toEqual([['corrupted-pack', 'passed']]);
  });

  it('refuses an unknown drill with exit 2, naming it', async () => {
    expect(await chaos(['--drill', 'nope', '--data-dir', dir.dataDir])).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'audit-pack chaos: --drill "nope": expected one of redaction-kill-resume, db-connection-drop, corrupted-pack, propagation\n' +
        'Usage: audit-pack chaos [--drill NAME…] [--data-dir D] [--database-url URL] [--json]\n',
    });
  });

  it('formats failed and skipped runs in the table', () => {
    const base = { kind: 'chaos' as const, recordedBy: 'x', workbenchVersion: '0', details: { injected: [], happened: [], invariant: 'i', checks: [], figures: {} } };
    expect(
      formatRunsTable([
        { ...base, id: 'ar-000000000000000000000001', name: 'db-connection-drop', outcome: 'skipped', startedAt: '2026-11-28T12:00:00.000Z', finishedAt: '2026-11-28T12:00:01.250Z', summary: 'skipped: no server' },
        { ...base, id: 'ar-000000000000000000000002', name: 'corrupted-pack', outcome: 'failed', startedAt: '2026-11-28T12:00:00.000Z', finishedAt: '2026-11-28T12:00:12.000Z', summary: 'failed: flip not caught' },
      ]),
    ).toBe(
      'OUTCOME  DRILL               TOOK   SUMMARY\n' +
        'SKIPPED  db-connection-drop  1.3s   skipped: no server\n' +
        'FAILED   corrupted-pack      12.0s  failed: flip not caught\n',
    );
  });
});
