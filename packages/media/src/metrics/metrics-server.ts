/**
 * Prometheus text exposition (format 0.0.4) of one engine's health and per-source media stats, built only from the
 * engine's events (heartbeat, stats, keyframeRequested, freezeStarted, remoteBranchRemoved, died/closed) — no extra
 * requests into the engine. Loopback by default; meant to be scraped every 5–15 s.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { MediaError } from '../errors.js';
import type { EngineEventData, SourceStats } from '../protocol/messages.js';

/** What the server listens to: an EngineClient satisfies it (structural, so tests can feed events directly). */
export interface MetricsEventSource {
  on(event: never, listener: never): unknown;
  off(event: never, listener: never): unknown;
}
type LooseEvents = { on(e: string, l: (d: never) => void): unknown; off(e: string, l: (d: never) => void): unknown };

export const metricsServerOptionsSchema = z.object({
  port: z.number().int().min(0).max(65535),
  host: z.string().min(1).default('127.0.0.1'),
  /** Sessions whose last stats event is older than this are dropped from the output. */
  staleAfterMs: z.number().int().positive().default(10_000),
});
export type MetricsServerOptions = z.input<typeof metricsServerOptionsSchema> & { engine: MetricsEventSource };

export class MetricsServerError extends MediaError {
  override name = 'MetricsServerError';
  constructor(
    readonly reason: 'bad-options' | 'listen-failed',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`metrics:${reason}`, message, options);
  }
}

interface SessionStats {
  at: number;
  sources: SourceStats[];
}

/** Collected state; `render()` is the exposition (pure apart from the clock). */
export class MetricsState {
  up = 1;
  heartbeats = 0;
  lastHeartbeat: EngineEventData<'heartbeat'> | null = null;
  lastHeartbeatAt = 0;
  readonly sessions = new Map<string, SessionStats>();
  readonly keyframeRequests = new Map<string, { sid: string; ssrc: number; count: number }>();
  readonly freezes = new Map<string, { sid: string; ssrc: number; name?: string; count: number }>();

  constructor(private readonly staleAfterMs: number) {}

  onHeartbeat(d: EngineEventData<'heartbeat'>): void {
    this.heartbeats++;
    this.lastHeartbeat = d;
    this.lastHeartbeatAt = Date.now();
  }
  onStats(d: EngineEventData<'stats'>): void {
    this.sessions.set(d.sid, { at: Date.now(), sources: d.sources });
  }
  onKeyframe(d: EngineEventData<'keyframeRequested'>): void {
    this.keyframeRequests.set(`${d.sid}/${d.ssrc}`, { sid: d.sid, ssrc: d.ssrc, count: d.pli + d.fir });
  }
  onFreeze(d: EngineEventData<'freezeStarted'>): void {
    const k = `${d.sid}/${d.ssrc}`;
    const prev = this.freezes.get(k);
    this.freezes.set(k, {
      sid: d.sid,
      ssrc: d.ssrc,
      ...(d.name ? { name: d.name } : {}),
      count: (prev?.count ?? 0) + 1,
    });
  }
  onBranchRemoved(d: EngineEventData<'remoteBranchRemoved'>): void {
    const s = this.sessions.get(d.sid);
    if (s) s.sources = s.sources.filter((x) => !(x.direction === 'inbound' && x.ssrc === d.ssrc));
  }

