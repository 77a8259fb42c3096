import { formatIssue } from './reasons.ts';
import type { TufVerifyResult } from './verify-tuf-target.ts';

/** The human-readable form of a result (for `prov-verify tuf-verify` without --json). */
export function formatTufVerifyResult(target: string, r: TufVerifyResult): string {
  const d = r.details;
  const lines = [`TUF target ${target}: ${r.ok ? 'VERIFIED' : 'NOT VERIFIED'}`];
  for (const e of r.errors) lines.push(`  error: ${formatIssue(e)}`);
  for (const w of r.warnings) lines.push(`  warning: ${w}`);
  if (d.rootVersion !== null) {
    const chain = d.rootChain.length > 1 ? ` (chain ${d.rootChain[0]} → ${d.rootChain[d.rootChain.length - 1]})` : '';
    const v = (name: string, x: number | null) => (x === null ? [] : [`${name} v${x}`]);
    lines.push(`  ${[`root v${d.rootVersion}${chain}`, ...v('timestamp', d.timestampVersion), ...v('snapshot', d.snapshotVersion), ...v('targets', d.targetsVersion)].join(', ')}`);
  }
  if (d.target) {
    lines.push(`  listed by ${d.delegationPath.join(' > ')}`);
    lines.push(`  length ${d.target.length}, ${Object.entries(d.target.hashes).map(([a, h]) => `${a} ${h}`).join(', ')}`);
  }
  return `${lines.join('\n')}\n`;
}
