import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from 'recharts';
import type { ResidencyReport } from '../../../shared/api/residency.ts';

/** Fixed sizes: the charts render the same in the app and in server-side tests. */
const WIDTH = 640;
const HEIGHT = 240;

/** Attempted violations per day: denied (blocked) and allowed (data left its region). */
export function ViolationsChart({ report }: { report: ResidencyReport }) {
  const data = report.violations.byDay;
  if (data.length === 0) return <p className="empty">No attempted violations recorded.</p>;
  return (
    <figure className="chart" aria-label="Attempted violations over time">
      <BarChart width={WIDTH} height={HEIGHT} data={data} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis dataKey="day" />
        <YAxis allowDecimals={false} />
        <Tooltip />
        <Legend />
        <Bar dataKey="denied" name="Denied" stackId="v" fill="#b3261e" isAnimationActive={false} />
        <Bar dataKey="allowed" name="Allowed without exception" stackId="v" fill="#8a5a00" isAnimationActive={false} />
      </BarChart>
      <figcaption className="muted">Attempted cross-region reads and exports per day (UTC).</figcaption>
    </figure>
  );
}

/** One row per region with a count per tenant (every resource type together). */
export function inventoryChartData(report: ResidencyReport): Array<Record<string, string | number>> {
  const tenants = report.inventory.byTenant.map((t) => t.tenant);
  return report.inventory.byRegion.map(({ region }) => {
    const row: Record<string, string | number> = { region };
    for (const t of tenants) row[t] = report.inventory.rows.filter((r) => r.region === region && r.tenant === t).reduce((a, r) => a + r.total, 0);
    return row;
  });
}

/** Stored objects per region, stacked by tenant. */
export function InventoryChart({ report }: { report: ResidencyReport }) {
  const tenants = report.inventory.byTenant.map((t) => t.tenant);
  const data = inventoryChartData(report);
  if (data.length === 0) return null;
  const palette = ['#1f5fbf', '#1e7a46', '#8a5a00', '#6b3fa0', '#b3261e', '#2b7a8a'];
  return (
    <figure className="chart" aria-label="Data by region and tenant">
      <BarChart width={WIDTH} height={HEIGHT} data={data} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis dataKey="region" />
        <YAxis allowDecimals={false} />
        <Tooltip />
        <Legend />
        {tenants.map((t, i) => (
          <Bar key={t} dataKey={t} name={t} stackId="t" fill={palette[i % palette.length]} isAnimationActive={false} />
        ))}
      </BarChart>
    </figure>
  );
}
