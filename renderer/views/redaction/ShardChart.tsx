import { Bar, BarChart, CartesianGrid, Tooltip, XAxis, YAxis } from 'recharts';
import type { DiffView } from '../../../shared/api/redaction.ts';

/** Fixed size: the chart renders the same in the app and in server-side tests. */
const WIDTH = 640;
const HEIGHT = 200;

export function shardChartData(diff: DiffView): Array<{ shard: string; vectors: number }> {
  return diff.shards.map((s) => ({ shard: String(s.shard), vectors: s.count }));
}

/** Vectors the plan erases, per shard. */
export function ShardChart({ diff }: { diff: DiffView }) {
  return (
    <figure className="chart" aria-label="Vectors to erase per shard">
      <BarChart width={WIDTH} height={HEIGHT} data={shardChartData(diff)} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis dataKey="shard" />
        <YAxis allowDecimals={false} />
        <Tooltip />
        <Bar dataKey="vectors" name="Vectors to erase" fill="#b3261e" isAnimationActive={false} />
      </BarChart>
      <figcaption className="muted">Vectors to erase in each shard.</figcaption>
    </figure>
  );
}
