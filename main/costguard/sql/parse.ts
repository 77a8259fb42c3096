import NodeSqlParser from 'node-sql-parser';
import { WorkbenchError } from '../../../shared/api/errors.ts';
import { isNode, selectOf, type Node, type SqlDialect } from './ast.ts';

const parser = new NodeSqlParser.Parser();
const PARSER_DATABASE: Record<SqlDialect, string> = { sqlite: 'sqlite', postgres: 'PostgresQL' };

/** A parsed SELECT plus what the parser cannot represent and the printer must put back. */
export interface ParsedSelect {
  readonly dialect: SqlDialect;
  readonly ast: Node;
  /** CTE names written `AS MATERIALIZED` / `AS NOT MATERIALIZED` (node-sql-parser has no grammar for either). */
  readonly materialized: ReadonlyMap<string, 'MATERIALIZED' | 'NOT MATERIALIZED'>;
}

/** Spans of the text that are string literals, quoted identifiers or comments. */
function opaqueSpans(sql: string): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    const start = i;
    if (c === "'" || c === '"' || c === '`') {
      i++;
      while (i < sql.length) {
        if (sql[i] === c) {
          if (sql[i + 1] === c) i += 2;
          else break;
        } else i++;
      }
      spans.push([start, ++i]);
    } else if (c === '-' && sql[i + 1] === '-') {
      while (i < sql.length && sql[i] !== '\n') i++;
      spans.push([start, i]);
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end === -1 ? sql.length : end + 2;
      spans.push([start, i]);
    } else if (c === '$') {
      // PostgreSQL dollar quoting: $tag$ … $tag$
      const m = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i));
      if (m) {
        const end = sql.indexOf(m[0], i + m[0].length);
        i = end === -1 ? sql.length : end + m[0].length;
        spans.push([start, i]);
      } else i++;
    } else i++;
  }
  return spans;
}

function inSpans(spans: Array<[number, number]>, at: number): boolean {
  return spans.some(([a, b]) => at >= a && at < b);
}

/**
 * Splits a file of statements on `;` outside strings and comments. Empty statements
 * (only whitespace or comments) are dropped. Each keeps its 1-based starting line.
 */
export function splitStatements(text: string): Array<{ sql: string; line: number }> {
  const spans = opaqueSpans(text);
  const out: Array<{ sql: string; line: number }> = [];
  let start = 0;
  const push = (end: number) => {
    const chunk = text.slice(start, end);
    const stripped = chunk.replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, '').trim();
    if (stripped !== '') {
      const lead = chunk.length - chunk.trimStart().length;
      out.push({ sql: chunk.trim(), line: text.slice(0, start + lead).split('\n').length });
    }
    start = end + 1;
  };
  for (let i = 0; i < text.length; i++) if (text[i] === ';' && !inSpans(spans, i)) push(i);
  push(text.length);
  return out;
}

