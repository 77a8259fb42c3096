import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { pack as tarPack } from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPackEntries } from './pack-entries.ts';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

async function tgz(entries: Array<[string, string]>): Promise<Buffer> {
  const p = tarPack();
  const chunks: Buffer[] = [];
  p.on('data', (c: unknown) => void chunks.push(c as Buffer));
  const ended = new Promise<void>((resolve) => p.on('end', () => resolve()));
  for (const [name, body] of entries) p.entry({ name, mtime: new Date(0) }, body);
  p.finalize();
  await ended;
  return gzipSync(Buffer.concat(chunks));
}

describe('readPackEntries', () => {
  let dir: string;
  let file: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'wb-pack-entries-'));
    file = join(dir, 'p.tgz');
    writeFileSync(file, await tgz([['./index.json', '{"a":1}'], ['audit/events.jsonl', 'x\n'.repeat(50)], ['report.pdf', '%PDF-1.3']]));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the named files with size and SHA-256 (names normalised), and leaves out what it did not find', async () => {
    const found = await readPackEntries(file, ['index.json', 'report.pdf', 'missing.txt'], 1024);
    expect([...found.keys()].sort()).toEqual(['index.json', 'report.pdf']);
    expect(found.get('index.json')).toEqual({ path: 'index.json', size: 7, sha256: sha256('{"a":1}'), data: Buffer.from('{"a":1}') });
  });

  it('hashes a file over the limit without keeping its bytes', async () => {
    const found = await readPackEntries(file, ['audit/events.jsonl'], 10);
    expect(found.get('audit/events.jsonl')).toEqual({ path: 'audit/events.jsonl', size: 100, sha256: sha256('x\n'.repeat(50)), data: undefined });
  });
});
