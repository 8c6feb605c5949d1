import { serverApi } from '../../trpc/server.js';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'Status' };

export default async function HealthPage() {
  const report = await serverApi().health.check();
  const ok = report.status === 'ok';
  return (
    <>
      <section className="hero">
        <h1>
          Status:{' '}
          <span className={ok ? 'status-ok' : 'status-degraded'} data-testid="health-status">
            {report.status}
          </span>
        </h1>
        <p>
          Live health of this Stagecast web server. Machine-readable at <a href="/api/health">/api/health</a>.
        </p>
      </section>
      <div className="health-grid">
        <div className="stat">
          <p className="stat__label">Database</p>
          <p className={`stat__value ${report.db.ok ? 'status-ok' : 'status-degraded'}`}>
            {report.db.ok ? 'reachable' : 'unreachable'}
          </p>
          {report.db.latencyMs !== null ? <p className="meta">latency {report.db.latencyMs.toFixed(1)} ms</p> : null}
          {report.db.error ? <p className="meta">{report.db.error}</p> : null}
        </div>
        <div className="stat">
          <p className="stat__label">Migrations applied</p>
          <p className="stat__value">{report.migrations ? report.migrations.applied : 'unknown'}</p>
          {report.migrations?.latestCreatedAt ? (
            <p className="meta">latest from {report.migrations.latestCreatedAt.slice(0, 16).replace('T', ' ')} UTC</p>
          ) : null}
        </div>
        <div className="stat">
          <p className="stat__label">Uptime</p>
          <p className="stat__value">{formatUptime(report.uptimeSeconds)}</p>
        </div>
        <div className="stat">
          <p className="stat__label">Version</p>
          <p className="stat__value">{report.version}</p>
        </div>
      </div>
    </>
  );
}

function formatUptime(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return h > 0 ? `${h} h ${m} min` : m > 0 ? `${m} min ${s} s` : `${s} s`;
}
