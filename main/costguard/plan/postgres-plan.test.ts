import { describe, expect, it } from 'vitest';
import { readPostgresPlan, type PgPlanNode } from './postgres-plan.ts';

describe('readPostgresPlan', () => {
  it("takes PostgreSQL's own total cost and rows, and lists accesses and sorts", () => {
    const plan: PgPlanNode = {
      'Node Type': 'Limit',
      'Total Cost': 244.67,
      'Plan Rows': 5,
      Plans: [
        {
          'Node Type': 'Sort',
          'Total Cost': 259.66,
          'Plan Rows': 6000,
          'Sort Key': ['(random())'],
          Plans: [{ 'Node Type': 'Seq Scan', 'Relation Name': 'orders', Alias: 'o', 'Total Cost': 145, 'Plan Rows': 6000 }],
        },
      ],
    };
    const r = readPostgresPlan(plan);
    expect(r.cost).toBe(244.67);
    expect(r.rows).toBe(5);
    expect(r.sorts).toEqual(['ORDER BY (random())']);
    expect(r.accesses).toEqual([{ alias: 'o', table: 'orders', method: 'full-scan', index: null, covering: false, constraint: null, rows: 6000 }]);
    expect(r.lines).toEqual(['Limit (cost=244.67 rows=5)', '  Sort key (random()) (cost=259.66 rows=6000)', '    Seq Scan on orders o (cost=145 rows=6000)']);
  });

  it('reads bitmap scans as index searches naming their indexes', () => {
    const r = readPostgresPlan({
      'Node Type': 'Bitmap Heap Scan',
      'Relation Name': 'orders',
      Alias: 'orders',
      'Total Cost': 14.48,
      'Plan Rows': 3,
      'Recheck Cond': '(customer_id = 5)',
      Plans: [{ 'Node Type': 'Bitmap Index Scan', 'Index Name': 'orders_customer', 'Total Cost': 4.3, 'Plan Rows': 3, 'Index Cond': '(customer_id = 5)' }],
    });
    expect(r.accesses).toEqual([{ alias: 'orders', table: 'orders', method: 'index-search', index: 'orders_customer', covering: false, constraint: '(customer_id = 5)', rows: 3 }]);
  });
});
