import { describe, expect, it } from 'vitest';
import { CompactRange } from './compact-range.ts';
import { leafHash } from './hash.ts';
import { MemoryTree } from './memory-tree.ts';
import { rangeNodes } from './proof-plan.ts';

const merkleError = (code: string, message: string): unknown => expect.objectContaining({ name: 'MerkleError', code, message });

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const leaves = Array.from({ length: 600 }, (_, i) => leafHash(Buffer.from(`e${i}`)));

describe('CompactRange', () => {
  it('keeps one perfect subtree per one bit of the size', () => {
    const r = new CompactRange();
    for (const l of leaves.slice(0, 13)) r.append(l);
    expect(r.size).toBe(13);
    expect(r.nodes()).toHaveLength(3); // 13 = 8 + 4 + 1
    const t = MemoryTree.fromLeafHashes(leaves.slice(0, 13));
    expect(r.nodes().map(hex)).toEqual(rangeNodes(0, 13).map((id) => hex(t.node(id))));
    expect(hex(r.root())).toBe(hex(t.root()));
  });

  it('reports every perfect subtree an append completes', () => {
    const r = new CompactRange();
    const seen: string[] = [];
    for (const l of leaves.slice(0, 4)) r.append(l, (level, index) => seen.push(`${level}/${index}`));
    expect(seen).toEqual(['0/0', '0/1', '1/0', '0/2', '0/3', '1/1', '2/0']);
  });

  it('resumes from stored nodes and reaches the same roots', () => {
    const whole = new CompactRange();
    for (const l of leaves) whole.append(l);
    const t = MemoryTree.fromLeafHashes(leaves.slice(0, 300));
    const resumed = CompactRange.fromNodes(300, rangeNodes(0, 300).map((id) => t.node(id)));
    expect(hex(resumed.root())).toBe(hex(t.root()));
    for (const l of leaves.slice(300)) resumed.append(l);
    expect(resumed.size).toBe(600);
    expect(hex(resumed.root())).toBe(hex(whole.root()));
  });

  it('refuses stored nodes that do not fit the size', () => {
    expect(() => CompactRange.fromNodes(6, [new Uint8Array(32)])).toThrow(merkleError('BAD_INPUT', 'a compact range of size 6 has 2 nodes, got 1'));
    expect(() => CompactRange.fromNodes(1, [new Uint8Array(8)])).toThrow(merkleError('BAD_INPUT', 'node 0 is 8 bytes, not 32'));
    expect(() => CompactRange.fromNodes(-1, [])).toThrow(merkleError('BAD_INPUT', 'size -1 is not a non-negative safe integer'));
  });

  it('clones independently', () => {
    const a = new CompactRange();
    a.append(leaves[0]!);
    const b = a.clone();
    b.append(leaves[1]!);
    expect(a.size).toBe(1);
    expect(b.size).toBe(2);
    expect(hex(a.root())).toBe(hex(leaves[0]!));
  });
});
