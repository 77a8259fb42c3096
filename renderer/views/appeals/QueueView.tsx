import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useStore } from 'zustand';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { TicketPriority, TicketSummary } from '../../../shared/api/appeals.ts';
import type { Actor } from '../../../shared/domain/actors.ts';
import type { TicketState } from '../../../shared/domain/tickets.ts';
import { ErrorPanel } from '../../components/ErrorPanel.tsx';
import { formatUtc } from '../../components/format.ts';
import { APPEALS_TOPICS, type AppealsClient } from './appeals-client.ts';
import { STATE_LABELS, dueText } from './appeals-format.ts';
import { createQueueStore, type QueueFilter, type QueueSort } from './queue-store.ts';

const ROW_HEIGHT = 38;
const STATES: TicketState[] = ['new', 'triage', 'pending_info', 'decided'];
const PRIORITIES: TicketPriority[] = ['urgent', 'high', 'normal', 'low'];
const COLUMNS: Array<{ id: string; label: string; sort?: QueueSort }> = [
  { id: 'id', label: 'Ticket', sort: 'created' },
  { id: 'state', label: 'State', sort: 'state' },
  { id: 'priority', label: 'Priority', sort: 'priority' },
  { id: 'requester', label: 'Requester' },
  { id: 'assignee', label: 'Assignee' },
  { id: 'due', label: 'Due', sort: 'due' },
  { id: 'sla', label: 'SLA' },
  { id: 'updated', label: 'Last change', sort: 'updated' },
];

function SlaCell({ row }: { row: TicketSummary }) {
  if (row.breached) return <span className="pill bad">breached</span>;
  if (row.clock === 'paused') return <span className="pill warn">paused</span>;
  if (row.clock === 'stopped') return <span className="pill ok">met</span>;
  return <span className="pill info">on time</span>;
}

function Row({ row, at, index }: { row: TicketSummary; at: string; index: number }) {
  return (
    <>
      <div role="gridcell" className="ap-c-id">
        <a href={`#/appeals/${encodeURIComponent(row.id)}`} data-row-index={index}>
          {row.id}
        </a>
      </div>
      <div role="gridcell">
        <span className={`ap-state ap-state-${row.state}`}>{STATE_LABELS[row.state]}</span>
      </div>
      <div role="gridcell">
        <span className={`ap-prio ap-prio-${row.priority}`}>{row.priority}</span>
      </div>
      <div role="gridcell">{row.requester}</div>
      <div role="gridcell">{row.assignee ?? <span className="muted">unassigned</span>}</div>
      <div role="gridcell" title={row.dueAt ? formatUtc(row.dueAt) : undefined}>
        {row.clock === 'stopped' ? <span className="muted">—</span> : dueText(row.dueAt, at)}
      </div>
      <div role="gridcell">
        <SlaCell row={row} />
      </div>
      <div role="gridcell" className="nowrap">
        {formatUtc(row.updatedAt)}
      </div>
    </>
  );
}

/**
 * The appeals queue: server-side filters and sort, a virtual list that renders only the
 * visible rows and fetches the pages they are in. Live: refreshes when a ticket changes or
 * an SLA is breached.
 */
