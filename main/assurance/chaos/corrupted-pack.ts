import { generateKeyPairSync } from 'node:crypto';
import { cpSync, mkdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AssuranceCheck } from '../../../shared/domain/assurance.ts';
import type { VerifyReport } from '../../../shared/domain/provenance.ts';
import { createPack } from '../../provenance/pack/create-pack.ts';
import { writePackArchive } from '../../provenance/pack/pack-archive.ts';
import { verifyPack } from '../../provenance/verify-service.ts';
import { check, drillFolder, finishRun, nowOf, throwIfCancelled, type Drill, type DrillContext } from './drill.ts';

export const CORRUPTED_PACK_DRILL = 'corrupted-pack';

/** The evidence file whose byte is flipped, and the offset (inside a JSON string, so the file stays readable). */
export const FLIPPED_FILE = 'evidence/decisions.jsonl';

/** What the verifier said about each pack: untouched (folder and .tgz), one byte flipped (folder and .tgz), .tgz truncated. */
export interface CorruptionReports {
  untouched: VerifyReport;
  untouchedArchive: VerifyReport;
  flipped: VerifyReport;
  flippedArchive: VerifyReport;
  truncatedArchive: VerifyReport;
}

const TRUNCATION = 'archive is truncated or corrupted';

function flipCheck(name: string, report: VerifyReport, path: string): AssuranceCheck {
  const entry = report.files.find((f) => f.path === path);
  const others = report.files.filter((f) => f.path !== path && f.status !== 'ok').map((f) => `${f.path}: ${f.status}`);
  const named = report.errors.includes(`${path}: modified`);
  const ok = !report.verified && entry?.status === 'modified' && named && others.length === 0;
  return check(
    name,
    ok,
    `verified=${report.verified}; ${path}: ${entry?.status ?? 'not listed'}; ` +
      (named ? `error names it ("${path}: modified")` : 'no error names it') +
      (others.length ? `; other files reported: ${others.join(', ')}` : '; every other file ok') +
      `; merkle match=${report.merkle.match}`,
  );
}

/** The invariant: the untouched pack verifies; every corruption fails verification, naming the file or the truncation. */
export function judgeCorruption(r: CorruptionReports, flippedPath: string): AssuranceCheck[] {
  const truncation = r.truncatedArchive.errors.find((e) => e.startsWith(TRUNCATION));
  return [
    check('untouched pack verifies', r.untouched.verified && r.untouchedArchive.verified, `folder verified=${r.untouched.verified}, .tgz verified=${r.untouchedArchive.verified}`),
    flipCheck('one flipped byte in the folder is caught and named', r.flipped, flippedPath),
    flipCheck('one flipped byte in the .tgz is caught and named', r.flippedArchive, flippedPath),
    check(
      'truncated .tgz is caught and named',
      !r.truncatedArchive.verified && truncation !== undefined,
      `verified=${r.truncatedArchive.verified}; ${truncation ?? `no "${TRUNCATION}" error (errors: ${r.truncatedArchive.errors.join('; ') || 'none'})`}`,
    ),
  ];
}

/** A small evidence folder: a few hundred decision lines, a summary, a log. */
function writeEvidence(dir: string): void {
  mkdirSync(join(dir, 'evidence'), { recursive: true });
  mkdirSync(join(dir, 'logs'), { recursive: true });
  const lines = Array.from({ length: 600 }, (_, i) => JSON.stringify({ seq: i + 1, actor: `actor-${i % 7}`, action: 'evidence.read', decision: i % 5 === 0 ? 'deny' : 'allow' }));
  writeFileSync(join(dir, FLIPPED_FILE), lines.join('\n') + '\n');
  writeFileSync(join(dir, 'evidence/summary.json'), JSON.stringify({ decisions: 600, denied: 120 }) + '\n');
  writeFileSync(join(dir, 'logs/run.log'), Array.from({ length: 2000 }, (_, i) => `line ${i} of the drill's log`).join('\n') + '\n');
}

