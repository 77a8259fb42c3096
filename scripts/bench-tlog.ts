// `node scripts/bench-tlog.ts [--quick]`: batched appends per second into a tiled log in a
// temporary folder (fsync on, as in production), and the mean time to verify one
// inclusion proof. Ends with one JSON line: {"appends_per_s": …, "proof_verify_us": …}.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { leafHash } from '../main/provenance/merkle/hash.ts';
import { verifyInclusion } from '../main/provenance/merkle/verify-inclusion.ts';
import { encodePackEntry } from '../main/provenance/tlog/log-entry.ts';
import { generateNoteKey } from '../main/provenance/tlog/note-keys.ts';
import { TransparencyLog } from '../main/provenance/tlog/transparency-log.ts';

const quick = process.argv.includes('--quick');
const total = quick ? 20_000 : 100_000;
const batchSizes = [1_000, 10_000];
const proofs = quick ? 500 : 2_000;
const verifyRounds = quick ? 10 : 25;

const sha = (s: string): string => createHash('sha256').update(s).digest('hex');
// Realistic entries: what a pack logs (canonical JSON, ~170 bytes).
const entries = Array.from({ length: total }, (_, i) => encodePackEntry({ manifestRoot: sha(`m${i}`), signatureDigest: sha(`s${i}`) }));
const key = generateNoteKey('bench.example/log', Buffer.alloc(32, 1));
const dir = mkdtempSync(join(tmpdir(), 'wb-bench-tlog-'));

try {
  const rates: Record<number, number> = {};
  let lastLog: TransparencyLog | undefined;
  for (const batch of batchSizes) {
    const log = await TransparencyLog.open(join(dir, `b${batch}`), { signerKey: key.signerKey });
    const t0 = performance.now();
    for (let i = 0; i < total; i += batch) await log.appendBatch(entries.slice(i, i + batch));
    const seconds = (performance.now() - t0) / 1000;
    rates[batch] = total / seconds;
    console.log(`appends: ${total} entries in batches of ${batch}: ${seconds.toFixed(2)} s, ${Math.round(rates[batch]).toLocaleString('en')} entries/s (fsync on)`);
    lastLog = log;
  }
  const log = lastLog!;

  // Deterministic spread of indices; proofs come from the tiles on disk.
  let seed = 7;
  const next = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const cases: Array<{ index: number; leaf: Uint8Array; proof: Uint8Array[] }> = [];
  const g0 = performance.now();
  for (let k = 0; k < proofs; k++) {
    const index = Math.floor(next() * total);
    cases.push({ index, leaf: leafHash(entries[index]!), proof: await log.inclusionProof(index) });
  }
  console.log(`proof generation from tiles: ${(((performance.now() - g0) / proofs) * 1000).toFixed(0)} µs per proof (${proofs} proofs, tree of ${total})`);
  const root = log.root;
  for (const c of cases) verifyInclusion(c.index, total, c.leaf, c.proof, root); // warm-up, and all must verify
  const v0 = performance.now();
  for (let r = 0; r < verifyRounds; r++) for (const c of cases) verifyInclusion(c.index, total, c.leaf, c.proof, root);
  const verifyUs = ((performance.now() - v0) * 1000) / (verifyRounds * proofs);
  console.log(`inclusion-proof verification: ${verifyUs.toFixed(1)} µs per proof (mean of ${verifyRounds * proofs}, ${cases[0]!.proof.length} hashes each)`);

  const best = Math.max(...Object.values(rates));
  console.log(`goal: ≥ 50,000 appends/s batched: ${best >= 50_000 ? 'met' : 'NOT met'}; ≤ 50 µs per verification: ${verifyUs <= 50 ? 'met' : 'NOT met'}`);
  console.log(JSON.stringify({ appends_per_s: Math.round(best), proof_verify_us: Number(verifyUs.toFixed(1)) }));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