export function QueueView({ client, actor, scope, navigate }: { client: AppealsClient; actor: Actor; scope: 'mine' | 'all'; navigate(hash: string): void }) {
  const [store] = useState(() => createQueueStore(client, actor.id));
  const status = useStore(store, (s) => s.status);
  const total = useStore(store, (s) => s.total);
  const rows = useStore(store, (s) => s.rows);
  const filter = useStore(store, (s) => s.filter);
  const generation = useStore(store, (s) => s.generation);
  const at = useStore(store, (s) => s.at);
  const error = useStore(store, (s) => s.error);
  const parentRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    void store.getState().load(scope);
  }, [store, scope]);

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const unsubscribe = client.$events.subscribe((e) => {
      if (!APPEALS_TOPICS.has(e.topic) || timer !== undefined) return;
      timer = setTimeout(() => {
        timer = undefined;
        void store.getState().refresh();
      }, 300);
    });
    return () => {
      unsubscribe();
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [client, store]);

  // The virtualizer keeps measurements in mutable state; it is not memoizable by the compiler.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({ count: total, getScrollElement: () => parentRef.current, estimateSize: () => ROW_HEIGHT, overscan: 12 });
  const items = virtualizer.getVirtualItems();
  const firstIndex = items[0]?.index ?? 0;
  const lastIndex = items.at(-1)?.index ?? -1;
  useEffect(() => {
    if (lastIndex >= 0) store.getState().ensure(firstIndex, lastIndex);
  }, [store, firstIndex, lastIndex, generation]);

  const set = (patch: Partial<QueueFilter>) => {
    parentRef.current?.scrollTo({ top: 0 });
    void store.getState().setFilter(patch);
  };
  const toggleState = (s: TicketState) => set({ states: filter.states.includes(s) ? filter.states.filter((x) => x !== s) : [...filter.states, s] });
  const sortBy = (sort: QueueSort) => set(sort === filter.sort ? { direction: filter.direction === 'asc' ? 'desc' : 'asc' } : { sort, direction: 'asc' });

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    // Arrow keys move between ticket links; the list scrolls to keep the focused one in view.
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    const current = (e.target as HTMLElement).closest('[data-row-index]')?.getAttribute('data-row-index');
    if (current == null) return;
    e.preventDefault();
    const next = Math.max(0, Math.min(total - 1, Number(current) + (e.key === 'ArrowDown' ? 1 : -1)));
    virtualizer.scrollToIndex(next);
    requestAnimationFrame(() => parentRef.current?.querySelector<HTMLElement>(`[data-row-index="${next}"]`)?.focus());
  };

  return (
    <section className="panel ap-queue" aria-labelledby="queue-title">
      <header className="panel-head">
        <h2 id="queue-title">{scope === 'mine' ? 'My appeals' : 'Appeals queue'}</h2>
        <span className="muted" role="status" data-testid="queue-count">
          {status === 'loading' ? 'Loading…' : `${total.toLocaleString('en-US')} ticket${total === 1 ? '' : 's'}`}
        </span>
      </header>
      <div className="ap-filters" role="group" aria-label="Filter the queue">
        <fieldset className="ap-states">
          <legend>State</legend>
          {STATES.map((s) => (
            <label key={s}>
              <input type="checkbox" checked={filter.states.includes(s)} onChange={() => toggleState(s)} /> {STATE_LABELS[s]}
            </label>
          ))}
        </fieldset>
        <label>
          Priority
          <select value={filter.priorities[0] ?? ''} onChange={(e) => set({ priorities: e.target.value ? [e.target.value as TicketPriority] : [] })}>
            <option value="">any</option>
            {PRIORITIES.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </label>
        <label>
          SLA
          <select value={filter.breached} onChange={(e) => set({ breached: e.target.value as QueueFilter['breached'] })} data-testid="filter-breach">
            <option value="any">any</option>
            <option value="breached">breached</option>
            <option value="on-time">on time</option>
          </select>
        </label>
        <label>
          Sort
          <select value={filter.sort} onChange={(e) => set({ sort: e.target.value as QueueSort })}>
            <option value="due">due time</option>
            <option value="priority">priority</option>
            <option value="state">state</option>
            <option value="created">opened</option>
            <option value="updated">last change</option>
          </select>
        </label>
        <button type="button" className="button" onClick={() => set({ direction: filter.direction === 'asc' ? 'desc' : 'asc' })} aria-label={`Sort ${filter.direction === 'asc' ? 'descending' : 'ascending'}`}>
          {filter.direction === 'asc' ? '↑ ascending' : '↓ descending'}
        </button>
        {scope === 'all' && (
          <label className="ap-inline">
            <input type="checkbox" checked={filter.assignedToMe} onChange={() => set({ assignedToMe: !filter.assignedToMe })} /> Assigned to me
          </label>
        )}
      </div>
      {status === 'error' && error && <ErrorPanel error={error} context={scope === 'mine' ? 'My appeals' : 'Appeals queue'} onRetry={() => void store.getState().load(scope)} />}
      {status !== 'error' && (
        <div className="ap-grid" role="grid" aria-rowcount={total + 1} aria-label={scope === 'mine' ? 'My appeals' : 'Appeals queue'} data-testid="queue-grid" data-status={status} data-generation={generation} data-total={total}>
          <div className="ap-row ap-head" role="row" aria-rowindex={1}>
            {COLUMNS.map((c) => (
              <div key={c.id} role="columnheader" aria-sort={c.sort && c.sort === filter.sort ? (filter.direction === 'asc' ? 'ascending' : 'descending') : undefined}>
                {c.sort ? (
                  <button type="button" className="ap-sort" onClick={() => sortBy(c.sort!)}>
                    {c.label}
                    {c.sort === filter.sort ? (filter.direction === 'asc' ? ' ▲' : ' ▼') : ''}
                  </button>
                ) : (
                  c.label
                )}
              </div>
            ))}
          </div>
          <div ref={parentRef} className="ap-scroll" onKeyDown={onKeyDown}>
            {status === 'ready' && total === 0 && <p className="empty ap-empty">No tickets match these filters.</p>}
            <div className="ap-canvas" style={{ height: virtualizer.getTotalSize() }}>
              {items.map((item) => {
                const row = rows.get(item.index);
                return (
                  <div
                    key={item.key}
                    role="row"
                    aria-rowindex={item.index + 2}
                    className={`ap-row ap-body${row?.breached ? ' ap-breached' : ''}`}
                    style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
                    data-testid={row ? 'queue-row' : 'queue-row-loading'}
                    onClick={(e) => {
                      if (row && !(e.target as HTMLElement).closest('a')) navigate(`#/appeals/${encodeURIComponent(row.id)}`);
                    }}
                  >
                    {row && at ? (
                      <Row row={row} at={at} index={item.index} />
                    ) : (
                      <div role="gridcell" className="muted ap-loading-cell">
                        Loading…
                      </div>
                    )}
                  </div>
                );
              })}
            </div>
          </div>
        </div>
      )}
    </section>
  );
}
