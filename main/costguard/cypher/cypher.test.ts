import { describe, expect, it } from 'vitest';
import { WorkbenchError } from '../../../shared/api/errors.ts';
import { analyzeCypher, cypherScore, looksLikeCypher } from './cypher-analyzer.ts';
import { maskCypher, parseCypher } from './cypher-pattern.ts';

describe('reading Cypher patterns', () => {
  it('reads nodes, relationships and variable-length bounds', () => {
    const q = parseCypher("MATCH (a:Person {name: 'Ann'})-[r:KNOWS*2..]->(b:Person)<-[:OWNS]-(c) WHERE a.age > 3 RETURN b LIMIT 5");
    const path = q.parts[0]![0]!.patterns[0]!;
    expect(path.nodes.map((n) => [n.variable, n.labels, n.anchored])).toEqual([
      ['a', ['Person'], true],
      ['b', ['Person'], false],
      ['c', [], false],
    ]);
    expect(path.rels.map((r) => [r.variable, r.types, r.varLength])).toEqual([
      ['r', ['KNOWS'], { min: 2, max: null }],
      [null, ['OWNS'], null],
    ]);
    expect(q.limit).toBe(5);
    expect(q.parts[0]![0]!.where).toBe('a.age > 3');
  });

  it('masks strings and comments so their contents are never read as syntax', () => {
    const text = "MATCH (a {n: 'x[*]'}) // (b)-[*]-(c)\nRETURN a";
    const masked = maskCypher(text);
    expect(masked).toBe(`MATCH (a {n: 'xxxx'}) ${' '.repeat('// (b)-[*]-(c)'.length)}\nRETURN a`);
    expect(masked.length).toBe(text.length);
    expect(analyzeCypher("MATCH (a:Person {name: 'it''s [*]'})-[:R*1..3]->(b) RETURN b LIMIT 1", 100).hints).toEqual([]);
  });

  it('rejects a pattern it cannot read, saying where', () => {
    const e = (() => {
      try {
        parseCypher('MATCH (a)-[x(b) RETURN a');
      } catch (err) {
        return err as WorkbenchError;
      }
      throw new Error('expected an error');
    })();
    expect(e).toBeInstanceOf(WorkbenchError);
    expect(e.message).toBe('cypher: unbalanced [ at offset 10');
    expect(e.details).toEqual({ where: 'sql', dialect: 'cypher', offset: 10 });
  });

  it('recognises Cypher by its first clause', () => {
    expect(looksLikeCypher('  MATCH (n) RETURN n')).toBe(true);
    expect(looksLikeCypher('// comment\nOPTIONAL MATCH (n) RETURN n')).toBe(true);
    expect(looksLikeCypher('SELECT match FROM t')).toBe(false);
  });
});

describe('Cypher hints', () => {
  it('bounds an unbounded variable-length path and limits the result', () => {
    const p = analyzeCypher("MATCH (a:Person {name: 'Ann'})-[:KNOWS*]->(b:Person) RETURN b.name", 100);
    expect(p.hints).toEqual([
      {
        type: 'cypher-unbounded-path',
        severity: 'critical',
        message: '[:KNOWS*] has no upper bound: the match expands to every path length the graph allows.',
        suggested: '[:KNOWS*1..5]',
        docs: 'docs/costguard.md#cypher-unbounded-path',
        fragment: '[:KNOWS*]',
      },
      { type: 'cypher-no-limit', severity: 'warning', message: 'RETURN without LIMIT: every match is returned.', suggested: '… LIMIT 100', docs: 'docs/costguard.md#cypher-no-limit', fragment: 'RETURN' },
    ]);
    expect(p.estimatedCost).toBe(11111111110);
    expect(p.rewrite).toEqual({
      sql: "MATCH (a:Person {name: 'Ann'})-[:KNOWS*1..5]->(b:Person) RETURN b.name LIMIT 100",
      ddl: [],
      script: "MATCH (a:Person {name: 'Ann'})-[:KNOWS*1..5]->(b:Person) RETURN b.name LIMIT 100",
      estimatedCost: 1000,
      changesResults: true,
      steps: [
        { type: 'cypher-unbounded-path', effect: 'changes-rows', note: 'bounds the path to 1..5 hops: longer paths are no longer matched', costBefore: 11111111110, costAfter: 111110 },
        { type: 'cypher-no-limit', effect: 'changes-rows', note: 'returns at most 100 matches', costBefore: 111110, costAfter: 1000 },
      ],
    });
  });

  it('flags patterns that share no variable (a cartesian product of matches)', () => {
    const p = analyzeCypher('MATCH (a:Person), (c:Company) RETURN a.name, c.name LIMIT 10', 100);
    expect(p.hints.map((h) => [h.type, h.message, h.fragment])).toEqual([
      [
        'cypher-disconnected-pattern',
        'The patterns [(a:Person)] and [(c:Company)] share no variable: every match of one is paired with every match of the other.',
        '(a:Person) | (c:Company)',
      ],
    ]);
    expect(p.rewrite).toBeNull();
  });

  it('treats patterns joined in WHERE, or through a shared variable, as connected', () => {
    expect(analyzeCypher('MATCH (a:Person) MATCH (b:City) WHERE a.city = b.name RETURN a, b LIMIT 10', 100).hints).toEqual([]);
    expect(analyzeCypher('MATCH (a:Person)-[:LIVES_IN]->(c), (c)<-[:IN]-(s:Shop) RETURN s LIMIT 10', 100).hints).toEqual([]);
  });

  it('says nothing about a bounded, anchored, limited query or an aggregate', () => {
    expect(analyzeCypher('MATCH (a:Person)-[:WORKS_AT]->(c:Company) WHERE a.id = 7 RETURN c.name LIMIT 5', 100).hints).toEqual([]);
    expect(analyzeCypher('MATCH (a:Person) RETURN count(a)', 100).hints).toEqual([]);
  });

  it('scores anchoring, fan-out and limits as documented', () => {
    expect(cypherScore(parseCypher('MATCH (a:Person) RETURN a'))).toBe(1000);
    expect(cypherScore(parseCypher('MATCH (a) RETURN a'))).toBe(10000);
    expect(cypherScore(parseCypher('MATCH (a {id: 1})-[:R]->(b)-[:S*1..2]->(c) RETURN c'))).toBe(1 * 10 * 110);
    expect(cypherScore(parseCypher('MATCH (a:P), (b:Q) RETURN a, b'))).toBe(1_000_000);
    expect(cypherScore(parseCypher('MATCH (a:P), (b:Q) RETURN a, b LIMIT 3'))).toBe(30);
  });
});
