import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { generateNoteKey } from './note-keys.ts';

// Shared by the tlog tests only.

/** A fixed test key: the same seed always gives the same key, so logs are reproducible. */
export function testKey(name = 'log.example/test', fill = 1): { signerKey: string; verifierKey: string } {
  return generateNoteKey(name, Buffer.alloc(32, fill));
}

/** Every file under `dir` (relative path → bytes), sorted by path. */
export function readTree(dir: string, rel = ''): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const entries = readdirSync(join(dir, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const e of entries) {
    const child = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) for (const [k, v] of readTree(dir, child)) out.set(k, v);
    else out.set(child, readFileSync(join(dir, child)));
  }
  return out;
}

/** Matches a thrown TlogError by code and message (a string is an exact message, a RegExp a pattern). */
export function tlogError(code: string, message: string | RegExp): unknown {
  return expect.objectContaining({ name: 'TlogError', code, message: typeof message === 'string' ? message : expect.stringMatching(message) });
}

export const entry = (i: number): Uint8Array => Buffer.from(`entry ${i}`);
export const entries = (from: number, to: number): Uint8Array[] => Array.from({ length: to - from }, (_, i) => entry(from + i));
