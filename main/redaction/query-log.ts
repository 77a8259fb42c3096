import type { SqlClient, SqlValue } from '../store/sql-client.ts';
import { badRedactionInput } from './redaction-error.ts';
import { contains } from './sorted-ids.ts';
import { shardOf } from './vector-backend.ts';

/** One logged query: who asked, when, and the ids it returned in rank order. */
export interface LoggedQuery {
  id: string;
  at: string;
  actorId: string;
  k: number;
  resultIds: number[];
}

/** A logged query whose results include vectors a plan would erase. */
export interface AffectedQuery {
  queryId: string;
  at: string;
  actorId: string;
  /** The erased ids it returned, ascending. */
  ids: number[];
}

const PAGE = 50_000;
const QUERY_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** The query log in the main store: `vector_queries` and `vector_query_results`. */
export class QueryLog {
  readonly #sql: SqlClient;

  constructor(sql: SqlClient) {
    this.#sql = sql;
  }

  /** Records queries (ids must be new); many at once in one transaction. */
  async record(queries: readonly LoggedQuery[]): Promise<void> {
    queries.forEach((q, i) => {
      if (!QUERY_ID.test(q.id)) throw badRedactionInput(`queries[${i}].id`, `${JSON.stringify(q.id)} is not a query id`);
    });
    await this.#sql.transaction(async (tx) => {
      for (let i = 0; i < queries.length; i += 1000) {
        const part = queries.slice(i, i + 1000);
        await tx.run(`INSERT INTO vector_queries (id, at, actor_id, k) VALUES ${part.map(() => '(?, ?, ?, ?)').join(', ')}`, part.flatMap((q) => [q.id, q.at, q.actorId, q.k]));
        const results: SqlValue[] = [];
        for (const q of part) q.resultIds.forEach((id, rank) => results.push(q.id, rank, id));
        for (let j = 0; j < results.length; j += 3 * 5000) {
          const slice = results.slice(j, j + 3 * 5000);
          await tx.run(`INSERT INTO vector_query_results (query_id, rank, vector_id) VALUES ${Array.from({ length: slice.length / 3 }, () => '(?, ?, ?)').join(', ')}`, slice);
        }
      }
    });
  }

  async count(): Promise<number> {
    return Number((await this.#sql.get<{ n: number }>('SELECT count(*) AS n FROM vector_queries'))!.n);
  }

  /**
   * The logged queries whose results include any of the ids (per shard, ascending), in
   * query id order. Reads the log in pages, so its size does not bound memory.
   */
  async affectedBy(idsByShard: readonly Float64Array[]): Promise<AffectedQuery[]> {
    const shards = idsByShard.length;
    const hits = new Map<string, number[]>();
    let after: [string, number] | undefined;
    for (;;) {
      const rows = await this.#sql.all<{ query_id: string; rank: number; vector_id: number }>(
        after
          ? 'SELECT query_id, rank, vector_id FROM vector_query_results WHERE (query_id, rank) > (?, ?) ORDER BY query_id, rank LIMIT ?'
          : 'SELECT query_id, rank, vector_id FROM vector_query_results ORDER BY query_id, rank LIMIT ?',
        after ? [after[0], after[1], PAGE] : [PAGE],
      );
      for (const r of rows) {
        const id = Number(r.vector_id);
        const ids = idsByShard[shardOf(id, shards)];
        if (ids && contains(ids, id)) {
          const list = hits.get(r.query_id);
          if (list) list.push(id);
          else hits.set(r.query_id, [id]);
        }
      }
      if (rows.length < PAGE) break;
      const last = rows[rows.length - 1]!;
      after = [last.query_id, last.rank];
    }
    const ids = [...hits.keys()].sort();
    const out: AffectedQuery[] = [];
    for (let i = 0; i < ids.length; i += 1000) {
      const part = ids.slice(i, i + 1000);
      const rows = await this.#sql.all<{ id: string; at: string; actor_id: string }>(
        `SELECT id, at, actor_id FROM vector_queries WHERE id IN (${part.map(() => '?').join(', ')}) ORDER BY id`,
        part,
      );
      for (const r of rows) out.push({ queryId: r.id, at: r.at, actorId: r.actor_id, ids: [...new Set(hits.get(r.id)!)].sort((a, b) => a - b) });
    }
    return out.sort((a, b) => (a.queryId < b.queryId ? -1 : a.queryId > b.queryId ? 1 : 0));
  }
}
