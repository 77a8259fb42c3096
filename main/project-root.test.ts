import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findProjectRoot } from './project-root.ts';

describe('findProjectRoot', () => {
  it('finds the repository root from this module (source) and from out/main (built)', () => {
    const root = resolve(import.meta.dirname, '..');
    expect(findProjectRoot()).toBe(root);
    expect(findProjectRoot(join(root, 'out', 'main'))).toBe(root);
  });

  it('takes the nearest package.json and names the folder when there is none', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wb-root-'));
    try {
      mkdirSync(join(dir, 'a', 'b'), { recursive: true });
      writeFileSync(join(dir, 'a', 'package.json'), '{}');
      expect(findProjectRoot(join(dir, 'a', 'b'))).toBe(join(dir, 'a'));
      expect(() => findProjectRoot('/')).toThrow('no package.json in / or any folder above it');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
