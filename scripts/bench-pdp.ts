// `npm run bench:pdp [-- --quick]`: Cedar PDP decisions per second and p50/p99 latency,
// uncached (a resource the PDP has not seen: entities from the store, Cedar evaluation) and
// cached (the same request again under the same policy epoch), on the SQLite store in its
// default mode (the epoch row is read before every decision). Also the whole PEP guard
// (decision + hash-chained audit append) for context.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CedarPdp } from '../main/policy/cedar-pdp.ts';
import { cedar } from '../main/policy/cedar-wasm.ts';
import type { PolicyRequest } from '../main/policy/pdp.ts';
import { openPolicyWorkbench } from '../main/policy/policy-workbench.ts';
import { DEMO_EVIDENCE } from '../main/store/demo-seed.ts';

const quick = process.argv.includes('--quick');
const N = quick ? 2_000 : 20_000;
const NOW = () => new Date('2026-11-28T12:00:00.000Z');
const dir = mkdtempSync(join(tmpdir(), 'wb-bench-pdp-'));

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

function summarize(label: string, samplesUs: number[], totalMs: number) {
  const s = [...samplesUs].sort((a, b) => a - b);
  const r = { p50_us: +percentile(s, 0.5).toFixed(1), p99_us: +percentile(s, 0.99).toFixed(1), per_s: Math.round((samplesUs.length / totalMs) * 1000) };
  console.log(`${label.padEnd(34)} ${String(r.per_s).padStart(7)} decisions/s   p50 ${r.p50_us.toFixed(1).padStart(7)} µs   p99 ${r.p99_us.toFixed(1).padStart(7)} µs   (n=${samplesUs.length})`);
  return r;
}

async function time(requests: PolicyRequest[], run: (r: PolicyRequest) => Promise<unknown>): Promise<{ samples: number[]; totalMs: number }> {
  const samples: number[] = [];
  const start = performance.now();
  for (const r of requests) {
    const t = performance.now();
    await run(r);
    samples.push((performance.now() - t) * 1000);
  }
  return { samples, totalMs: performance.now() - start };
}

const wb = await openPolicyWorkbench({ dataDir: dir, now: NOW });
try {
  const actors = await wb.store.listActors();
  const pdp: CedarPdp = wb.services.pdp;
  const at = NOW().toISOString();
  // Every request a new resource id: no cache entry, no remembered pin.
  const fresh = (i: number): PolicyRequest => {
    const e = DEMO_EVIDENCE[i % DEMO_EVIDENCE.length]!;
    return { actor: actors[i % actors.length]!, action: 'evidence.read', resource: { type: 'evidence', id: `bench-${i}`, labels: e.labels }, at };
  };
  // Warm the engine and the store's page cache.
  for (let i = 0; i < 500; i++) await pdp.decide(fresh(N + i));

  const uncachedReqs = Array.from({ length: N }, (_, i) => fresh(i));
  const missesBefore = pdp.status().cache.misses;
  const uncached = await time(uncachedReqs, (r) => pdp.decide(r));
  const misses = pdp.status().cache.misses - missesBefore;
  if (misses !== N) throw new Error(`expected every uncached request to miss the cache, got ${misses} of ${N}`);

  // A working set of 140 requests (7 actors × 20 items), decided once, then asked again and again.
  const working = Array.from({ length: actors.length * DEMO_EVIDENCE.length }, (_, i) => ({
    actor: actors[i % actors.length]!,
    action: 'evidence.read',
    resource: { type: 'evidence', id: DEMO_EVIDENCE[Math.floor(i / actors.length)]!.id, labels: DEMO_EVIDENCE[Math.floor(i / actors.length)]!.labels },
    at,
  }));
  for (const r of working) await pdp.decide(r);
  const cachedReqs = Array.from({ length: N }, (_, i) => working[i % working.length]!);
  const hitsBefore = pdp.status().cache.hits;
  const cached = await time(cachedReqs, (r) => pdp.decide(r));
  const hits = pdp.status().cache.hits - hitsBefore;
  if (hits !== N) throw new Error(`expected every cached request to hit the cache, got ${hits} of ${N}`);

  // The same work with the epoch trusted from a push feed (what a PostgreSQL workbench does).
  const notifyMode = await CedarPdp.open({ store: wb.store, now: NOW, epochMode: 'notify', installDefaults: false });
  notifyMode.setFeedLive(true);
  for (const r of working) await notifyMode.decide(r);
  const cachedNotify = await time(cachedReqs, (r) => notifyMode.decide(r));

  const guardReqs = cachedReqs.slice(0, quick ? 500 : 5_000);
  const guard = await time(guardReqs, (r) => wb.services.pep.guard(r.actor, r.action, r.resource).catch(() => undefined));

  console.log(`Cedar ${cedar().getCedarVersion()} PDP on SQLite (${quick ? 'quick' : 'full'} run, ${N} decisions per series)`);
  const u = summarize('uncached (new resource)', uncached.samples, uncached.totalMs);
  const c = summarize('cached (epoch row read each time)', cached.samples, cached.totalMs);
  summarize('cached (epoch pushed, no read)', cachedNotify.samples, cachedNotify.totalMs);
  summarize('PEP guard, cached + audit append', guard.samples, guard.totalMs);
  console.log(`cache misses in the uncached series: ${misses}/${N}; hits in the cached series: ${hits}/${N}`);
  console.log(JSON.stringify({ cached_p99_us: c.p99_us, uncached_p99_us: u.p99_us }));
} finally {
  await wb.close();
  rmSync(dir, { recursive: true, force: true });
}
