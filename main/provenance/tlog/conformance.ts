import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConformanceRow, ConformanceSuite } from '../conformance/matrix.ts';
import { leafHash } from '../merkle/hash.ts';
import { MemoryTree } from '../merkle/memory-tree.ts';
import { merkleRoot } from '../merkle/merkle.ts';
import { verifyConsistency } from '../merkle/verify-consistency.ts';
import { verifyInclusion } from '../merkle/verify-inclusion.ts';
import { openCheckpoint } from './checkpoint.ts';
import type { OpenedCheckpoint } from './checkpoint.ts';
import { folderFetcher } from './fetcher.ts';
import { mirrorLog } from './mirror.ts';
import { generateNoteKey, parseVerifierKey, signerFromSeed } from './note-keys.ts';
import { signNote } from './signed-note.ts';
import { consistencyProofFromTiles, inclusionProofFromTiles, rootFromTiles } from './tile-proofs.ts';
import { TileReader } from './tile-reader.ts';
import { describeTlogError } from './tlog-error.ts';
import { TransparencyLog } from './transparency-log.ts';
import { verifyReceipt } from './verify-receipt.ts';
import { formatReceipt } from './receipt.ts';

export const TLOG_FAMILY = 'tlog';
export const TLOG_FOLDER = 'tlog';
/** The corpus log's verifier key, as its INDEX.md gives it. */
export const TLOG_CORPUS_VKEY = 'example.com/log/testdata+33d7b496+AeHTu4Q3hEIMHNqc6fASMsq3rKNx280NI+oO5xCFkkSx';
export const TLOG_CORPUS_ORIGIN = 'example.com/log/testdata';

type Check = () => void | Promise<void>;

async function row(id: string, expected: 'pass' | 'fail', check: Check): Promise<ConformanceRow> {
  try {
    await check();
    return { family: TLOG_FAMILY, id, expected, got: 'pass' };
  } catch (e) {
    return { family: TLOG_FAMILY, id, expected, got: 'fail', note: describeTlogError(e) };
  }
}

