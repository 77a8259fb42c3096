import { useEffect } from 'react';
import { Bar, BarChart, CartesianGrid, Cell, Legend, Pie, PieChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { AGEING_BUCKETS, type SlaDashboard } from '../../../shared/api/appeals.ts';
import { ErrorPanel } from '../../components/ErrorPanel.tsx';
import { formatUtc } from '../../components/format.ts';
import { APPEALS_TOPICS, type AppealsClient } from './appeals-client.ts';
import { useLoad } from './use-load.ts';

const COLORS = { ok: '#1e7a46', bad: '#b3261e', warn: '#c98a00', accent: '#1f5fbf', muted: '#9aa5b4' };
const SHORT_STATES: Record<string, string> = { new: 'New', triage: 'Triage', pending_info: 'Waiting' };
const BUCKET_COLORS: Record<(typeof AGEING_BUCKETS)[number], string> = { '<1d': '#9cc3f0', '1-3d': '#1f5fbf', '3-7d': '#c98a00', '>7d': '#b3261e' };

/** Chart rows from the dashboard (pure, so the numbers on screen are exactly the service's). */
export function chartData(d: SlaDashboard) {
  return {
    onTime: [
      { name: 'On time', value: d.decidedOnTime, color: COLORS.ok },
      { name: 'Late', value: d.decided - d.decidedOnTime, color: COLORS.bad },
    ],
    breaches: (['urgent', 'high', 'normal', 'low'] as const).map((p) => ({ priority: p, breached: d.breachesByPriority[p] })),
    ageing: d.ageing.map((a) => ({ state: SHORT_STATES[a.state]!, ...a.buckets })),
  };
}

function Kpi({ label, value, tone, testId }: { label: string; value: string; tone?: 'ok' | 'bad' | 'warn'; testId?: string }) {
  return (
    <div className={`ap-kpi${tone ? ` ap-kpi-${tone}` : ''}`}>
      <span className="ap-kpi-value" data-testid={testId}>
        {value}
      </span>
      <span className="ap-kpi-label">{label}</span>
    </div>
  );
}

/**
 * SLA compliance: the share of decisions made on time, breaches by milestone and priority,
 * and how long open tickets have waited in each state. Computed by the service from the
 * clock of every ticket (the same numbers a replay of the audit trail gives).
 */
export function SlaDashboardView({ client }: { client: AppealsClient }) {
  const dash = useLoad('dashboard', () => client.appeals.dashboard({}));
  const { reload } = dash;
  useEffect(() => client.$events.subscribe((e) => APPEALS_TOPICS.has(e.topic) && reload()), [client, reload]);
  const d = dash.value;
  if (dash.error && !d) return <ErrorPanel error={dash.error} context="SLA dashboard" onRetry={reload} />;
  if (!d) return <p className="muted">Computing the SLA dashboard…</p>;
  const data = chartData(d);
  // An empty slice would still draw a hairline.
  const slices = data.onTime.filter((s) => s.value > 0);
  const open = d.byState.new + d.byState.triage + d.byState.pending_info;
  return (
    <div className="ap-dashboard" data-testid="sla-dashboard">
      <section className="panel ap-kpis" aria-label="SLA figures">
        <Kpi
          label={`of ${d.decided} decision${d.decided === 1 ? '' : 's'} on time`}
          value={d.onTimePercent === null ? '—' : `${d.onTimePercent.toFixed(1)} %`}
          tone={d.onTimePercent === null ? undefined : d.onTimePercent >= 90 ? 'ok' : d.onTimePercent >= 75 ? 'warn' : 'bad'}
          testId="kpi-on-time"
        />
        <Kpi label="triage targets missed" value={String(d.breaches.triage)} tone={d.breaches.triage ? 'bad' : 'ok'} testId="kpi-triage-breaches" />
        <Kpi label="decision targets missed" value={String(d.breaches.decision)} tone={d.breaches.decision ? 'bad' : 'ok'} testId="kpi-decision-breaches" />
        <Kpi label="open tickets" value={String(open)} />
        <Kpi label="upheld / overturned / modified" value={`${d.outcomes.upheld} / ${d.outcomes.overturned} / ${d.outcomes.modified}`} />
      </section>
      <div className="ap-charts">
        <section className="panel" aria-labelledby="chart-ontime">
          <h2 id="chart-ontime">Decisions on time</h2>
          <ResponsiveContainer width="100%" height={220}>
            <PieChart>
              <Pie data={slices} dataKey="value" nameKey="name" innerRadius={55} outerRadius={85} isAnimationActive={false}>
                {slices.map((s) => (
                  <Cell key={s.name} fill={s.color} stroke={s.color} />
                ))}
              </Pie>
              <Tooltip />
              <Legend itemSorter={null} />
            </PieChart>
          </ResponsiveContainer>
        </section>
        <section className="panel" aria-labelledby="chart-breaches">
          <h2 id="chart-breaches">Tickets with a breach, by priority</h2>
          <ResponsiveContainer width="100%" height={220}>
            <BarChart data={data.breaches}>
              <CartesianGrid strokeDasharray="3 3" vertical={false} />
              <XAxis dataKey="priority" />
              <YAxis allowDecimals={false} />
              <Tooltip />
              <Bar dataKey="breached" name="breached" fill={COLORS.bad} isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        </section>
        <section className="panel" aria-labelledby="chart-ageing">
          <h2 id="chart-ageing">Open tickets by state and age</h2>
          <ResponsiveContainer width="100%" height={220}>
            <BarChart data={data.ageing}>
              <CartesianGrid strokeDasharray="3 3" vertical={false} />
              <XAxis dataKey="state" interval={0} />
              <YAxis allowDecimals={false} />
              <Tooltip />
              <Legend itemSorter={null} />
              {AGEING_BUCKETS.map((b) => (
                <Bar key={b} dataKey={b} stackId="age" name={b} fill={BUCKET_COLORS[b]} isAnimationActive={false} />
              ))}
            </BarChart>
          </ResponsiveContainer>
        </section>
      </div>
      <p className="muted">
        {d.tickets} tickets, computed {formatUtc(d.at)}. A decision is on time when neither its triage nor its decision target was missed; a paused clock
        (waiting for the requester) does not count.
      </p>
    </div>
  );
}
