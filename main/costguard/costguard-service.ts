import type { AdoptionStats, AnalyzeInput, HintPayload, QueryLogEntry, UsageReport } from '../../shared/api/costguard.ts';
import type { costguard } from '../../shared/api/costguard.ts';
import type { CallContext, ImplOf } from '../../shared/api/contract.ts';
import { WorkbenchError } from '../../shared/api/errors.ts';
import type { SessionService } from '../session/session-service.ts';
import type { Store } from '../store/store.ts';
import { Analyzer } from './analyzer.ts';
import { looksLikeCypher } from './cypher/cypher-analyzer.ts';
import type { QueryEngine } from './engine/engine.ts';
import { PostgresEngine } from './engine/postgres-engine.ts';
import { SqliteEngine } from './engine/sqlite-engine.ts';
import type { AnalyzerOptions } from './hints/finding.ts';
import type { RateLimiter } from './rate/rate-limiter.ts';
import { minuteOf, UsageRecorder } from './rate/usage-recorder.ts';
import { CostguardRepo } from './store/costguard-repo.ts';

export type CostguardImpl = ImplOf<{ costguard: typeof costguard }>['costguard'];

export interface CostguardDeps {
  store: Store;
  session: SessionService;
  now: () => Date;
  /** The database analyses plan against; default: the workbench's own store. */
  engine?: QueryEngine;
  /** The store's PostgreSQL URL (with credentials), needed to plan against a PostgreSQL store. */
  databaseUrl?: string;
  /** The workbench's rate limiter; usage() reports its policies and its counts. */
  limiter?: RateLimiter;
  analyzerOptions?: Partial<AnalyzerOptions>;
}

/**
 * The `costguard` namespace. `analyze` plans the query against the workbench's store
 * (EXPLAIN only; fixes are verified on a scratch copy or inside a rolled-back transaction),
 * and logs it so the optimizer view can offer it again. No method is sensitive: they read
 * plans and Cost Guard's own counters, never evidence.
 */
export class CostguardService {
  readonly #store: Store;
  readonly #session: SessionService;
  readonly #now: () => Date;
  readonly #repo: CostguardRepo;
  readonly #limiter: RateLimiter | undefined;
  readonly #recorder: UsageRecorder | undefined;
  readonly #options: Partial<AnalyzerOptions>;
  readonly #databaseUrl: string | undefined;
  #engine: QueryEngine | undefined;
  #ownsEngine = false;
  #analyzer: Analyzer | undefined;

  constructor(deps: CostguardDeps) {
    this.#store = deps.store;
    this.#session = deps.session;
    this.#now = deps.now;
    this.#repo = new CostguardRepo(deps.store.sql);
    this.#engine = deps.engine;
    this.#databaseUrl = deps.databaseUrl;
    this.#options = deps.analyzerOptions ?? {};
    this.#limiter = deps.limiter;
    if (deps.limiter) {
      this.#recorder = new UsageRecorder(this.#repo);
      deps.limiter.observe(this.#recorder.observer);
    }
  }

  #analyzerFor(): Analyzer {
    if (this.#analyzer) return this.#analyzer;
    if (!this.#engine) {
      const loc = this.#store.location;
      if (loc.kind === 'sqlite') this.#engine = SqliteEngine.openFile(loc.display);
      else if (this.#databaseUrl) this.#engine = new PostgresEngine(this.#databaseUrl);
      else throw new WorkbenchError('UNAVAILABLE', 'Cost Guard needs the PostgreSQL store URL to plan queries against it');
      this.#ownsEngine = true;
    }
    this.#analyzer = new Analyzer(this.#engine, this.#options);
    return this.#analyzer;
  }

  async analyze(input: AnalyzeInput, ctx: CallContext): Promise<HintPayload> {
    const actor = await this.#session.actor(ctx);
    // Cypher is read by its pattern alone: it needs no database.
    const cypher = input.dialect === 'cypher' || (input.dialect === undefined && looksLikeCypher(input.sql));
    const payload = await (cypher ? new Analyzer(null, this.#options) : this.#analyzerFor()).analyze(input.sql, input.dialect);
    await this.#repo.recordQuery(payload, input.sql, this.#now().toISOString(), actor.id);
    return payload;
  }

  async queryLog(input: { limit: number }): Promise<QueryLogEntry[]> {
    return this.#repo.queryLog(input.limit);
  }

  async usage(input: { minutes: number }): Promise<UsageReport> {
    await this.#recorder?.flush();
    const nowMs = this.#now().getTime();
    const to = minuteOf(nowMs);
    const from = minuteOf(nowMs - (input.minutes - 1) * 60_000);
    return { from, to, minutes: await this.#repo.usage(from, to), policies: this.#limiter?.policies() ?? [] };
  }

  async recordAdoption(input: { queryId: string; action: 'copied' | 'ran' }, ctx: CallContext): Promise<AdoptionStats> {
    const actor = await this.#session.actor(ctx);
    if (!(await this.#repo.hasQuery(input.queryId))) {
      throw new WorkbenchError('NOT_FOUND', `queryId: no analyzed query ${JSON.stringify(input.queryId)}`, { where: 'queryId', queryId: input.queryId });
    }
    await this.#repo.recordAdoption(input.queryId, input.action, this.#now().toISOString(), actor.id);
    return this.#repo.adoptionStats();
  }

  async adoption(): Promise<AdoptionStats> {
    return this.#repo.adoptionStats();
  }

  /** The namespace's implementation, for `createDispatcher`. */
  impl(): CostguardImpl {
    return {
      analyze: (input, ctx) => this.analyze(input, ctx),
      queryLog: (input) => this.queryLog(input),
      usage: (input) => this.usage(input),
      recordAdoption: (input, ctx) => this.recordAdoption(input, ctx),
      adoption: () => this.adoption(),
    };
  }

  /** Writes pending usage counts and closes the engine it opened. */
  async close(): Promise<void> {
    await this.#recorder?.flush().catch(() => {});
    if (this.#ownsEngine) await this.#engine?.close();
    this.#engine = undefined;
    this.#analyzer = undefined;
  }
}
