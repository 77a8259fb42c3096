/**
 * Rewrites `?` placeholders to PostgreSQL's `$1, $2, …`, leaving every `?` that is not a
 * placeholder alone: inside '…' and E'…' string literals, "…" identifiers, -- and
 * nested /* *\/ comments, and $tag$…$tag$ dollar-quoted bodies.
 *
 * PostgreSQL's jsonb `?`, `?|` and `?&` operators would be taken for placeholders: write
 * `jsonb_exists(col, key)` / `jsonb_exists_any` / `jsonb_exists_all` instead.
 */
export interface RewrittenSql {
  text: string;
  /** Number of placeholders found. */
  count: number;
}

export class PlaceholderError extends Error {
  readonly code = 'BAD_PLACEHOLDER';
  constructor(message: string) {
    super(message);
    this.name = 'PlaceholderError';
  }
}

const IDENT_CHAR = /[A-Za-z0-9_$\u0080-\uffff]/;
const TAG = /^\$([A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/;

export function toPostgresPlaceholders(sql: string): RewrittenSql {
  let out = '';
  let count = 0;
  let i = 0;
  const n = sql.length;
  // Copies sql[i..end) verbatim and moves past it.
  const copyTo = (end: number) => {
    out += sql.slice(i, end);
    i = end;
  };
  const unterminated = (what: string, at: number): never => {
    throw new PlaceholderError(`unterminated ${what} starting at offset ${at}`);
  };

  while (i < n) {
    const c = sql[i]!;
    const prev = i > 0 ? sql[i - 1]! : '';
    if (c === '?') {
      count += 1;
      out += `$${count}`;
      i += 1;
    } else if (c === "'") {
      // E'…' (escape string) allows backslash escapes; a plain literal only doubles quotes.
      const escapes = (prev === 'E' || prev === 'e') && (i < 2 || !IDENT_CHAR.test(sql[i - 2]!));
      let j = i + 1;
      for (;;) {
        if (j >= n) unterminated('string literal', i);
        const d = sql[j]!;
        if (escapes && d === '\\') j += 2;
        else if (d === "'" && sql[j + 1] === "'") j += 2;
        else if (d === "'") break;
        else j += 1;
      }
      copyTo(j + 1);
    } else if (c === '"') {
      let j = i + 1;
      for (;;) {
        if (j >= n) unterminated('quoted identifier', i);
        if (sql[j] === '"' && sql[j + 1] === '"') j += 2;
        else if (sql[j] === '"') break;
        else j += 1;
      }
      copyTo(j + 1);
    } else if (c === '-' && sql[i + 1] === '-') {
      const nl = sql.indexOf('\n', i);
      copyTo(nl === -1 ? n : nl);
    } else if (c === '/' && sql[i + 1] === '*') {
      let depth = 0;
      let j = i;
      do {
        if (j >= n) unterminated('comment', i);
        if (sql[j] === '/' && sql[j + 1] === '*') {
          depth += 1;
          j += 2;
        } else if (sql[j] === '*' && sql[j + 1] === '/') {
          depth -= 1;
          j += 2;
        } else j += 1;
      } while (depth > 0);
      copyTo(j);
    } else if (c === '$' && !(prev !== '' && IDENT_CHAR.test(prev))) {
      const tag = TAG.exec(sql.slice(i));
      if (tag) {
        const close = sql.indexOf(tag[0], i + tag[0].length);
        if (close === -1) unterminated('dollar-quoted string', i);
        copyTo(close + tag[0].length);
      } else if (/[0-9]/.test(sql[i + 1] ?? '')) {
        throw new PlaceholderError(`positional parameter at offset ${i}: write ? placeholders, the client numbers them`);
      } else {
        copyTo(i + 1);
      }
    } else {
      copyTo(i + 1);
    }
  }
  return { text: out, count };
}