function fail(message: string): never {
  throw new Error(message);
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** Rows over the golden tessera log: signatures, roots, every proof, the negatives, and interop of our writer and mirror. */
export async function tlogRows(corpusRoot: string): Promise<ConformanceRow[]> {
  const logDir = join(corpusRoot, TLOG_FOLDER, 'log');
  const fetcher = folderFetcher(logDir);
  const v = parseVerifierKey(TLOG_CORPUS_VKEY);
  const sizes = readdirSync(logDir)
    .map((n) => /^checkpoint\.(\d+)$/.exec(n)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
  const rows: ConformanceRow[] = [];
  const cps = new Map<number, OpenedCheckpoint>();

  rows.push(await row('checkpoint: signature, origin, parse', 'pass', () => void openCheckpoint(readFileSync(join(logDir, 'checkpoint')), [v], TLOG_CORPUS_ORIGIN)));
  for (const n of sizes) {
    rows.push(
      await row(`checkpoint.${n}: signature, origin, size`, 'pass', () => {
        const cp = openCheckpoint(readFileSync(join(logDir, `checkpoint.${n}`)), [v], TLOG_CORPUS_ORIGIN);
        if (cp.size !== n) fail(`size ${cp.size}, file says ${n}`);
        cps.set(n, cp);
      }),
    );
  }
  const largest = Math.max(...sizes);
  const entries = largest > 0 ? await new TileReader(fetcher, largest).entries(0) : [];
  for (const n of sizes) {
    const cp = cps.get(n);
    rows.push(
      await row(`root@${n}: from the first ${n} entries`, 'pass', async () => {
        if (!cp) fail('checkpoint did not verify');
        const fromBundle = n > 0 ? await new TileReader(fetcher, n).entries(0) : [];
        if (hex(merkleRoot(fromBundle)) !== hex(cp.root)) fail(`entries give ${hex(merkleRoot(fromBundle))}, checkpoint says ${hex(cp.root)}`);
      }),
      await row(`root@${n}: from the tiles`, 'pass', async () => {
        if (!cp) fail('checkpoint did not verify');
        const root = await rootFromTiles(new TileReader(fetcher, n));
        if (hex(root) !== hex(cp.root)) fail(`tiles give ${hex(root)}, checkpoint says ${hex(cp.root)}`);
      }),
    );
  }
  for (const n of sizes) {
    for (let i = 0; i < n; i++) {
      rows.push(
        await row(`inclusion ${i}@${n}`, 'pass', async () => {
          const cp = cps.get(n) ?? fail('checkpoint did not verify');
          verifyInclusion(i, n, leafHash(entries[i]!), await inclusionProofFromTiles(new TileReader(fetcher, n), i), cp.root);
        }),
      );
    }
  }
  for (const n of sizes) {
    for (const m of sizes) {
      if (m < 1 || m >= n) continue;
      rows.push(
        await row(`consistency ${m}→${n}`, 'pass', async () => {
          const a = cps.get(m) ?? fail('checkpoint did not verify');
          const b = cps.get(n) ?? fail('checkpoint did not verify');
          verifyConsistency(m, n, await consistencyProofFromTiles(new TileReader(fetcher, n), m), a.root, b.root);
        }),
      );
    }
  }
  const full = readFileSync(join(logDir, `checkpoint.${largest}`), 'utf8');
  for (let i = 0; i < largest; i++) {
    rows.push(
      await row(`receipt ${i}@${largest}: c2sp.org/tlog-proof`, 'pass', async () => {
        const receipt = formatReceipt({ index: i, proof: await inclusionProofFromTiles(new TileReader(fetcher, largest), i), checkpoint: full });
        const r = await verifyReceipt(receipt, { logKey: TLOG_CORPUS_VKEY, entry: entries[i]!, lastSeenCheckpoint: readFileSync(join(logDir, 'checkpoint.1')), source: fetcher });
        if (!r.ok) fail(r.errors.join('; '));
      }),
    );
  }

  // Signature rules: unknown keys are ignored, a known key must verify.
  const stranger = signerFromSeed('witness.example/w1', Buffer.alloc(32, 9));
  const cosigned = full + signNote('x\n', [stranger]).split('\n\n')[1]!;
  rows.push(await row('an extra signature by an unknown key is ignored', 'pass', () => void openCheckpoint(cosigned, [v], TLOG_CORPUS_ORIGIN)));
  rows.push(
    await row('negative: signed only by an unknown key (same name, other key)', 'fail', () => {
      const impostor = signerFromSeed(TLOG_CORPUS_ORIGIN, Buffer.alloc(32, 5));
      void openCheckpoint(signNote(full.split('\n\n')[0]! + '\n', [impostor]), [v], TLOG_CORPUS_ORIGIN);
    }),
  );
  rows.push(
    await row('negative: edited size', 'fail', () => {
      const edited = full.replace(/^([^\n]*\n)(\d+)\n/, (_all, o: string, s: string) => `${o}${Number(s) - 1}\n`);
      void openCheckpoint(edited, [v], TLOG_CORPUS_ORIGIN);
    }),
  );
  rows.push(
    await row('negative: signature bytes altered', 'fail', () => {
      // Change one byte of the Ed25519 signature, past the 4-byte key ID.
      const i = full.length - 12;
      void openCheckpoint(full.slice(0, i) + (full[i] === 'A' ? 'B' : 'A') + full.slice(i + 1), [v], TLOG_CORPUS_ORIGIN);
    }),
  );
  rows.push(await row('negative: wrong origin (a verifier expecting another log)', 'fail', () => void openCheckpoint(full, [v], 'example.com/log/other')));
  rows.push(await row('negative: wrong origin (origin line edited)', 'fail', () => void openCheckpoint(full.replace(TLOG_CORPUS_ORIGIN + '\n', 'example.com/log/other\n'), [v], 'example.com/log/other')));
  rows.push(
    await row('negative: foreign leaf', 'fail', async () => {
      const cp = cps.get(largest) ?? fail('checkpoint did not verify');
      verifyInclusion(3, largest, leafHash(Buffer.from('not in the log')), await inclusionProofFromTiles(new TileReader(fetcher, largest), 3), cp.root);
    }),
  );
  const forkAt = Math.floor(largest / 2);
  const forked = MemoryTree.fromLeafData(entries.map((e, i) => (i === forkAt ? Buffer.from('forged') : e)));
  rows.push(
    await row('negative: forked history (fork proof against the signed older head)', 'fail', () => {
      const m = forkAt + 1;
      const a = cps.get(m) ?? fail('checkpoint did not verify');
      verifyConsistency(m, largest, forked.consistencyProof(m, largest), a.root, forked.root());
    }),
  );
  rows.push(
    await row('negative: forked history (signed head against a forked newer head)', 'fail', async () => {
      const a = cps.get(forkAt + 1) ?? fail('checkpoint did not verify');
      verifyConsistency(forkAt + 1, largest, await consistencyProofFromTiles(new TileReader(fetcher, largest), forkAt + 1), a.root, forked.root());
    }),
  );

  // Interop: our writer reproduces the golden tiles; our mirror copies the golden log.
  const scratch = mkdtempSync(join(tmpdir(), 'tlog-conformance-'));
  try {
    rows.push(
      await row('interop: appending the entries one by one gives byte-identical tiles and roots', 'pass', async () => {
        const k = generateNoteKey(TLOG_CORPUS_ORIGIN, Buffer.alloc(32, 7));
        const log = await TransparencyLog.open(join(scratch, 'rebuilt'), { signerKey: k.signerKey, fsync: false });
        for (const e of entries) {
          const r = await log.append(e);
          const cp = cps.get(r.size) ?? fail(`no checkpoint.${r.size}`);
          if (hex(r.root) !== hex(cp.root)) fail(`root at size ${r.size} differs`);
        }
        for (const kind of ['0', 'entries']) {
          for (const w of readdirSync(join(logDir, 'tile', kind, '000.p'))) {
            const theirs = readFileSync(join(logDir, 'tile', kind, '000.p', w));
            const ours = readFileSync(join(scratch, 'rebuilt', 'tile', kind, '000.p', w));
            if (!theirs.equals(ours)) fail(`tile/${kind}/000.p/${w} differs`);
          }
        }
      }),
      await row('interop: mirroring the golden log', 'pass', async () => {
        const dest = join(scratch, 'mirror');
        const r = await mirrorLog(fetcher, dest, { logKey: TLOG_CORPUS_VKEY, fsync: false });
        if (r.size !== largest) fail(`mirrored size ${r.size}`);
        if (!readFileSync(join(dest, 'checkpoint')).equals(readFileSync(join(logDir, 'checkpoint')))) fail('checkpoint differs');
        for (const p of [`tile/0/000.p/${largest}`, `tile/entries/000.p/${largest}`]) {
          if (!readFileSync(join(dest, p)).equals(readFileSync(join(logDir, p)))) fail(`${p} differs`);
        }
      }),
    );
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return rows;
}

/** The golden tessera log (C2SP tlog-tiles, checkpoints, signed notes) and the negatives its INDEX.md names. */
export const tlogConformanceSuite: ConformanceSuite = {
  family: TLOG_FAMILY,
  folder: TLOG_FOLDER,
  async run(corpusRoot: string): Promise<ConformanceRow[]> {
    const logDir = join(corpusRoot, TLOG_FOLDER, 'log');
    if (!existsSync(join(logDir, 'checkpoint')) || !existsSync(join(logDir, 'tile'))) {
      return [{ family: TLOG_FAMILY, id: TLOG_FOLDER, expected: 'pass', got: 'skip', note: `corpus folder ${TLOG_FOLDER}/log is absent` }];
    }
    return tlogRows(corpusRoot);
  },
};
