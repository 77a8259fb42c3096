import type { AccessMethod, PlanAccess, PlanReading } from './plan.ts';

/** One node of PostgreSQL's `EXPLAIN (FORMAT JSON)` output. */
export interface PgPlanNode {
  'Node Type': string;
  'Total Cost': number;
  'Plan Rows': number;
  'Relation Name'?: string;
  Alias?: string;
  'Index Name'?: string;
  'Index Cond'?: string;
  'Recheck Cond'?: string;
  Filter?: string;
  'Sort Key'?: string[];
  'CTE Name'?: string;
  'Subplan Name'?: string;
  Strategy?: string;
  Plans?: PgPlanNode[];
  [key: string]: unknown;
}

function describe(node: PgPlanNode): string {
  const parts = [node['Node Type']];
  if (node['Relation Name']) parts.push(`on ${node['Relation Name']}${node.Alias && node.Alias !== node['Relation Name'] ? ` ${node.Alias}` : ''}`);
  else if (node['CTE Name']) parts.push(`on ${node['CTE Name']}`);
  if (node['Index Name']) parts.push(`using ${node['Index Name']}`);
  if (node['Index Cond']) parts.push(`cond ${node['Index Cond']}`);
  if (node.Filter) parts.push(`filter ${node.Filter}`);
  if (node['Sort Key']) parts.push(`key ${node['Sort Key'].join(', ')}`);
  parts.push(`(cost=${node['Total Cost']} rows=${node['Plan Rows']})`);
  return parts.join(' ');
}

/** Reads the planner's own plan: its total cost, row estimate, accesses and sorts. */
export function readPostgresPlan(root: PgPlanNode): PlanReading {
  const accesses: PlanAccess[] = [];
  const sorts: string[] = [];
  const lines: string[] = [];
  const walk = (node: PgPlanNode, depth: number) => {
    lines.push(`${'  '.repeat(depth)}${describe(node)}`);
    const type = node['Node Type'];
    const alias = (node.Alias ?? node['Relation Name'] ?? node['CTE Name'] ?? '').toLowerCase();
    const table = node['Relation Name']?.toLowerCase() ?? null;
    let method: AccessMethod | undefined;
    let index: string | null = null;
    let constraint: string | null = null;
    let covering = false;
    if (type === 'Seq Scan') method = 'full-scan';
    else if (type === 'Index Scan' || type === 'Index Only Scan') {
      index = node['Index Name']?.toLowerCase() ?? null;
      constraint = node['Index Cond'] ?? null;
      method = constraint ? 'index-search' : 'index-scan';
      covering = type === 'Index Only Scan';
    } else if (type === 'Bitmap Heap Scan') {
      method = 'index-search';
      const names: string[] = [];
      const collect = (n: PgPlanNode) => {
        if (n['Node Type'] === 'Bitmap Index Scan' && n['Index Name']) names.push(n['Index Name'].toLowerCase());
        for (const c of n.Plans ?? []) collect(c);
      };
      collect(node);
      index = names.join(',') || null;
      constraint = node['Recheck Cond'] ?? null;
    } else if (type === 'Tid Scan' || type === 'Tid Range Scan') method = 'rowid-search';
    else if (type === 'CTE Scan' || type === 'Subquery Scan') method = 'subquery-scan';
    if (method) accesses.push({ alias, table: method === 'subquery-scan' ? null : table, method, index, covering, constraint, rows: node['Plan Rows'] });
    if (type === 'Sort' || type === 'Incremental Sort') sorts.push(`ORDER BY ${(node['Sort Key'] ?? []).join(', ')}`.trim());
    for (const child of node.Plans ?? []) walk(child, depth + 1);
  };
  walk(root, 0);
  return { dialect: 'postgres', cost: root['Total Cost'], rows: root['Plan Rows'], accesses, sorts, lines };
}
