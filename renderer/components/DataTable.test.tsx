import { describe, expect, it } from 'vitest';
import { renderToStaticMarkup } from 'react-dom/server';
import { DataTable } from './DataTable.tsx';

describe('DataTable', () => {
  it('wraps the table for scrolling, scopes every heading to its column and puts the rows in one body', () => {
    const html = renderToStaticMarkup(
      <DataTable columns={['Shard', { label: 'Vectors', className: 'num' }, '']} testId="t" label="Vectors per shard">
        <tr>
          <td>0</td>
          <td className="num">12</td>
          <td />
        </tr>
      </DataTable>,
    );
    expect(html).toBe(
      '<div class="table-wrap"><table class="data-table" data-testid="t" aria-label="Vectors per shard"><thead><tr>' +
        '<th scope="col">Shard</th><th scope="col" class="num">Vectors</th><th scope="col"></th></tr></thead>' +
        '<tbody><tr><td>0</td><td class="num">12</td><td></td></tr></tbody></table></div>',
    );
  });

  it('adds a screen-reader caption and extra classes when given, and no empty attributes otherwise', () => {
    const html = renderToStaticMarkup(
      <DataTable columns={['A']} caption="Audit events, newest first (2 shown)" className="ap-sla">
        {null}
      </DataTable>,
    );
    expect(html).toBe(
      '<div class="table-wrap"><table class="data-table ap-sla"><caption class="sr-only">Audit events, newest first (2 shown)</caption>' +
        '<thead><tr><th scope="col">A</th></tr></thead><tbody></tbody></table></div>',
    );
  });
});