/**
 * Signs a pack with a fresh Ed25519 key, then corrupts copies of it — one byte flipped in one
 * evidence file (as a folder and as a .tgz), the .tgz cut short — and verifies each with the
 * real verifier. Passed only when every corruption fails verification, naming what broke.
 */
export const corruptedPackDrill: Drill = async (ctx: DrillContext) => {
  const startedAt = nowOf(ctx);
  const work = drillFolder(ctx, CORRUPTED_PACK_DRILL);
  try {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const verify = (path: string) => verifyPack(path, { at: startedAt, offline: true, pluginOptions: { publicKey: publicKeyPem } });

    ctx.progress?.('signing a pack');
    const pack = join(work.dir, 'pack');
    writeEvidence(pack);
    const created = await createPack(pack, { keyPem, createdAt: new Date(Math.floor(startedAt.getTime() / 1000) * 1000) });
    const archive = join(work.dir, 'pack.tgz');
    await writePackArchive(pack, archive);
    const untouched = await verify(pack);
    const untouchedArchive = await verify(archive);
    throwIfCancelled(ctx.signal, CORRUPTED_PACK_DRILL);

    ctx.progress?.('flipping one byte');
    const flipped = join(work.dir, 'flipped');
    cpSync(pack, flipped, { recursive: true });
    const bytes = readFileSync(join(flipped, FLIPPED_FILE));
    const offset = Math.floor(bytes.length / 2);
    const before = bytes[offset]!;
    bytes[offset] = before ^ 0x01;
    writeFileSync(join(flipped, FLIPPED_FILE), bytes);
    const flippedArchive = join(work.dir, 'flipped.tgz');
    await writePackArchive(flipped, flippedArchive);
    const flippedReport = await verify(flipped);
    const flippedArchiveReport = await verify(flippedArchive);
    throwIfCancelled(ctx.signal, CORRUPTED_PACK_DRILL);

    ctx.progress?.('truncating the archive');
    const truncated = join(work.dir, 'truncated.tgz');
    cpSync(archive, truncated);
    const fullSize = statSync(archive).size;
    const cutTo = Math.floor(fullSize / 2);
    truncateSync(truncated, cutTo);
    const truncatedReport = await verify(truncated);

    const checks = judgeCorruption(
      { untouched, untouchedArchive, flipped: flippedReport, flippedArchive: flippedArchiveReport, truncatedArchive: truncatedReport },
      FLIPPED_FILE,
    );
    return finishRun(ctx, {
      kind: 'chaos',
      name: CORRUPTED_PACK_DRILL,
      startedAt,
      passedSummary: `a flipped byte in ${FLIPPED_FILE} (folder and .tgz) and a .tgz cut to ${cutTo} of ${fullSize} bytes all failed verification, each naming what broke`,
      details: {
        injected: [
          `flipped bit 0 of byte ${offset} of ${FLIPPED_FILE} (0x${before.toString(16).padStart(2, '0')} → 0x${(before ^ 1).toString(16).padStart(2, '0')}), in a copy of the signed folder and in its .tgz`,
          `truncated the signed .tgz from ${fullSize} to ${cutTo} bytes`,
        ],
        happened: [
          `untouched: verified=${untouched.verified} (folder), ${untouchedArchive.verified} (.tgz)`,
          `flipped folder: verified=${flippedReport.verified}; errors: ${flippedReport.errors.join('; ')}`,
          `flipped .tgz: verified=${flippedArchiveReport.verified}; errors: ${flippedArchiveReport.errors.join('; ')}`,
          `truncated .tgz: verified=${truncatedReport.verified}; errors: ${truncatedReport.errors.join('; ')}`,
        ],
        invariant: 'a signed pack verifies untouched, and any corrupted copy fails verification naming the corrupted file or the truncation',
        checks,
        figures: {
          packFiles: created.manifest.files.length,
          merkleRoot: created.manifest.merkle.root,
          archiveBytes: fullSize,
          truncatedToBytes: cutTo,
          flippedOffset: offset,
        },
      },
    });
  } finally {
    work.remove();
  }
};
