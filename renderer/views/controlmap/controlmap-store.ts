import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ControlMapResult, DownloadFile, DownloadWhat, EntryView } from '../../../shared/api/auditpack.ts';
import { asWorkbenchError, type WorkbenchError } from '../../../shared/api/errors.ts';
import type { ControlMapRow, ControlStatus } from '../../../shared/domain/audit-pack.ts';
import type { AuditPackClient } from '../auditpack/auditpack-client.ts';
import { latestOnly } from '../../state/latest-only.ts';

export type FrameworkFilter = 'all' | 'SOC2' | 'ISO27001';
export type StatusFilter = 'all' | ControlStatus;

export interface EvidencePanel {
  path: string;
  status: 'loading' | 'ready' | 'error';
  view: EntryView | undefined;
  error: WorkbenchError | undefined;
}

export interface ControlMapState {
  status: 'idle' | 'loading' | 'ready' | 'error';
  result: ControlMapResult | undefined;
  error: WorkbenchError | undefined;
  framework: FrameworkFilter;
  statusFilter: StatusFilter;
  evidence: EvidencePanel | undefined;
  downloading: boolean;
  actionError: WorkbenchError | undefined;
  notice: string | undefined;
  load(): Promise<void>;
  setFramework(f: FrameworkFilter): void;
  setStatusFilter(s: StatusFilter): void;
  openEvidence(path: string): Promise<void>;
  closeEvidence(): void;
  download(what: DownloadWhat): Promise<DownloadFile | undefined>;
  notePolicyChanged(epoch: number): void;
  noteEvent(topic: string, payload: unknown): void;
}

/** The rows a filter keeps: a framework filter keeps controls mapped to at least one id of it. */
export function visibleRows(rows: readonly ControlMapRow[], framework: FrameworkFilter, status: StatusFilter): ControlMapRow[] {
  return rows.filter(
    (r) => (framework === 'all' || (framework === 'SOC2' ? r.soc2.length > 0 : r.iso27001.length > 0)) && (status === 'all' || r.status === status),
  );
}

/** Counts per status over the given rows. */
export function statusCounts(rows: readonly ControlMapRow[]): Record<ControlStatus, number> & { total: number } {
  const out = { total: rows.length, present: 0, missing: 0, stale: 0 };
  for (const r of rows) out[r.status]++;
  return out;
}

type Initial = Partial<Pick<ControlMapState, 'status' | 'result' | 'error' | 'framework' | 'statusFilter' | 'evidence'>>;

/** The control map of the latest built pack: filters, and the evidence each control points at. */
export function createControlMapStore(client: AuditPackClient, initial: Initial = {}): StoreApi<ControlMapState> {
  const latest = latestOnly();
  return createStore<ControlMapState>()((set, get) => {
    const refresh = () =>
      latest(
        () => client.auditpack.controlMap({}),
        (result) => set({ status: 'ready', result, error: undefined }),
        (e) => set({ status: 'error', result: undefined, error: asWorkbenchError(e) }),
      );

    return {
      status: 'idle',
      result: undefined,
      error: undefined,
      framework: 'all',
      statusFilter: 'all',
      evidence: undefined,
      downloading: false,
      actionError: undefined,
      notice: undefined,
      ...initial,

      async load() {
        set({ status: 'loading', error: undefined });
        await refresh();
      },

      setFramework(framework) {
        set({ framework });
      },

      setStatusFilter(statusFilter) {
        set({ statusFilter });
      },

      async openEvidence(path) {
        const build = get().result?.build;
        if (!build) return;
        set({ evidence: { path, status: 'loading', view: undefined, error: undefined } });
        try {
          const view = await client.auditpack.readEntry({ buildId: build.id, path });
          if (get().evidence?.path === path) set({ evidence: { path, status: 'ready', view, error: undefined } });
        } catch (e) {
          if (get().evidence?.path === path) set({ evidence: { path, status: 'error', view: undefined, error: asWorkbenchError(e) } });
        }
      },

      closeEvidence() {
        set({ evidence: undefined });
      },

      async download(what) {
        const build = get().result?.build;
        if (!build) return undefined;
        set({ downloading: true, actionError: undefined, notice: undefined });
        try {
          const file = await client.auditpack.download({ buildId: build.id, what });
          set({ downloading: false, notice: `Downloaded ${file.fileName} (SHA-256 ${file.sha256.slice(0, 16)}…).` });
          return file;
        } catch (e) {
          set({ downloading: false, actionError: asWorkbenchError(e) });
          return undefined;
        }
      },

      notePolicyChanged() {
        if (get().status === 'ready' || get().status === 'error') void refresh();
      },

      noteEvent(topic, payload) {
        // A build finished somewhere (this window or another): show its map.
        if (topic === 'progress' && (payload as { jobId?: string; finished?: boolean }).finished && String((payload as { jobId?: string }).jobId).startsWith('auditpack-')) {
          if (get().status === 'ready' || get().status === 'error') void refresh();
        }
      },
    };
  });
}
