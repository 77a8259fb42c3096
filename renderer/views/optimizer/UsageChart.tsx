import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from 'recharts';
import type { UsageReport } from '../../../shared/api/costguard.ts';
import { usageChartData } from './optimizer-format.ts';

/** Fixed sizes: the chart renders the same in the app and in server-side tests. */
const WIDTH = 640;
const HEIGHT = 220;
const PALETTE = ['#1f5fbf', '#1e7a46', '#6b3fa0', '#2b7a8a', '#8a5a00'];

/** Calls per minute by namespace: allowed stacked with rate-limited (red). */
export function UsageChart({ report }: { report: UsageReport }) {
  const { rows, namespaces } = usageChartData(report);
  if (rows.length === 0) return <p className="empty">No calls recorded in this window.</p>;
  return (
    <figure className="chart" aria-label="Calls per minute by namespace, allowed and rate-limited">
      <BarChart width={WIDTH} height={HEIGHT} data={rows} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis dataKey="minute" />
        <YAxis allowDecimals={false} />
        <Tooltip />
        <Legend />
        {namespaces.flatMap((ns, i) => [
          <Bar key={`${ns}-a`} dataKey={`${ns} allowed`} stackId={ns} fill={PALETTE[i % PALETTE.length]} isAnimationActive={false} />,
          <Bar key={`${ns}-l`} dataKey={`${ns} limited`} stackId={ns} fill="#b3261e" isAnimationActive={false} />,
        ])}
      </BarChart>
      <figcaption className="muted">Per minute (UTC), {report.from.slice(11, 16)}–{report.to.slice(11, 16)}. Red: calls refused with 429 / RATE_LIMITED.</figcaption>
    </figure>
  );
}
