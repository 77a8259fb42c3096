import type { ReactNode } from 'react';

/** A column heading: its text, or text with a class (`num` right-aligns a figure column). */
export type DataColumn = string | { label: string; className?: string };

export interface DataTableProps {
  columns: readonly DataColumn[];
  /** The rows (`<tr>` elements): the table's one body. */
  children: ReactNode;
  /** The accessible name, when no caption gives one. */
  label?: string;
  /** A caption for screen readers only (the visible heading sits above the table). */
  caption?: string;
  testId?: string;
  /** Classes besides `data-table`. */
  className?: string;
}

/**
 * The workbench's table: scrolling wrapper, column headings scoped to their columns, one
 * body. Every view's list uses it, so tables look and read alike to assistive technology.
 */
export function DataTable({ columns, children, label, caption, testId, className }: DataTableProps) {
  return (
    <div className="table-wrap">
      <table className={className ? `data-table ${className}` : 'data-table'} data-testid={testId} aria-label={label}>
        {caption !== undefined && <caption className="sr-only">{caption}</caption>}
        <thead>
          <tr>
            {columns.map((c, i) =>
              typeof c === 'string' ? (
                <th key={i} scope="col">
                  {c}
                </th>
              ) : (
                <th key={i} scope="col" className={c.className}>
                  {c.label}
                </th>
              ),
            )}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
