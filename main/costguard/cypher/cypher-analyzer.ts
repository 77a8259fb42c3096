import { createHash } from 'node:crypto';
import { hintDocsLink, type Hint, type HintPayload, type RewriteStep } from '../../../shared/api/costguard.ts';
import { parseCypher, variablesIn, type CypherQuery, type PathPattern } from './cypher-pattern.ts';

/** Bound given to an unbounded variable-length relationship by the rewrite. */
export const DEFAULT_MAX_HOPS = 5;
/**
 * The cypher-pattern score (docs/costguard.md#the-cypher-pattern-score): a start node costs 1
 * when anchored by a property map or an equality in WHERE, 1000 when it only has a label,
 * 10000 when it has neither; each hop multiplies by a fan-out of 10; a variable-length hop
 * by 10^min + … + 10^max, an unbounded one as if max were 10; disconnected parts multiply;
 * a LIMIT n caps the score at n × 10 (matching stops after n rows, each about one fan-out of work).
 */
const FAN_OUT = 10;
const UNBOUNDED_AS = 10;

export function looksLikeCypher(text: string): boolean {
  return /^\s*(OPTIONAL\s+MATCH|MATCH|UNWIND|CALL\s*\{)\b/i.test(text.replace(/^\s*(\/\/[^\n]*\n|\/\*[\s\S]*?\*\/)*/g, ''));
}

function anchoredVariables(q: CypherQuery): Set<string> {
  const out = new Set<string>();
  for (const part of q.parts) {
    for (const m of part) {
      for (const eq of (m.where ?? '').matchAll(/\b([A-Za-z_][A-Za-z0-9_]*)\s*\.\s*[A-Za-z_][A-Za-z0-9_]*\s*=\s*(?!\s*[A-Za-z_][A-Za-z0-9_]*\s*\.)/g)) out.add(eq[1]!);
    }
  }
  return out;
}

function pathScore(p: PathPattern, anchored: Set<string>): { start: number; expansion: number } {
  const start = Math.min(
    ...p.nodes.map((n) => (n.anchored || (n.variable !== null && anchored.has(n.variable)) ? 1 : n.labels.length > 0 ? 1000 : 10_000)),
  );
  let expansion = 1;
  for (const r of p.rels) {
    if (!r.varLength) expansion *= FAN_OUT;
    else {
      const max = r.varLength.max ?? Math.max(UNBOUNDED_AS, r.varLength.min);
      let sum = 0;
      for (let k = r.varLength.min; k <= max; k++) sum += FAN_OUT ** k;
      expansion *= Math.max(1, sum);
    }
  }
  return { start, expansion };
}

/** Connected groups of the patterns of one query part: patterns sharing a variable (or compared in WHERE) are connected. */
export function components(part: CypherQuery['parts'][number]): PathPattern[][] {
  const patterns = part.flatMap((m) => m.patterns);
  const vars = patterns.map((p) => new Set([...p.nodes, ...p.rels].map((x) => x.variable).filter((v): v is string => v !== null)));
  const parent = patterns.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  for (let i = 0; i < patterns.length; i++) {
    for (let j = i + 1; j < patterns.length; j++) if ([...vars[i]!].some((v) => vars[j]!.has(v))) parent[find(i)] = find(j);
  }
  // A WHERE comparing variables of two groups joins them by value.
  for (const m of part) {
    for (const cond of (m.where ?? '').split(/\bAND\b/i)) {
      const mentioned = [...variablesIn(cond)];
      const owners = [...new Set(mentioned.map((v) => vars.findIndex((s) => s.has(v))).filter((i) => i >= 0))];
      for (const o of owners.slice(1)) parent[find(owners[0]!)] = find(o);
    }
  }
  const groups = new Map<number, PathPattern[]>();
  patterns.forEach((p, i) => groups.set(find(i), [...(groups.get(find(i)) ?? []), p]));
  return [...groups.values()];
}

export function cypherScore(q: CypherQuery): number {
  const anchored = anchoredVariables(q);
  let total = 1;
  for (const part of q.parts) {
    for (const group of components(part)) {
      let groupScore = Infinity;
      for (const p of group) {
        const s = pathScore(p, anchored);
        groupScore = Math.min(groupScore, s.start * s.expansion);
      }
      if (Number.isFinite(groupScore)) total *= groupScore;
    }
  }
  if (q.limit !== null && q.limit >= 0) total = Math.min(total, q.limit * FAN_OUT);
  return total;
}

function isAggregateOnly(returnText: string): boolean {
  const items = returnText.replace(/\bORDER\s+BY[\s\S]*$/i, '').split(',');
  return items.length > 0 && items.every((i) => /^\s*(DISTINCT\s+)?(count|sum|avg|min|max|collect)\s*\(/i.test(i));
}

function hint(type: Hint['type'], severity: Hint['severity'], message: string, suggested: string, fragment: string | null): Hint {
  return { type, message, severity, suggested, docs: hintDocsLink(type), fragment };
}

/** Hints for a Cypher query, read from its patterns alone (no database), with a verified rewrite. */
export function analyzeCypher(text: string, defaultLimit: number): HintPayload {
  const q = parseCypher(text);
  const hints: Hint[] = [];
  const edits: Array<{ start: number; end: number; text: string }> = [];
  const steps: Array<Omit<RewriteStep, 'costBefore' | 'costAfter'>> = [];

  for (const part of q.parts) {
    for (const m of part) {
      for (const p of m.patterns) {
        for (const r of p.rels) {
          if (!r.varLength || r.varLength.max !== null) continue;
          const max = Math.max(r.varLength.min, 1) + DEFAULT_MAX_HOPS - 1;
          const relText = text.slice(r.start, r.end);
          const bounded = relText.replace(/\*\s*(\d+)?\s*(\.\.)?\s*/, `*${r.varLength.min}..${max}`);
          hints.push(
            hint(
              'cypher-unbounded-path',
              'critical',
              `${relText} has no upper bound: the match expands to every path length the graph allows.`,
              bounded,
              relText,
            ),
          );
          edits.push({ start: r.start, end: r.end, text: bounded });
          steps.push({ type: 'cypher-unbounded-path', effect: 'changes-rows', note: `bounds the path to ${r.varLength.min}..${max} hops: longer paths are no longer matched` });
        }
      }
    }
    const groups = components(part);
    if (groups.length > 1) {
      const names = groups.map((g) => g.map((p) => original(text, p)).join(', '));
      hints.push(
        hint(
          'cypher-disconnected-pattern',
          'critical',
          `The patterns ${names.map((n) => `[${n}]`).join(' and ')} share no variable: every match of one is paired with every match of the other.`,
          'connect the patterns through a relationship or a shared node, or match them in separate queries',
          names.join(' | '),
        ),
      );
    }
  }
  if (q.returnText !== null && q.limit === null && !isAggregateOnly(q.returnText)) {
    hints.push(hint('cypher-no-limit', 'warning', 'RETURN without LIMIT: every match is returned.', `… LIMIT ${defaultLimit}`, 'RETURN'));
    edits.push({ start: q.end, end: q.end, text: ` LIMIT ${defaultLimit}` });
    steps.push({ type: 'cypher-no-limit', effect: 'changes-rows', note: `returns at most ${defaultLimit} matches` });
  }

  const cost = cypherScore(q);
  let rewrite: HintPayload['rewrite'] = null;
  const rejected: HintPayload['rejected'] = [];
  if (edits.length > 0) {
    const rewritten = applyEdits(text, edits);
    // Verified: the rewrite must parse and score lower.
    let after: number | undefined;
    try {
      after = cypherScore(parseCypher(rewritten));
    } catch (e) {
      for (const s of steps) rejected.push({ type: s.type, reason: `the rewrite does not parse: ${(e as Error).message}` });
    }
    if (after !== undefined && after < cost) {
      let running = cost;
      const fullSteps: RewriteStep[] = [];
      // Each step's own effect, applied in order.
      for (let i = 0; i < edits.length; i++) {
        const partial = cypherScore(parseCypher(applyEdits(text, edits.slice(0, i + 1))));
        fullSteps.push({ ...steps[i]!, costBefore: round(running), costAfter: round(partial) });
        running = partial;
      }
      rewrite = { sql: rewritten, ddl: [], script: rewritten, estimatedCost: round(after), changesResults: true, steps: fullSteps };
    } else if (after !== undefined) {
      for (const s of steps) rejected.push({ type: s.type, reason: `the rewrite does not score lower (${round(cost)} → ${round(after)})` });
    }
  }
  const severityRank = { critical: 0, warning: 1, info: 2 } as const;
  const ordered = hints.map((h, i) => ({ h, i })).sort((a, b) => severityRank[a.h.severity] - severityRank[b.h.severity] || a.i - b.i).map((x) => x.h);
  return {
    queryId: `q_${createHash('sha256').update(`cypher\u0000${text.trim()}`).digest('hex').slice(0, 16)}`,
    dialect: 'cypher',
    costModel: 'cypher-pattern',
    estimatedCost: round(cost),
    estimatedRows: null,
    plan: q.parts.flatMap((part, i) =>
      part.map((m) => `part ${i + 1}: ${m.optional ? 'OPTIONAL MATCH' : 'MATCH'} ${m.patterns.map((p) => original(text, p)).join(', ')}${m.whereText ? ` WHERE ${m.whereText}` : ''}`),
    ),
    hints: ordered,
    rewrite,
    rejected,
  };
}

function original(text: string, p: PathPattern): string {
  return text.slice(p.start, p.start + p.text.length).trim();
}

function applyEdits(text: string, edits: ReadonlyArray<{ start: number; end: number; text: string }>): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
