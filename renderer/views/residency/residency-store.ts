import { createStore, type StoreApi } from 'zustand/vanilla';
import { asWorkbenchError, type WorkbenchError } from '../../../shared/api/errors.ts';
import type { GrantException, ReportExport, ResidencyReport } from '../../../shared/api/residency.ts';
import type { ResidencyClient } from './residency-client.ts';
import { latestOnly } from '../../state/latest-only.ts';

export interface ResidencyState {
  status: 'idle' | 'loading' | 'ready' | 'error';
  report: ResidencyReport | undefined;
  error: WorkbenchError | undefined;
  busy: boolean;
  actionError: WorkbenchError | undefined;
  notice: string | undefined;
  load(): Promise<void>;
  /** The report as JSON or CSV; the view hands it to the browser as a download. */
  exportAs(format: 'json' | 'csv'): Promise<ReportExport | undefined>;
  pinUnpinned(): Promise<void>;
  grantException(input: GrantException): Promise<boolean>;
  revokeException(id: string): Promise<void>;
  /** A `policy.changed` event (exceptions and pins move the epoch): reload if newer than the report. */
  notePolicyChanged(epoch: number): void;
}

type Initial = Partial<Pick<ResidencyState, 'status' | 'report' | 'error' | 'notice' | 'actionError'>>;

/** The residency report, its exports, and the admin acts that change it (pins, exceptions). */
export function createResidencyStore(client: ResidencyClient, initial: Initial = {}): StoreApi<ResidencyState> {
  const latest = latestOnly();
  return createStore<ResidencyState>()((set, get) => {
    const refresh = () =>
      latest(
        () => client.residency.report({}),
        (report) => set({ status: 'ready', report, error: undefined }),
        (e) => set({ status: 'error', report: undefined, error: asWorkbenchError(e) }),
      );

    async function act<T>(what: () => Promise<T>, notice: (r: T) => string): Promise<boolean> {
      set({ busy: true, actionError: undefined, notice: undefined });
      try {
        const r = await what();
        set({ busy: false, notice: notice(r) });
        await refresh();
        return true;
      } catch (e) {
        set({ busy: false, actionError: asWorkbenchError(e) });
        return false;
      }
    }

    return {
      status: 'idle',
      report: undefined,
      error: undefined,
      busy: false,
      actionError: undefined,
      notice: undefined,
      ...initial,

      async load() {
        set({ status: 'loading', error: undefined });
        await refresh();
      },

      async exportAs(format) {
        set({ busy: true, actionError: undefined });
        try {
          const r = await client.residency.exportReport({ format, ...(get().report ? { at: get().report!.at } : {}) });
          set({ busy: false, notice: `Exported ${r.filename} (SHA-256 ${r.sha256.slice(0, 16)}…).` });
          return r;
        } catch (e) {
          set({ busy: false, actionError: asWorkbenchError(e) });
          return undefined;
        }
      },

      async pinUnpinned() {
        await act(
          () => client.residency.pinUnpinned({}),
          (r) => (r.pinned.length ? `Pinned ${r.pinned.length} row${r.pinned.length === 1 ? '' : 's'} to the region and tenant their labels name.` : 'Nothing was unpinned.'),
        );
      },

      grantException: (input) => act(() => client.residency.grantException(input), (e) => `Granted ${e.id}: ${e.tenant} ${e.fromRegion} → ${e.toRegion} until ${e.validUntil}.`),

      async revokeException(id) {
        await act(() => client.residency.revokeException({ id }), (e) => `Revoked ${e.id}.`);
      },

      notePolicyChanged(epoch) {
        const shown = get().report?.epoch ?? -1;
        if (get().status === 'idle' || get().status === 'loading' || epoch <= shown) return;
        void refresh();
      },
    };
  });
}
