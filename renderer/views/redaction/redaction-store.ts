import { createStore, type StoreApi } from 'zustand/vanilla';
import { asWorkbenchError, type WorkbenchError } from '../../../shared/api/errors.ts';
import type { DiffView, ErasureCertificate, JobView, PolicySpec, StoredPolicyView } from '../../../shared/api/redaction.ts';
import type { RedactionClient } from './redaction-client.ts';

/** Live figures of a running purge, from `redaction.job` events. */
export interface LiveJob {
  state: JobView['state'];
  erased: number;
  total: number;
  batchesDone: number;
  batchCount: number;
  rate: number;
  etaSeconds: number | null;
  concurrency: number;
  error: string | null;
}

export interface PolicyForm {
  /** A stored policy's name, or '' for the fields below. */
  stored: string;
  cases: string;
  purposes: string;
  retention: string;
  /** Reference time; '' = now. */
  at: string;
}

export interface RedactionState {
  policies: StoredPolicyView[];
  form: PolicyForm;
  dryRun: { status: 'idle' | 'running' | 'done' | 'error'; progress: { done: number; total: number } | undefined; diff: DiffView | undefined; error: WorkbenchError | undefined };
  selectedShard: number | undefined;
  jobs: JobView[];
  backlog: { vectors: number; jobs: number; threshold: number } | undefined;
  backlogAlert: boolean;
  live: Record<string, LiveJob>;
  selectedJob: string | undefined;
  receipts: { jobId: string; rows: Array<{ batch: number; shard: number; firstId: number; lastId: number; count: number; digest: string; auditEventId: string }>; total: number } | undefined;
  certificate: { jobId: string; certificate: ErasureCertificate; checks: Array<{ name: string; ok: boolean; detail: string }> } | undefined;
  busy: boolean;
  actionError: WorkbenchError | undefined;
  setForm(patch: Partial<PolicyForm>): void;
  load(): Promise<void>;
  runDryRun(): Promise<void>;
  selectShard(shard: number | undefined): void;
  apply(options: { grace: string; batchSize?: number }): Promise<void>;
  cancel(jobId: string): Promise<void>;
  resume(jobId: string): Promise<void>;
  restore(jobId: string): Promise<void>;
  openJob(jobId: string): Promise<void>;
  /** A pushed event: progress of the dry-run, a job's live figures, a backlog alert. */
  noteEvent(topic: string, payload: unknown): void;
}

