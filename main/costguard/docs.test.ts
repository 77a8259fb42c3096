import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HINT_TYPES, hintDocsLink } from '../../shared/api/costguard.ts';

describe('docs/costguard.md', () => {
  const text = readFileSync(resolve(import.meta.dirname, '../../docs/costguard.md'), 'utf8');

  it.each(HINT_TYPES.map((t) => [t]))('has the section %s that its hints link to', (type) => {
    expect(hintDocsLink(type)).toBe(`docs/costguard.md#${type}`);
    // GitHub derives the anchor from the heading text: "### select-star" → #select-star.
    expect(text).toMatch(new RegExp(`^### ${type}$`, 'm'));
  });

  it('documents the cost models the payloads name', () => {
    expect(text).toMatch(/^## The SQLite plan-cost model$/m);
    expect(text).toMatch(/^## The Cypher pattern score$/m);
    expect(text).toMatch(/^## The demo schema$/m);
  });
});
