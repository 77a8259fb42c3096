import { columnQualifier, isNode, isStarColumn, makeColumn, makeSelectItem, selectItems, type Node } from '../sql/ast.ts';
import type { FromItem, Scope } from '../sql/shape.ts';
import { atPath, hint, ident, scopePath, type DetectContext, type Detector, type Finding } from './finding.ts';

/** Columns wider than this on average (bytes) are left out of the narrowed projection. */
export const WIDE_COLUMN_BYTES = 48;
const WIDE_TYPES = /\b(BLOB|BYTEA|JSONB?|XML)\b/i;

function starReachesTable(ctx: DetectContext, item: FromItem, depth = 0): boolean {
  if (item.kind === 'table' || item.kind === 'view') return true;
  if (!item.select || depth > 4) return false;
  const inner = ctx.reader.scopeFor(item.select, 'derived', null, null);
  return selectItems(item.select).some((si) => isNode(si.expr) && isStarColumn(si.expr) && inner.from.some((f) => starReachesTable(ctx, f, depth + 1)));
}

/** The items a star covers: `*` all of them, `t.*` the one named t. */
function starItems(scope: Scope, star: Node): FromItem[] {
  const q = columnQualifier(star);
  return q === null ? scope.from : scope.from.filter((f) => f.alias === q.toLowerCase());
}

/**
 * `SELECT *` in the outermost query: every column of every row crosses the wire, wide
 * text included, and no index can cover the query. The fix lists the columns explicitly
 * and leaves out the wide ones (measured average width above 48 bytes, or a BLOB / JSON
 * type); it must return the same rows on the columns it keeps.
 */
export const detectSelectStar: Detector = async (ctx) => {
  const scope = ctx.shape.top;
  const stars = selectItems(scope.select).filter((i) => isNode(i.expr) && isStarColumn(i.expr));
  if (stars.length === 0) return [];
  const covered = stars.flatMap((s) => starItems(scope, s.expr));
  if (!covered.some((f) => starReachesTable(ctx, f))) return [];

  // The narrowed list: every column the star stands for, minus the wide ones.
  const multi = scope.from.length > 1;
  const kept: Array<{ item: FromItem; column: string }> = [];
  const dropped: string[] = [];
  const outNames = new Set<string>();
  let duplicateNames = false;
  for (const item of scope.from) {
    const starred = covered.includes(item);
    if (!starred) continue;
    for (const column of ctx.reader.columnsOf(item)) {
      const base = ctx.reader.baseColumn(item, column);
      const info = base ? ctx.catalog.table(base.table) : undefined;
      const width = base ? await ctx.columnWidth(base.table, base.column) : undefined;
      const declaredWide = info && base ? WIDE_TYPES.test(declaredType(ctx, base.table, base.column)) : false;
      if (declaredWide || (width !== undefined && width > WIDE_COLUMN_BYTES)) {
        dropped.push(multi ? `${item.alias}.${column}` : column);
        continue;
      }
      if (outNames.has(column)) duplicateNames = true;
      outNames.add(column);
      kept.push({ item, column });
    }
  }
  const list = kept.map((k) => (multi ? `${ident(k.item.alias)}.${ident(k.column)}` : ident(k.column))).join(', ');
  const message =
    dropped.length > 0
      ? `SELECT * reads every column, including wide ones (${dropped.join(', ')}); list only the columns the caller uses.`
      : 'SELECT * returns every column and breaks when the schema changes; list only the columns the caller uses.';
  const finding: Finding = {
    hint: hint('select-star', 'info', message, `SELECT ${list || '<the columns you use>'} …`, '*'),
    fixes: [],
  };
  const path = scopePath(ctx, scope);
  if (path && kept.length > 0 && !duplicateNames && dropped.length > 0) {
    const starSet = new Set(stars.map((s) => JSON.stringify(s.expr)));
    finding.fixes.push({
      type: 'select-star',
      effect: 'same-rows',
      ddl: [],
      keptColumns: kept.map((k) => k.column),
      note: `lists ${kept.length} column(s) instead of *, leaving out ${dropped.join(', ')}`,
      apply: (ast) => {
        const select = atPath(ast, path);
        if (!select || !Array.isArray(select.columns)) return false;
        const next: Node[] = [];
        let replaced = false;
        for (const item of select.columns as Node[]) {
          if (isNode(item.expr) && starSet.has(JSON.stringify(item.expr))) {
            if (!replaced) for (const k of kept) next.push(makeSelectItem(ctx.dialect, makeColumn(ctx.dialect, multi ? k.item.alias : null, k.column)));
            replaced = true;
          } else next.push(item);
        }
        select.columns = next;
        return replaced;
      },
    });
  }
  return [finding];
};

function declaredType(ctx: DetectContext, table: string, column: string): string {
  return ctx.catalog.table(table)?.columnTypes?.[column] ?? '';
}
