import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveStatic } from './static-files.ts';

describe('resolveStatic', () => {
  const root = mkdtempSync(join(tmpdir(), 'wb-static-'));
  mkdirSync(join(root, 'assets'));
  writeFileSync(join(root, 'index.html'), '<!doctype html>');
  writeFileSync(join(root, 'assets', 'app.js'), 'export {}');
  writeFileSync(join(tmpdir(), 'wb-secret.txt'), 'secret');

  it('serves the shell for / and files with their content type', async () => {
    expect(await resolveStatic(root, '/')).toEqual({ file: join(root, 'index.html'), type: 'text/html; charset=utf-8' });
    expect(await resolveStatic(root, '/assets/app.js')).toEqual({ file: join(root, 'assets', 'app.js'), type: 'text/javascript; charset=utf-8' });
  });

  it('refuses every way out of the root', async () => {
    for (const p of ['/../wb-secret.txt', '/%2e%2e/wb-secret.txt', '/assets/..%2f..%2fwb-secret.txt', '/%00index.html', '/%E0%A4%A', '//etc/passwd']) {
      expect(await resolveStatic(root, p)).toBeUndefined();
    }
  });

  it('does not serve folders or missing files', async () => {
    expect(await resolveStatic(root, '/assets')).toBeUndefined();
    expect(await resolveStatic(root, '/nope.js')).toBeUndefined();
  });
});
