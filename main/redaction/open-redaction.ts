import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { loadOrCreateWorkbenchKey } from '../appeals/workbench-key.ts';
import type { Store } from '../store/store.ts';
import type { CertificateSigner } from './erasure-certificate.ts';
import { JobRepository } from './job-repository.ts';
import { PostgresVectorBackend } from './postgres-vector-backend.ts';
import { QueryLog } from './query-log.ts';
import { RedactionEngine } from './redaction-engine.ts';
import { SqliteVectorBackend, type SqliteVectorOptions } from './sqlite-vector-backend.ts';
import type { VectorBackend } from './vector-backend.ts';
import { VectorStore } from './vector-store.ts';

export interface Redaction {
  readonly backend: VectorBackend;
  readonly jobs: JobRepository;
  readonly queryLog: QueryLog;
  readonly vectors: VectorStore;
  readonly engine: RedactionEngine;
  close(): Promise<void>;
}

/** Where a SQLite store keeps its vector shards. */
export function vectorsDir(dataDir: string): string {
  return join(dataDir, 'vectors');
}

/** True when the store (SQLite: the data folder) already holds a vector store. */
export async function vectorStoreExists(store: Store, dataDir: string): Promise<boolean> {
  return store.location.kind === 'sqlite' ? SqliteVectorBackend.exists(vectorsDir(dataDir)) : PostgresVectorBackend.exists(store);
}

/**
 * Opens the redaction capability over a store: the vector backend that goes with it (shard
 * files next to a SQLite store, tables in a PostgreSQL one), creating the vector store when
 * `create` says how.
 */
export async function openRedaction(
  store: Store,
  dataDir: string,
  options: { create?: { shards: number; dimension: number }; sqlite?: SqliteVectorOptions; signingKey?: () => CertificateSigner } = {},
): Promise<Redaction> {
  let backend: VectorBackend;
  if (store.location.kind === 'sqlite') {
    const dir = vectorsDir(dataDir);
    const sqlite = { workers: defaultWorkers(), ...options.sqlite };
    backend = options.create ? SqliteVectorBackend.create(dir, options.create, sqlite) : SqliteVectorBackend.open(dir, sqlite);
  } else {
    backend = options.create ? await PostgresVectorBackend.create(store, options.create) : await PostgresVectorBackend.open(store);
  }
  const jobs = new JobRepository(store);
  const queryLog = new QueryLog(store.sql);
  const vectors = new VectorStore(backend, jobs, queryLog);
  let key: CertificateSigner | undefined;
  // The workbench's one signing identity (the key appeal decisions are signed with), loaded on first use.
  const signingKey = options.signingKey ?? (() => (key ??= loadOrCreateWorkbenchKey(dataDir)));
  const engine = new RedactionEngine({ store, backend, jobs, queryLog, vectors, dataDir, signingKey });
  return { backend, jobs, queryLog, vectors, engine, close: () => backend.close() };
}

/** One shard worker per core, at most four: purges are bound by CPU and the page cache, not by the number of threads. */
export function defaultWorkers(): number {
  return Math.min(4, availableParallelism());
}
