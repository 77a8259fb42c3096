import { createStore, type StoreApi } from 'zustand/vanilla';
import type { AuditPackBuild, BuildDetail, BuildList, DownloadFile, DownloadWhat } from '../../../shared/api/auditpack.ts';
import { asWorkbenchError, WorkbenchError } from '../../../shared/api/errors.ts';
import type { AuditPackClient } from './auditpack-client.ts';
import { latestOnly } from '../../state/latest-only.ts';

export interface BuildForm {
  org: string;
  /** Free text the user typed: empty means the default; otherwise a date or an ISO time (UTC). */
  from: string;
  to: string;
  at: string;
}

export interface BuildProgress {
  label: string;
  done: number;
  total: number | null;
}

export interface BuildRun {
  status: 'idle' | 'running' | 'done' | 'error';
  progressId: string | undefined;
  progress: BuildProgress | undefined;
  result: AuditPackBuild | undefined;
  error: WorkbenchError | undefined;
}

export interface AuditPackState {
  status: 'idle' | 'loading' | 'ready' | 'error';
  list: BuildList | undefined;
  error: WorkbenchError | undefined;
  form: BuildForm;
  run: BuildRun;
  /** The build whose files are shown. */
  selectedId: string | undefined;
  detail: { status: 'loading' | 'ready' | 'error'; buildId: string; data: BuildDetail | undefined; error: WorkbenchError | undefined } | undefined;
  /** A download in flight (`<buildId>/<what>`). */
  downloading: string | undefined;
  notice: string | undefined;
  actionError: WorkbenchError | undefined;
  load(): Promise<void>;
  setForm(patch: Partial<BuildForm>): void;
  build(): Promise<void>;
  cancel(): Promise<void>;
  select(buildId: string): Promise<void>;
  /** The file's bytes; the view hands them to the browser. Undefined when it failed (actionError says why). */
  download(buildId: string, what: DownloadWhat): Promise<DownloadFile | undefined>;
  noteEvent(topic: string, payload: unknown): void;
  notePolicyChanged(epoch: number): void;
}

/**
 * A typed time from the form: empty is "not given"; `2026-11-28` is that day's start (UTC);
 * anything else must parse as a time. Bad text is a BAD_INPUT naming the field.
 */
export function formTime(field: 'from' | 'to' | 'at', text: string): string | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(t) ? `${t}T00:00:00.000Z` : t);
  if (Number.isNaN(ms)) {
    throw new WorkbenchError('BAD_INPUT', `${field}: ${JSON.stringify(t)} is not a date (2026-11-28) or a time (2026-11-28T12:00:00Z)`, {
      issues: [{ path: field, message: 'not a date or time' }],
    });
  }
  return new Date(ms).toISOString();
}

const IDLE_RUN: BuildRun = { status: 'idle', progressId: undefined, progress: undefined, result: undefined, error: undefined };

type Initial = Partial<Pick<AuditPackState, 'status' | 'list' | 'error' | 'form' | 'run' | 'selectedId' | 'detail' | 'notice' | 'actionError'>>;

/** Past builds, the one-click build with live progress, each build's files, and downloads. */
export function createAuditPackStore(client: AuditPackClient, newProgressId: () => string, initial: Initial = {}): StoreApi<AuditPackState> {
  const latest = latestOnly();
  return createStore<AuditPackState>()((set, get) => {
    const refresh = () =>
      latest(
        () => client.auditpack.list({}),
        (list) => set({ status: 'ready', list, error: undefined }),
        (e) => set({ status: 'error', list: undefined, error: asWorkbenchError(e) }),
      );

    return {
      status: 'idle',
      list: undefined,
      error: undefined,
      form: { org: 'acme', from: '', to: '', at: '' },
      run: IDLE_RUN,
      selectedId: undefined,
      detail: undefined,
      downloading: undefined,
      notice: undefined,
      actionError: undefined,
      ...initial,

      async load() {
        set({ status: 'loading', error: undefined });
        await refresh();
      },

      setForm(patch) {
        set({ form: { ...get().form, ...patch } });
      },

      async build() {
        if (get().run.status === 'running') return;
        const { form } = get();
        const progressId = newProgressId();
        let input;
        try {
          input = {
            org: form.org.trim(),
            progressId,
            ...optional('from', formTime('from', form.from)),
            ...optional('to', formTime('to', form.to)),
            ...optional('at', formTime('at', form.at)),
          };
        } catch (e) {
          set({ run: { ...IDLE_RUN, status: 'error', error: asWorkbenchError(e) } });
          return;
        }
        set({ run: { ...IDLE_RUN, status: 'running', progressId }, notice: undefined, actionError: undefined });
        try {
          const result = await client.auditpack.build(input);
          set({ run: { ...get().run, status: 'done', result, error: undefined }, notice: `Built ${result.fileName}.` });
          await refresh();
          await get().select(result.id);
        } catch (e) {
          const error = asWorkbenchError(e);
          set({ run: { ...get().run, status: 'error', error } });
          // Someone else's build running, or a failure: the list may have changed. A denial changed
          // nothing, and asking again would only record another denial.
          if (error.code !== 'DENIED') await refresh();
        }
      },

      async cancel() {
        try {
          const r = await client.auditpack.cancel({});
          set({ notice: r.cancelled ? 'Cancelling the build…' : 'No build was running.' });
        } catch (e) {
          set({ actionError: asWorkbenchError(e) });
        }
      },

      async select(buildId) {
        set({ selectedId: buildId, detail: { status: 'loading', buildId, data: undefined, error: undefined } });
        try {
          const data = await client.auditpack.get({ buildId });
          if (get().selectedId === buildId) set({ detail: { status: 'ready', buildId, data, error: undefined } });
        } catch (e) {
          if (get().selectedId === buildId) set({ detail: { status: 'error', buildId, data: undefined, error: asWorkbenchError(e) } });
        }
      },

      async download(buildId, what) {
        set({ downloading: `${buildId}/${what}`, actionError: undefined, notice: undefined });
        try {
          const file = await client.auditpack.download({ buildId, what });
          set({
            downloading: undefined,
            notice: file.base64 === null ? (file.note ?? `${file.fileName} is at ${file.path}`) : `Downloaded ${file.fileName} (SHA-256 ${file.sha256.slice(0, 16)}…).`,
          });
          return file;
        } catch (e) {
          set({ downloading: undefined, actionError: asWorkbenchError(e) });
          return undefined;
        }
      },

      noteEvent(topic, payload) {
        if (topic !== 'progress') return;
        const p = payload as { jobId: string; label: string; done: number; total: number | null };
        const run = get().run;
        if (run.status !== 'running' || p.jobId !== run.progressId) return;
        set({ run: { ...run, progress: { label: p.label, done: p.done, total: p.total } } });
      },

      notePolicyChanged() {
        // A role change may grant or take away auditpack.read: ask again.
        if (get().status === 'ready' || get().status === 'error') void refresh();
      },
    };
  });
}

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}