const MATERIALIZED_RE = /("(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_]*)(\s+AS\s+)(NOT\s+)?MATERIALIZED(\s*\()/gi;

function unquote(name: string): string {
  return name.startsWith('"') ? name.slice(1, -1).replaceAll('""', '"') : name.toLowerCase();
}

/** Takes `AS [NOT] MATERIALIZED` out of CTE definitions so the parser accepts them. */
function stripMaterialized(sql: string): { text: string; materialized: Map<string, 'MATERIALIZED' | 'NOT MATERIALIZED'> } {
  const spans = opaqueSpans(sql);
  const materialized = new Map<string, 'MATERIALIZED' | 'NOT MATERIALIZED'>();
  const text = sql.replace(MATERIALIZED_RE, (whole, name: string, as: string, not: string | undefined, paren: string, offset: number) => {
    if (inSpans(spans, offset + name.length + 1)) return whole;
    materialized.set(unquote(name), not ? 'NOT MATERIALIZED' : 'MATERIALIZED');
    return `${name}${as}${paren.trimStart()}`;
  });
  return { text, materialized };
}

function statementKind(ast: Node): string {
  return String(ast.type ?? 'unknown').toUpperCase();
}

/**
 * Parses one SELECT statement. Anything else — several statements, DML, DDL, a syntax
 * error — is BAD_INPUT naming what and where.
 */
export function parseSelect(sql: string, dialect: SqlDialect): ParsedSelect {
  if (sql.trim() === '') throw new WorkbenchError('BAD_INPUT', 'sql: the query is empty', { where: 'sql' });
  const stripped = stripMaterialized(sql);
  const { materialized } = stripped;
  let text = stripped.text;
  const spans = opaqueSpans(text);
  // The parser reads NATURAL as a table alias (changing the join), and SQLite's CROSS JOIN likewise.
  for (const m of text.matchAll(/\bNATURAL\s+((LEFT|RIGHT|FULL|INNER)\s+)?(OUTER\s+)?JOIN\b/gi)) {
    if (!inSpans(spans, m.index)) throw new WorkbenchError('BAD_INPUT', 'sql: NATURAL JOIN is not supported by the analyzer; write the join condition (JOIN … USING (…))', { where: 'sql' });
  }
  if (dialect === 'sqlite') text = text.replace(/\bCROSS\s+JOIN\b/gi, (whole, offset: number) => (inSpans(spans, offset) ? whole : 'JOIN'));
  let result: unknown;
  try {
    result = parser.astify(text, { database: PARSER_DATABASE[dialect] });
  } catch (e) {
    const err = e as { message?: string; location?: { start?: { line?: number; column?: number } } };
    const line = err.location?.start?.line;
    const column = err.location?.start?.column;
    const at = line !== undefined ? ` at line ${line}, column ${column}` : '';
    throw new WorkbenchError('BAD_INPUT', `sql: not a ${dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL'} query the analyzer can parse${at}: ${err.message ?? String(e)}`, {
      where: 'sql',
      dialect,
      ...(line !== undefined ? { line, column } : {}),
    });
  }
  const statements = (Array.isArray(result) ? result : [result]).filter(isNode);
  if (statements.length !== 1) {
    throw new WorkbenchError('BAD_INPUT', `sql: expected one statement, got ${statements.length}`, { where: 'sql', statements: statements.length });
  }
  const ast = statements[0]!;
  if (!selectOf(ast)) {
    throw new WorkbenchError('BAD_INPUT', `sql: only SELECT statements are analyzed, got ${statementKind(ast)}`, { where: 'sql', statement: statementKind(ast) });
  }
  if (dialect === 'sqlite') quotedIdentifiersAsColumns(ast);
  return { dialect, ast, materialized };
}

/**
 * The parser's SQLite grammar reads every "double-quoted" token as a string; SQLite reads it
 * as an identifier (a string only when no column has that name). Standard SQL agrees with
 * SQLite, and the printer writes a column reference back the same way, so the text keeps
 * its meaning either way.
 */
function quotedIdentifiersAsColumns(node: unknown): void {
  if (Array.isArray(node)) {
    for (const item of node) quotedIdentifiersAsColumns(item);
    return;
  }
  if (!isNode(node)) return;
  for (const [key, value] of Object.entries(node)) {
    // Names (of CTEs, functions) are not expressions.
    if (key === 'name') continue;
    if (isNode(value) && value.type === 'double_quote_string') node[key] = { type: 'column_ref', table: null, column: String(value.value) };
    else if (Array.isArray(value)) {
      value.forEach((item, i) => {
        if (isNode(item) && item.type === 'double_quote_string') value[i] = { type: 'column_ref', table: null, column: String(item.value) };
        else quotedIdentifiersAsColumns(item);
      });
    } else quotedIdentifiersAsColumns(value);
  }
}

/** Prints an AST back to SQL (canonical: identifiers quoted, AS added), restoring MATERIALIZED markers. */
export function printSelect(parsed: { dialect: SqlDialect; materialized: ReadonlyMap<string, string> }, ast: Node): string {
  let sql = parser.sqlify(ast as Parameters<typeof parser.sqlify>[0], { database: PARSER_DATABASE[parsed.dialect] });
  for (const [name, mode] of parsed.materialized) {
    const quoted = `"${name.replaceAll('"', '""')}"`;
    const re = new RegExp(`(${quoted.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}|\\b${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b) AS \\(`, 'i');
    sql = sql.replace(re, `$1 AS ${mode} (`);
  }
  return sql;
}

/** Prints one expression (used for hint messages and suggestions). */
export function printExpression(dialect: SqlDialect, expr: Node): string {
  return parser.exprToSQL(expr as Parameters<typeof parser.exprToSQL>[0], { database: PARSER_DATABASE[dialect] });
}
