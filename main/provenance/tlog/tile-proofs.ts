import { EMPTY_ROOT } from '../merkle/hash.ts';
import { consistencyProofPlan, foldNodes, inclusionProofPlan, planNodes, rangeNodes } from '../merkle/proof-plan.ts';
import type { ProofPlan } from '../merkle/proof-plan.ts';
import type { TileReader } from './tile-reader.ts';

async function build(reader: TileReader, plan: ProofPlan): Promise<Uint8Array[]> {
  const nodes = await reader.readNodes(planNodes(plan));
  return plan.map((entry) => foldNodes(entry.map((id) => nodes.get(`${id.level}/${id.index}`)!)));
}

/** The RFC 6962 inclusion proof of entry `index` in the reader's tree, from tiles. */
export function inclusionProofFromTiles(reader: TileReader, index: number): Promise<Uint8Array[]> {
  return build(reader, inclusionProofPlan(index, reader.size));
}

/** The RFC 6962 consistency proof from `size1` to the reader's tree size, from tiles. */
export function consistencyProofFromTiles(reader: TileReader, size1: number): Promise<Uint8Array[]> {
  return build(reader, consistencyProofPlan(size1, reader.size));
}

/** The root of the reader's tree recomputed from tiles (to compare with a signed checkpoint). */
export async function rootFromTiles(reader: TileReader): Promise<Uint8Array> {
  if (reader.size === 0) return EMPTY_ROOT;
  const ids = rangeNodes(0, reader.size);
  const nodes = await reader.readNodes(ids);
  return foldNodes(ids.map((id) => nodes.get(`${id.level}/${id.index}`)!));
}