  render(now = Date.now()): string {
    const out: string[] = [];
    const metric = (
      name: string,
      type: 'gauge' | 'counter',
      help: string,
      rows: [Record<string, string | number>, number][],
    ) => {
      out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      for (const [labels, value] of rows) out.push(`${name}${formatLabels(labels)} ${formatValue(value)}`);
    };
    const hb = this.lastHeartbeat;
    metric('stagecast_engine_up', 'gauge', '1 while the engine process runs, 0 after it died or closed.', [
      [{}, this.up],
    ]);
    metric('stagecast_engine_heartbeats_total', 'counter', 'Heartbeats received from the engine (1/s when healthy).', [
      [{}, this.heartbeats],
    ]);
    metric('stagecast_engine_heartbeat_age_seconds', 'gauge', 'Seconds since the last heartbeat (-1: none yet).', [
      [{}, this.lastHeartbeatAt ? (now - this.lastHeartbeatAt) / 1000 : -1],
    ]);
    metric('stagecast_engine_resident_memory_bytes', 'gauge', 'Engine process RSS.', hb ? [[{}, hb.rssBytes]] : []);
    metric(
      'stagecast_engine_js_heap_used_bytes',
      'gauge',
      'V8 heap in use in the engine (RSS growing while this stays flat: native memory).',
      hb?.heapUsedBytes !== undefined ? [[{}, hb.heapUsedBytes]] : [],
    );
    metric(
      'stagecast_engine_cpu_user_seconds_total',
      'counter',
      'Engine process user CPU time.',
      hb ? [[{}, hb.cpuUserUs / 1e6]] : [],
    );
    metric('stagecast_engine_sessions', 'gauge', 'Open media sessions in the engine.', hb ? [[{}, hb.sessions]] : []);

    const rows: { labels: Record<string, string | number>; s: SourceStats }[] = [];
    for (const [sid, st] of [...this.sessions].sort(([a], [b]) => a.localeCompare(b))) {
      if (now - st.at > this.staleAfterMs) continue;
      for (const s of st.sources) {
        rows.push({
          labels: {
            sid,
            ssrc: s.ssrc,
            direction: s.direction,
            media: s.media ?? '',
            owner: s.owner ?? '',
            name: s.name ?? '',
          },
          s,
        });
      }
    }
    metric(
      'stagecast_source_bitrate_bits_per_second',
      'gauge',
      'RTP bitrate per source over the last stats interval.',
      rows.map((r) => [r.labels, r.s.bitrate]),
    );
    metric(
      'stagecast_source_packets_total',
      'counter',
      'RTP packets sent (outbound) or received (inbound).',
      rows.map((r) => [r.labels, r.s.packets]),
    );
    metric(
      'stagecast_source_packets_lost_total',
      'counter',
      'RTP packets lost (inbound, from rtpsession).',
      rows.filter((r) => r.s.direction === 'inbound').map((r) => [r.labels, r.s.packetsLost]),
    );
    const decoded = rows.filter((r) => r.s.framesDecoded !== undefined);
    metric(
      'stagecast_source_frames_decoded_total',
      'counter',
      'Decoded video frames / audio buffers of a receive branch.',
      decoded.map((r) => [r.labels, r.s.framesDecoded!]),
    );
    metric(
      'stagecast_source_frozen',
      'gauge',
      '1 while a decoding branch produced no frame for 2 s.',
      decoded.map((r) => [r.labels, r.s.frozen ? 1 : 0]),
    );
    metric(
      'stagecast_source_freezes_total',
      'counter',
      'Freezes detected per source.',
      [...this.freezes.values()].map((f) => [{ sid: f.sid, ssrc: f.ssrc, name: f.name ?? '' }, f.count]),
    );
    metric(
      'stagecast_source_keyframe_requests_total',
      'counter',
      'PLI/FIR received for a sent source (rtpsession counts; FIR only where 1.22 counts it).',
      [...this.keyframeRequests.values()].map((k) => [{ sid: k.sid, ssrc: k.ssrc }, k.count]),
    );
    return out.join('\n') + '\n';
  }
}

function formatLabels(labels: Record<string, string | number>): string {
  const parts = Object.entries(labels).map(
    ([k, v]) => `${k}="${String(v).replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')}"`,
  );
  return parts.length ? `{${parts.join(',')}}` : '';
}
function formatValue(v: number): string {
  return Number.isFinite(v) ? String(v) : v > 0 ? '+Inf' : v < 0 ? '-Inf' : 'NaN';
}

export interface MetricsServer {
  /** `http://host:port/metrics` */
  readonly url: string;
  readonly port: number;
  readonly state: MetricsState;
  close(): Promise<void>;
}

/** Start serving `/metrics` for `engine`; resolves once listening. close() is idempotent and unsubscribes. */
export async function createMetricsServer(opts: MetricsServerOptions): Promise<MetricsServer> {
  const parsed = metricsServerOptionsSchema.safeParse(opts);
  if (!parsed.success) throw new MetricsServerError('bad-options', `createMetricsServer: ${parsed.error.message}`);
  const { port, host, staleAfterMs } = parsed.data;
  const state = new MetricsState(staleAfterMs);
  const listeners: [string, (d: never) => void][] = [
    ['heartbeat', (d) => state.onHeartbeat(d)],
    ['stats', (d) => state.onStats(d)],
    ['keyframeRequested', (d) => state.onKeyframe(d)],
    ['freezeStarted', (d) => state.onFreeze(d)],
    ['remoteBranchRemoved', (d) => state.onBranchRemoved(d)],
    ['died', () => (state.up = 0)],
    ['closed', () => (state.up = 0)],
  ];
  const engine = opts.engine as unknown as LooseEvents;
  for (const [e, l] of listeners) engine.on(e, l);
  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: scrape GET /metrics\n');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(state.render());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => {
      for (const [e, l] of listeners) engine.off(e, l);
      reject(
        new MetricsServerError(
          'listen-failed',
          `metrics server cannot listen on ${host}:${port} (${err.message}); pick another port`,
          { cause: err },
        ),
      );
    });
    server.listen(port, host, () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  let closing: Promise<void> | null = null;
  return {
    url: `http://${host}:${actual}/metrics`,
    port: actual,
    state,
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const [e, l] of listeners) engine.off(e, l);
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
