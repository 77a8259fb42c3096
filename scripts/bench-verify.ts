// `npm run bench:verify [-- --quick]`: verify a generated pack of 10,000 files / 1 GiB
// against `openssl dgst -sha256` over the same files (one process) in the same run.
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, openSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPack } from '../main/provenance/pack/create-pack.ts';
import { verifyPack } from '../main/provenance/verify-service.ts';

const quick = process.argv.includes('--quick');
const files = quick ? 1000 : 10_000;
const totalBytes = quick ? 64 * 1024 ** 2 : 1024 ** 3;
const dir = mkdtempSync(join(tmpdir(), 'wb-bench-verify-'));
const packDir = join(dir, 'pack');

try {
  // Deterministic pseudo-random content, varied sizes averaging totalBytes / files.
  let seed = 42;
  const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const chunk = Buffer.alloc(1 << 20);
  for (let i = 0; i < chunk.length; i++) chunk[i] = Math.floor(rand() * 256);
  const avg = totalBytes / files;
  const paths: string[] = [];
  let written = 0;
  const t0 = performance.now();
  for (let i = 0; i < files; i++) {
    const sub = join(packDir, `d${String(i % 100).padStart(2, '0')}`);
    if (i < 100) mkdirSync(sub, { recursive: true });
    const size = i === files - 1 ? Math.max(0, totalBytes - written) : Math.floor(avg * (0.5 + rand()));
    const p = join(sub, `f${i}.bin`);
    const fd = openSync(p, 'w');
    let left = size;
    let off = i % 1000;
    while (left > 0) {
      const n = Math.min(left, chunk.length - off);
      writeSync(fd, chunk, off, n);
      left -= n;
      off = 0;
    }
    closeSync(fd);
    written += size;
    paths.push(p);
  }
  console.log(`generated ${files} files, ${(written / 1024 ** 2).toFixed(0)} MiB in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  await createPack(packDir, { keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), createdAt: new Date('2026-11-28T12:00:00Z') });
  const pub = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  writeFileSync(join(dir, 'pub.pem'), pub);

  // Warm the page cache for both contenders alike.
  spawnSync('cat', paths, { stdio: 'ignore', maxBuffer: 1 });

  const runs = quick ? 1 : 3;
  const opensslTimes: number[] = [];
  const verifyTimes: number[] = [];
  for (let r = 0; r < runs; r++) {
    let s = performance.now();
    const o = spawnSync('openssl', ['dgst', '-sha256', ...paths], { stdio: ['ignore', 'ignore', 'inherit'] });
    if (o.status !== 0) throw new Error('openssl dgst failed');
    opensslTimes.push(performance.now() - s);
    s = performance.now();
    const report = await verifyPack(packDir, { at: new Date('2026-11-28T12:00:00Z'), pluginOptions: { publicKey: pub } });
    verifyTimes.push(performance.now() - s);
    if (!report.verified) throw new Error(`bench pack did not verify: ${report.errors.join('; ')}`);
  }
  const best = (xs: number[]) => Math.min(...xs);
  const ratio = best(verifyTimes) / best(opensslTimes);
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  console.log(`openssl dgst -sha256 (one process): best ${(best(opensslTimes) / 1000).toFixed(2)} s of ${runs}`);
  console.log(`prov-verify verify (hash pool):     best ${(best(verifyTimes) / 1000).toFixed(2)} s of ${runs}`);
  console.log(`ratio vs openssl: ${ratio.toFixed(3)} (goal ≤ 0.75); peak RSS ${peakRssMb.toFixed(0)} MB`);
  console.log(JSON.stringify({ files, bytes: written, openssl_s: +(best(opensslTimes) / 1000).toFixed(3), verify_s: +(best(verifyTimes) / 1000).toFixed(3), ratio_vs_openssl: +ratio.toFixed(3), peak_rss_mb: Math.round(peakRssMb) }));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