/** Splits "CASE-1, CASE-2\nCASE-3" into names. */
export function splitList(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

export function policySpec(form: PolicyForm): PolicySpec {
  return form.stored !== '' ? { name: form.stored } : { cases: splitList(form.cases), purposes: splitList(form.purposes), retention: form.retention.trim() };
}

const EMPTY_FORM: PolicyForm = { stored: '', cases: '', purposes: 'research', retention: '90d', at: '' };

type Initial = Partial<Pick<RedactionState, 'policies' | 'form' | 'dryRun' | 'jobs' | 'backlog' | 'live' | 'receipts' | 'certificate' | 'selectedJob' | 'selectedShard'>>;

/**
 * The redaction view's state: stored policies, the dry-run and its diff, the jobs with live
 * progress, and the receipts and certificate of the job in view.
 */
export function createRedactionStore(client: RedactionClient, newProgressId: () => string, initial: Initial = {}): StoreApi<RedactionState> {
  let progressId: string | undefined;
  return createStore<RedactionState>()((set, get) => {
    async function refreshJobs(): Promise<void> {
      const list = await client.redaction.listJobs({});
      set({ jobs: list.jobs, backlog: list.backlog, backlogAlert: list.backlog.vectors > list.backlog.threshold });
    }
    async function act(what: () => Promise<unknown>): Promise<void> {
      set({ busy: true, actionError: undefined });
      try {
        await what();
        await refreshJobs();
      } catch (e) {
        set({ actionError: asWorkbenchError(e) });
      } finally {
        set({ busy: false });
      }
    }
    return {
      policies: [],
      form: EMPTY_FORM,
      dryRun: { status: 'idle', progress: undefined, diff: undefined, error: undefined },
      selectedShard: undefined,
      jobs: [],
      backlog: undefined,
      backlogAlert: false,
      live: {},
      selectedJob: undefined,
      receipts: undefined,
      certificate: undefined,
      busy: false,
      actionError: undefined,
      ...initial,

      setForm(patch) {
        set({ form: { ...get().form, ...patch } });
      },

      async load() {
        try {
          const [{ policies }] = await Promise.all([client.redaction.policies({}), refreshJobs()]);
          set({ policies, actionError: undefined });
        } catch (e) {
          set({ actionError: asWorkbenchError(e) });
        }
      },

      async runDryRun() {
        const form = get().form;
        progressId = newProgressId();
        set({ dryRun: { status: 'running', progress: undefined, diff: undefined, error: undefined }, selectedShard: undefined });
        try {
          const diff = await client.redaction.dryRun({ policy: policySpec(form), sample: 50, progressId, ...(form.at.trim() ? { at: form.at.trim() } : {}) });
          const first = diff.shards.find((s) => s.count > 0)?.shard;
          set({ dryRun: { status: 'done', progress: undefined, diff, error: undefined }, selectedShard: first });
        } catch (e) {
          set({ dryRun: { status: 'error', progress: undefined, diff: undefined, error: asWorkbenchError(e) } });
        }
      },

      selectShard(shard) {
        set({ selectedShard: shard });
      },

      async apply({ grace, batchSize }) {
        const diff = get().dryRun.diff;
        if (!diff) return;
        await act(async () => {
          const job = await client.redaction.apply({ planHash: diff.planHash, grace, ...(batchSize ? { batchSize } : {}) });
          set({ selectedJob: job.id });
        });
      },

      cancel: (jobId) => act(() => client.redaction.cancel({ jobId })),
      resume: (jobId) => act(() => client.redaction.resume({ jobId })),
      restore: (jobId) => act(() => client.redaction.restore({ jobId })),

      async openJob(jobId) {
        set({ selectedJob: jobId, receipts: undefined, certificate: undefined });
        try {
          const page = await client.redaction.receipts({ jobId, limit: 200 });
          if (get().selectedJob !== jobId) return;
          set({ receipts: { jobId, rows: page.receipts, total: page.total } });
          const job = get().jobs.find((j) => j.id === jobId);
          if (job?.hasCertificate) {
            const c = await client.redaction.certificate({ jobId });
            if (get().selectedJob === jobId) set({ certificate: { jobId, certificate: c.certificate, checks: c.checks } });
          }
        } catch (e) {
          set({ actionError: asWorkbenchError(e) });
        }
      },

      noteEvent(topic, payload) {
        if (topic === 'progress') {
          const p = payload as { jobId: string; done: number; total: number | null; finished: boolean };
          if (p.jobId === progressId && get().dryRun.status === 'running' && !p.finished) set({ dryRun: { ...get().dryRun, progress: { done: p.done, total: p.total ?? 0 } } });
          return;
        }
        if (topic === 'redaction.job') {
          const p = payload as LiveJob & { jobId: string };
          const { jobId, ...live } = p;
          set({ live: { ...get().live, [jobId]: live } });
          // A state change (not just progress) changes the list and the buttons.
          const known = get().jobs.find((j) => j.id === jobId);
          if (!known || known.state !== live.state) void refreshJobs().catch(() => undefined);
          if (live.state === 'completed' && get().selectedJob === jobId) void get().openJob(jobId);
          return;
        }
        if (topic === 'redaction.backlog') {
          const b = payload as { vectors: number; jobs: number; threshold: number };
          set({ backlog: b, backlogAlert: true });
        }
      },
    };
  });
}
