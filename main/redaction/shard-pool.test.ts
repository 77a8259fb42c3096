import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_WORKER_URL, ShardPool, defaultWorkerUrl } from './shard-pool.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A folder laid out like electron-vite's out/main: entries at the top, shared chunks under chunks/. */
function bundleLayout(): string {
  const out = mkdtempSync(join(tmpdir(), 'shard-pool-'));
  dirs.push(out);
  mkdirSync(join(out, 'main', 'chunks'), { recursive: true });
  writeFileSync(join(out, 'main', 'shard-worker.js'), '');
  return join(out, 'main');
}

describe('defaultWorkerUrl', () => {
  it('is shard-worker.ts next to the module when running from sources', () => {
    expect(defaultWorkerUrl('file:///repo/main/redaction/shard-pool.ts').href).toBe('file:///repo/main/redaction/shard-worker.ts');
    expect(DEFAULT_WORKER_URL.href).toBe(new URL('./shard-worker.ts', import.meta.url).href);
  });

  it('finds the bundled shard-worker entry from a chunk under out/main/chunks', () => {
    const main = bundleLayout();
    expect(defaultWorkerUrl(pathToFileURL(join(main, 'chunks', 'session-service-abc.js')).href).href).toBe(pathToFileURL(join(main, 'shard-worker.js')).href);
  });

  it('finds the bundled shard-worker entry from an entry file in out/main', () => {
    const main = bundleLayout();
    expect(defaultWorkerUrl(pathToFileURL(join(main, 'vector-redactor.js')).href).href).toBe(pathToFileURL(join(main, 'shard-worker.js')).href);
  });
});

describe('ShardPool', () => {
  it('starts the real worker script and answers a ping from it', async () => {
    const pool = new ShardPool(1);
    await expect(pool.call('', 0, 'ping', [])).resolves.toBeNull();
    await pool.close();
    await expect(pool.call('', 0, 'ping', [])).rejects.toMatchObject({ code: 'UNAVAILABLE', message: 'the shard pool is closed' });
  });
});
