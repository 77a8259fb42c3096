import { WorkbenchError } from '../../../shared/api/errors.ts';

/**
 * A small reader for the patterns of a Cypher query — enough to see what a graph query
 * asks for without a database: MATCH clauses, their node and relationship patterns,
 * variable-length bounds, WHERE and RETURN/LIMIT. String literals and comments are masked
 * first, so nothing inside them is read as syntax.
 */

export interface NodePattern {
  variable: string | null;
  labels: string[];
  /** Has an inline property map: `(p:Person {id: 1})`. */
  anchored: boolean;
  text: string;
}

export interface RelPattern {
  variable: string | null;
  types: string[];
  /** null when the relationship has a fixed length of 1. */
  varLength: { min: number; max: number | null } | null;
  /** Offsets of the `[...]` (or the bare `*`) in the original text, for rewriting bounds. */
  start: number;
  end: number;
  text: string;
}

export interface PathPattern {
  nodes: NodePattern[];
  rels: RelPattern[];
  /** The pattern's text (string literals masked) and where it starts in the query. */
  text: string;
  start: number;
}

export interface MatchClause {
  optional: boolean;
  patterns: PathPattern[];
  /** The WHERE right after the MATCH, if any: masked (for reading) and as written (for display). */
  where: string | null;
  whereText: string | null;
}

export interface CypherQuery {
  text: string;
  /** Query parts separated by WITH; each has its MATCH clauses. */
  parts: MatchClause[][];
  returnText: string | null;
  limit: number | null;
  /** Offset just past the end of the RETURN/ORDER BY/SKIP part (where a LIMIT goes). */
  end: number;
}

const CLAUSE_RE = /\b(OPTIONAL\s+MATCH|MATCH|WHERE|WITH|RETURN|ORDER\s+BY|SKIP|LIMIT|UNWIND|CREATE|MERGE|DELETE|DETACH\s+DELETE|SET|REMOVE|CALL|UNION(?:\s+ALL)?|FOREACH)\b/gi;

/** The text with string literals, backtick identifiers and comments replaced by spaces of the same length. */
export function maskCypher(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === "'" || c === '"' || c === '`') {
      let j = i + 1;
      while (j < text.length && text[j] !== c) j += text[j] === '\\' ? 2 : 1;
      const end = Math.min(text.length, j + 1);
      out += c + 'x'.repeat(Math.max(0, end - i - 2)) + (end - i >= 2 ? c : '');
      i = end;
    } else if (c === '/' && text[i + 1] === '/') {
      const j = text.indexOf('\n', i);
      const end = j === -1 ? text.length : j;
      out += ' '.repeat(end - i);
      i = end;
    } else if (c === '/' && text[i + 1] === '*') {
      const j = text.indexOf('*/', i + 2);
      const end = j === -1 ? text.length : j + 2;
      out += ' '.repeat(end - i);
      i = end;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

function bad(message: string, at?: number): WorkbenchError {
  return new WorkbenchError('BAD_INPUT', `cypher: ${message}${at !== undefined ? ` at offset ${at}` : ''}`, { where: 'sql', dialect: 'cypher', ...(at !== undefined ? { offset: at } : {}) });
}

/** Splits on commas outside (), [], {}. */
function splitTopLevel(text: string, base: number): Array<{ text: string; start: number }> {
  const out: Array<{ text: string; start: number }> = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) depth--;
    else if (c === ',' && depth === 0) {
      out.push({ text: text.slice(start, i), start: base + start });
      start = i + 1;
    }
  }
  out.push({ text: text.slice(start), start: base + start });
  return out.filter((p) => p.text.trim() !== '');
}

function readNode(body: string): NodePattern {
  const inner = body.slice(1, -1).trim();
  const m = /^([A-Za-z_][A-Za-z0-9_]*)?((?::[A-Za-z_][A-Za-z0-9_]*)*)\s*(\{[\s\S]*\})?\s*$/.exec(inner);
  if (!m) return { variable: null, labels: [], anchored: inner.includes('{'), text: body };
  return { variable: m[1] ?? null, labels: (m[2] ?? '').split(':').filter(Boolean), anchored: Boolean(m[3]), text: body };
}

function readRel(body: string, start: number): RelPattern {
  const inner = body.startsWith('[') ? body.slice(1, -1).trim() : '';
  const m = /^([A-Za-z_][A-Za-z0-9_]*)?\s*((?::\s*[A-Za-z_][A-Za-z0-9_|:]*)?)\s*(\*\s*(\d+)?\s*(\.\.)?\s*(\d+)?)?\s*(\{[\s\S]*\})?$/.exec(inner);
  if (!m) return { variable: null, types: [], varLength: null, start, end: start + body.length, text: body };
  let varLength: RelPattern['varLength'] = null;
  if (m[3]) {
    const min = m[4] !== undefined ? Number(m[4]) : 1;
    const max = m[6] !== undefined ? Number(m[6]) : m[5] ? null : m[4] !== undefined ? Number(m[4]) : null;
    varLength = { min, max };
  }
  return { variable: m[1] ?? null, types: (m[2] ?? '').replace(/^:/, '').split(/[|:]/).map((t) => t.trim()).filter(Boolean), varLength, start, end: start + body.length, text: body };
}

