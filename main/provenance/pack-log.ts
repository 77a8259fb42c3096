import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { WorkbenchError } from '../../shared/api/errors.ts';
import { Manifest } from '../../shared/domain/provenance.ts';
import type { PluginReport } from '../../shared/domain/provenance.ts';
import { ATTESTATION_DIR, ATTESTATION_FILES, MANIFEST_NAME } from './pack/pack-layout.ts';
import type { PackContents } from './pack/pack-contents.ts';
import { encodePackEntry } from './tlog/log-entry.ts';
import { folderFetcher } from './tlog/fetcher.ts';
import { parseVerifierKey } from './tlog/note-keys.ts';
import { TransparencyLog } from './tlog/transparency-log.ts';
import { verifyReceipt } from './tlog/verify-receipt.ts';

/** The signature material a log entry commits to: the detached signature, else the Sigstore bundle. */
function signatureBytes(attestations: Map<string, Buffer>): Buffer | undefined {
  return attestations.get(ATTESTATION_FILES.signature) ?? attestations.get(ATTESTATION_FILES.sigstoreBundle);
}

/** The exact log entry of a pack, rebuilt from the pack alone. */
export function packEntryFromContents(contents: Pick<PackContents, 'manifestBytes' | 'attestations'>): Uint8Array {
  if (!contents.manifestBytes) throw new WorkbenchError('BAD_INPUT', `the pack has no ${MANIFEST_NAME}`);
  const manifest = Manifest.parse(JSON.parse(contents.manifestBytes.toString('utf8')));
  const sig = signatureBytes(contents.attestations);
  if (!sig) throw new WorkbenchError('BAD_INPUT', 'the pack carries no signature to log: sign it first (prov-verify pack)');
  return encodePackEntry({ manifestRoot: manifest.merkle.root, signatureDigest: createHash('sha256').update(sig).digest('hex') });
}

/**
 * Appends a signed pack folder to the log and stores the tlog-proof receipt in the pack
 * (attestations/tlog-receipt.txt, temp + rename). Returns the entry's index.
 */
export async function appendPackToLog(packDir: string, opts: { logDir: string; signerKey: string }): Promise<{ index: number; size: number; receipt: string }> {
  const attestations = new Map<string, Buffer>();
  for (const name of [ATTESTATION_FILES.signature, ATTESTATION_FILES.sigstoreBundle]) {
    const data = await readFile(join(packDir, ATTESTATION_DIR, name)).catch(() => undefined);
    if (data) attestations.set(name, data);
  }
  const manifestBytes = await readFile(join(packDir, MANIFEST_NAME)).catch(() => {
    throw new WorkbenchError('BAD_INPUT', `${packDir} has no ${MANIFEST_NAME}: only a signed pack folder can be logged`);
  });
  const entry = packEntryFromContents({ manifestBytes, attestations });
  const log = await TransparencyLog.open(opts.logDir, { signerKey: opts.signerKey });
  const { index, size } = await log.append(entry);
  const receipt = await log.receipt(index);
  const target = join(packDir, ATTESTATION_DIR, ATTESTATION_FILES.tlogReceipt);
  await mkdir(dirname(target), { recursive: true });
  await writeFile(`${target}.tmp-${process.pid}`, receipt);
  await rename(`${target}.tmp-${process.pid}`, target);
  return { index, size, receipt };
}

/** Where a verifier keeps the newest checkpoint it has seen of one log. */
export function lastSeenPath(cacheDir: string, logKey: string): string {
  const v = parseVerifierKey(logKey);
  return join(cacheDir, 'tlog', 'last-seen', `${v.keyId.toString(16).padStart(8, "0")}.checkpoint`);
}

export interface PackReceiptOptions {
  logKey: string;
  /** Trust cache: last-seen checkpoints (tlog/last-seen/) and a local mirror (tlog/mirror/). */
  cacheDir?: string;
}

/**
 * Checks the pack's receipt offline against the pinned log key: inclusion of the entry
 * rebuilt from the pack, and consistency with the last checkpoint this verifier has seen
 * (using the local mirror for the proof when needed). Reads state, never writes it.
 */
export async function checkPackReceipt(contents: PackContents, opts: PackReceiptOptions): Promise<PluginReport & { latestCheckpoint: string | null }> {
  const report = (ok: boolean, errors: string[], details: Record<string, unknown> = {}, latestCheckpoint: string | null = null) => ({
    name: 'tlog',
    ok,
    errors,
    warnings: [],
    details,
    latestCheckpoint,
  });
  const receipt = contents.attestations.get(ATTESTATION_FILES.tlogReceipt);
  if (!receipt) return report(false, [`the pack has no ${ATTESTATION_DIR}/${ATTESTATION_FILES.tlogReceipt}`]);
  let entry: Uint8Array;
  try {
    entry = packEntryFromContents(contents);
  } catch (e) {
    return report(false, [(e as Error).message]);
  }
  let lastSeen: Buffer | undefined;
  const mirrorDir = opts.cacheDir ? join(opts.cacheDir, 'tlog', 'mirror') : undefined;
  const mirror = mirrorDir && existsSync(join(mirrorDir, 'checkpoint')) ? mirrorDir : undefined;
  if (opts.cacheDir) {
    try {
      lastSeen = await readFile(lastSeenPath(opts.cacheDir, opts.logKey));
    } catch {
      lastSeen = undefined;
    }
  }
  const r = await verifyReceipt(receipt, {
    logKey: opts.logKey,
    entry,
    ...(lastSeen ? { lastSeenCheckpoint: lastSeen } : {}),
    ...(mirror ? { source: folderFetcher(mirror) } : {}),
  });
  return report(
    r.ok,
    r.errors,
    { origin: r.origin, index: r.index, checkpointSize: r.size, rootHash: r.rootHash, leafHash: r.leafHash, inclusionVerified: r.ok, consistency: r.consistency },
    r.latestCheckpoint,
  );
}

/** Records a checkpoint as the newest seen (after a successful check). */
export async function rememberCheckpoint(cacheDir: string, logKey: string, checkpoint: string): Promise<void> {
  const file = lastSeenPath(cacheDir, logKey);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(`${file}.tmp-${process.pid}`, checkpoint);
  await rename(`${file}.tmp-${process.pid}`, file);
}
