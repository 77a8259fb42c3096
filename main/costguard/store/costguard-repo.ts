import type { AdoptionAction, AdoptionStats, HintPayload, HintType, QueryDialect, QueryLogEntry, UsageMinute } from '../../../shared/api/costguard.ts';
import { HINT_TYPES } from '../../../shared/api/costguard.ts';
import type { SqlClient } from '../../store/sql-client.ts';

/** Cost Guard's rows in the store: usage counters, the query log, adoptions. Times are ISO-8601 UTC strings. */
export class CostguardRepo {
  readonly #sql: SqlClient;

  constructor(sql: SqlClient) {
    this.#sql = sql;
  }

  /** Adds counts to the per-minute counters (one transaction). */
  async addUsage(rows: readonly UsageMinute[]): Promise<void> {
    if (rows.length === 0) return;
    await this.#sql.transaction(async (tx) => {
      for (const r of rows) {
        await tx.run(
          `INSERT INTO namespace_usage (namespace, minute, allowed, limited) VALUES (?, ?, ?, ?)
           ON CONFLICT (namespace, minute) DO UPDATE SET allowed = namespace_usage.allowed + excluded.allowed, limited = namespace_usage.limited + excluded.limited`,
          [r.namespace, r.minute, r.allowed, r.limited],
        );
      }
    });
  }

  async usage(fromMinute: string, toMinute: string): Promise<UsageMinute[]> {
    const rows = await this.#sql.all<{ namespace: string; minute: string; allowed: number; limited: number }>(
      'SELECT namespace, minute, allowed, limited FROM namespace_usage WHERE minute >= ? AND minute <= ? ORDER BY minute, namespace',
      [fromMinute, toMinute],
    );
    return rows.map((r) => ({ namespace: r.namespace, minute: r.minute, allowed: Number(r.allowed), limited: Number(r.limited) }));
  }

  async recordQuery(payload: HintPayload, sql: string, at: string, actorId: string): Promise<void> {
    const hintTypes = JSON.stringify([...new Set(payload.hints.map((h) => h.type))].sort());
    await this.#sql.run(
      `INSERT INTO costguard_queries (query_id, dialect, sql, first_analyzed_at, last_analyzed_at, times_analyzed, estimated_cost, rewritten_cost, hint_types, actor_id)
       VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?, ?)
       ON CONFLICT (query_id) DO UPDATE SET last_analyzed_at = excluded.last_analyzed_at, times_analyzed = costguard_queries.times_analyzed + 1,
         estimated_cost = excluded.estimated_cost, rewritten_cost = excluded.rewritten_cost, hint_types = excluded.hint_types, actor_id = excluded.actor_id`,
      [payload.queryId, payload.dialect, sql, at, at, payload.estimatedCost, payload.rewrite?.estimatedCost ?? null, hintTypes, actorId],
    );
  }

  async hasQuery(queryId: string): Promise<boolean> {
    return (await this.#sql.get('SELECT 1 AS ok FROM costguard_queries WHERE query_id = ?', [queryId])) !== undefined;
  }

  async queryLog(limit: number): Promise<QueryLogEntry[]> {
    const rows = await this.#sql.all<{
      query_id: string;
      dialect: QueryDialect;
      sql: string;
      first_analyzed_at: string;
      last_analyzed_at: string;
      times_analyzed: number;
      estimated_cost: number;
      rewritten_cost: number | null;
      hint_types: string;
    }>(
      `SELECT query_id, dialect, sql, first_analyzed_at, last_analyzed_at, times_analyzed, estimated_cost, rewritten_cost, hint_types
         FROM costguard_queries ORDER BY last_analyzed_at DESC, query_id LIMIT ?`,
      [limit],
    );
    return rows.map((r) => ({
      queryId: r.query_id,
      dialect: r.dialect,
      sql: r.sql,
      firstAnalyzedAt: r.first_analyzed_at,
      lastAnalyzedAt: r.last_analyzed_at,
      timesAnalyzed: Number(r.times_analyzed),
      estimatedCost: Number(r.estimated_cost),
      rewrittenCost: r.rewritten_cost === null ? null : Number(r.rewritten_cost),
      hintTypes: (JSON.parse(r.hint_types) as string[]).filter((t): t is HintType => (HINT_TYPES as readonly string[]).includes(t)),
    }));
  }

  async recordAdoption(queryId: string, action: AdoptionAction, at: string, actorId: string): Promise<void> {
    await this.#sql.run(
      `INSERT INTO costguard_adoptions (query_id, action, first_at, last_at, times, actor_id) VALUES (?, ?, ?, ?, 1, ?)
       ON CONFLICT (query_id, action) DO UPDATE SET last_at = excluded.last_at, times = costguard_adoptions.times + 1, actor_id = excluded.actor_id`,
      [queryId, action, at, at, actorId],
    );
  }

  async adoptionStats(): Promise<AdoptionStats> {
    const totals = await this.#sql.get<{ analyzed: number; with_rewrite: number }>(
      'SELECT count(*) AS analyzed, count(rewritten_cost) AS with_rewrite FROM costguard_queries',
    );
    const actions = await this.#sql.all<{ action: AdoptionAction; n: number }>('SELECT action, count(*) AS n FROM costguard_adoptions GROUP BY action ORDER BY action');
    const adopted = await this.#sql.get<{ n: number }>(
      'SELECT count(DISTINCT a.query_id) AS n FROM costguard_adoptions a JOIN costguard_queries q ON q.query_id = a.query_id WHERE q.rewritten_cost IS NOT NULL',
    );
    const perQuery = await this.#sql.all<{ hint_types: string; adopted: number }>(
      `SELECT q.hint_types, CASE WHEN EXISTS (SELECT 1 FROM costguard_adoptions a WHERE a.query_id = q.query_id) THEN 1 ELSE 0 END AS adopted
         FROM costguard_queries q ORDER BY q.query_id`,
    );
    const byType = new Map<HintType, { queries: number; adopted: number }>();
    for (const r of perQuery) {
      for (const t of JSON.parse(r.hint_types) as HintType[]) {
        const e = byType.get(t) ?? { queries: 0, adopted: 0 };
        e.queries++;
        e.adopted += Number(r.adopted);
        byType.set(t, e);
      }
    }
    const withRewrite = Number(totals?.with_rewrite ?? 0);
    return {
      analyzed: Number(totals?.analyzed ?? 0),
      withRewrite,
      copied: Number(actions.find((a) => a.action === 'copied')?.n ?? 0),
      ran: Number(actions.find((a) => a.action === 'ran')?.n ?? 0),
      adoptionRate: withRewrite === 0 ? 0 : Number(adopted?.n ?? 0) / withRewrite,
      byHintType: HINT_TYPES.filter((t) => byType.has(t)).map((t) => ({ type: t, ...byType.get(t)! })),
    };
  }
}
