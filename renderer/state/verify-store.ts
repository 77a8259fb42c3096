import { createStore, type StoreApi } from 'zustand/vanilla';
import type { WorkbenchClient } from '../../shared/api/client.ts';
import { asWorkbenchError, type WorkbenchError } from '../../shared/api/errors.ts';
import type { EventPayload } from '../../shared/api/events.ts';
import type { VerifyRequest } from '../../shared/api/verify.ts';
import type { VerifyReport } from '../../shared/domain/provenance.ts';

export interface VerifyState {
  status: 'idle' | 'running' | 'done' | 'error';
  /** What was asked, shown above the report so a report is never read without its inputs. */
  request: VerifyRequest | undefined;
  report: VerifyReport | undefined;
  error: WorkbenchError | undefined;
  jobId: string | undefined;
  progress: EventPayload<'progress'> | undefined;
  run(request: Omit<VerifyRequest, 'jobId'>): Promise<void>;
  noteProgress(progress: EventPayload<'progress'>): void;
  reset(): void;
}

/** One verification at a time; a newer run supersedes the result of an older one. */
export function createVerifyStore(client: WorkbenchClient, newJobId: () => string): StoreApi<VerifyState> {
  let generation = 0;
  return createStore<VerifyState>()((set, get) => ({
    status: 'idle',
    request: undefined,
    report: undefined,
    error: undefined,
    jobId: undefined,
    progress: undefined,

    async run(request) {
      const gen = ++generation;
      const jobId = newJobId();
      set({ status: 'running', request, report: undefined, error: undefined, jobId, progress: undefined });
      try {
        const report = await client.verify.run({ ...request, jobId });
        if (gen !== generation) return;
        set({ status: 'done', report });
      } catch (e) {
        if (gen !== generation) return;
        set({ status: 'error', error: asWorkbenchError(e) });
      }
    },

    noteProgress(progress) {
      if (progress.jobId === get().jobId) set({ progress });
    },

    reset() {
      generation += 1;
      set({ status: 'idle', request: undefined, report: undefined, error: undefined, jobId: undefined, progress: undefined });
    },
  }));
}

const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;

/**
 * A reference time as the contract wants it (UTC with milliseconds). A time with an explicit
 * zone is converted; anything else is passed on unchanged for the workbench to reject by name,
 * because guessing a zone for a verification time would silently change the verdict.
 */
export function normalizeReferenceTime(text: string): string | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  if (!ISO_WITH_ZONE.test(t)) return t;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? t : new Date(ms).toISOString();
}