/** Reads one path pattern: (a)-[r]->(b)<-[:T*]-(c) … */
function readPath(text: string, base: number): PathPattern {
  const nodes: NodePattern[] = [];
  const rels: RelPattern[] = [];
  let i = 0;
  const eq = /^\s*[A-Za-z_][A-Za-z0-9_]*\s*=\s*/.exec(text);
  if (eq) i = eq[0].length;
  const skipWs = () => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  const readBalanced = (open: string, close: string): string => {
    const s = i;
    let depth = 0;
    for (; i < text.length; i++) {
      if (text[i] === open) depth++;
      else if (text[i] === close && --depth === 0) {
        i++;
        return text.slice(s, i);
      }
    }
    throw bad(`unbalanced ${open}`, base + s);
  };
  skipWs();
  if (text[i] !== '(') throw bad('a pattern must start with a node "(…)"', base + i);
  nodes.push(readNode(readBalanced('(', ')')));
  for (;;) {
    skipWs();
    if (i >= text.length) break;
    // Relationship: <-[...]-, -[...]->, -[...]-, -->, <--, --
    const relStart = i;
    if (text[i] === '<') i++;
    if (text[i] !== '-') throw bad('expected a relationship "-[…]-" between nodes', base + i);
    i++;
    let rel: RelPattern;
    if (text[i] === '[') {
      const s = i;
      rel = readRel(readBalanced('[', ']'), base + s);
    } else rel = { variable: null, types: [], varLength: null, start: base + i, end: base + i, text: '' };
    if (text[i] !== '-') throw bad('a relationship must end with "-"', base + i);
    i++;
    if (text[i] === '>') i++;
    if (i === relStart) throw bad('empty relationship', base + i);
    rels.push(rel);
    skipWs();
    if (text[i] !== '(') throw bad('a relationship must lead to a node "(…)"', base + i);
    nodes.push(readNode(readBalanced('(', ')')));
  }
  return { nodes, rels, text, start: base };
}

export function parseCypher(text: string): CypherQuery {
  if (text.trim() === '') throw bad('the query is empty');
  const masked = maskCypher(text);
  const clauses: Array<{ kind: string; start: number; bodyStart: number }> = [];
  for (const m of masked.matchAll(CLAUSE_RE)) {
    // Keywords inside patterns (e.g. a label called :Match) are not clauses.
    const before = masked.slice(0, m.index);
    const depth = (before.match(/[([{]/g)?.length ?? 0) - (before.match(/[)\]}]/g)?.length ?? 0);
    if (depth !== 0 || /[:.]\s*$/.test(before)) continue;
    clauses.push({ kind: m[1]!.toUpperCase().replace(/\s+/g, ' '), start: m.index, bodyStart: m.index + m[0].length });
  }
  if (clauses.length === 0 || clauses[0]!.start > masked.length - masked.trimStart().length) throw bad('expected a clause such as MATCH or RETURN at the start');
  const parts: MatchClause[][] = [[]];
  let returnText: string | null = null;
  let limit: number | null = null;
  let end = masked.trimEnd().replace(/;\s*$/, '').length;
  let lastMatch: MatchClause | null = null;
  clauses.forEach((c, n) => {
    const bodyEnd = clauses[n + 1]?.start ?? masked.length;
    const body = masked.slice(c.bodyStart, bodyEnd);
    if (c.kind === 'MATCH' || c.kind === 'OPTIONAL MATCH') {
      const patterns = splitTopLevel(body, c.bodyStart).map((p) => readPath(p.text.trim(), p.start + (p.text.length - p.text.trimStart().length)));
      lastMatch = { optional: c.kind === 'OPTIONAL MATCH', patterns, where: null, whereText: null };
      parts[parts.length - 1]!.push(lastMatch);
    } else if (c.kind === 'WHERE') {
      if (lastMatch) {
        lastMatch.where = body.trim();
        lastMatch.whereText = text.slice(c.bodyStart, bodyEnd).trim();
      }
    } else {
      lastMatch = null;
      if (c.kind === 'WITH') parts.push([]);
      if (c.kind === 'RETURN') {
        returnText = body.trim();
        limit = null;
      }
      if (c.kind === 'LIMIT') {
        const v = /^\s*(\d+)\s*;?\s*$/.exec(body);
        limit = v ? Number(v[1]) : -1;
      }
      if (c.kind.startsWith('UNION')) parts.push([]);
    }
  });
  if (end < 0) end = masked.length;
  return { text, parts, returnText, limit, end };
}

/** Variables a piece of (masked) Cypher text mentions. */
export function variablesIn(text: string): Set<string> {
  return new Set([...text.matchAll(/\b([A-Za-z_][A-Za-z0-9_]*)\s*\./g)].map((m) => m[1]!));
}
