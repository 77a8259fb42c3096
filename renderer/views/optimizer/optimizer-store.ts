import { createStore, type StoreApi } from 'zustand/vanilla';
import type { AdoptionStats, HintPayload, QueryDialect, QueryLogEntry, UsageReport } from '../../../shared/api/costguard.ts';
import { asWorkbenchError, type WorkbenchError } from '../../../shared/api/errors.ts';
import type { CostguardClient } from './optimizer-client.ts';

export interface OptimizerState {
  sql: string;
  /** undefined: the store's SQL dialect (or Cypher when the text starts with MATCH). */
  dialect: QueryDialect | undefined;
  status: 'idle' | 'analyzing' | 'ready' | 'error';
  payload: HintPayload | undefined;
  error: WorkbenchError | undefined;
  log: QueryLogEntry[];
  usage: UsageReport | undefined;
  adoption: AdoptionStats | undefined;
  notice: string | undefined;
  sideError: WorkbenchError | undefined;
  setSql(sql: string): void;
  setDialect(dialect: QueryDialect | undefined): void;
  analyze(): Promise<void>;
  pick(entry: QueryLogEntry): Promise<void>;
  refresh(): Promise<void>;
  /** Copies the verified rewrite and records the adoption. */
  copyRewrite(write: (text: string) => Promise<void>): Promise<void>;
}

type Initial = Partial<Pick<OptimizerState, 'sql' | 'status' | 'payload' | 'log' | 'usage' | 'adoption' | 'error' | 'notice'>>;

export function createOptimizerStore(client: CostguardClient, initial: Initial = {}): StoreApi<OptimizerState> {
  let generation = 0;
  return createStore<OptimizerState>()((set, get) => ({
    sql: '',
    dialect: undefined,
    status: 'idle',
    payload: undefined,
    error: undefined,
    log: [],
    usage: undefined,
    adoption: undefined,
    notice: undefined,
    sideError: undefined,
    ...initial,

    setSql: (sql) => set({ sql }),
    setDialect: (dialect) => set({ dialect }),

    async analyze() {
      const gen = ++generation;
      const { sql, dialect } = get();
      set({ status: 'analyzing', error: undefined, notice: undefined });
      try {
        const payload = await client.costguard.analyze({ sql, ...(dialect ? { dialect } : {}) });
        if (gen !== generation) return;
        set({ status: 'ready', payload });
        await get().refresh();
      } catch (e) {
        if (gen !== generation) return;
        set({ status: 'error', payload: undefined, error: asWorkbenchError(e) });
      }
    },

    async pick(entry) {
      set({ sql: entry.sql, dialect: entry.dialect });
      await get().analyze();
    },

    async refresh() {
      try {
        const [log, usage, adoption] = await Promise.all([client.costguard.queryLog({ limit: 50 }), client.costguard.usage({ minutes: 60 }), client.costguard.adoption({})]);
        set({ log, usage, adoption, sideError: undefined });
      } catch (e) {
        set({ sideError: asWorkbenchError(e) });
      }
    },

    async copyRewrite(write) {
      const p = get().payload;
      if (!p?.rewrite) return;
      try {
        await write(p.rewrite.script);
        const adoption = await client.costguard.recordAdoption({ queryId: p.queryId, action: 'copied' });
        set({ adoption, notice: p.rewrite.changesResults ? 'Copied. This rewrite returns different rows — read the notes before you run it.' : 'Copied the verified rewrite.' });
      } catch (e) {
        set({ sideError: asWorkbenchError(e) });
      }
    },
  }));
}
