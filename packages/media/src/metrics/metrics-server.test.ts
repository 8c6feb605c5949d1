import { afterEach, describe, expect, it } from 'vitest';
import { TypedEmitter } from '../events.js';
import { createMetricsServer, MetricsServerError, type MetricsServer } from './metrics-server.js';

class FakeEvents extends TypedEmitter<Record<string, unknown[]>> {
  emit(event: string, data?: unknown): void {
    this.safeEmit(event, data);
  }
}
const servers: MetricsServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

describe('metrics server', () => {
  it('serves Prometheus text from engine events', async () => {
    const ev = new FakeEvents();
    const m = await createMetricsServer({ port: 0, engine: ev });
    servers.push(m);
    ev.emit('heartbeat', { seq: 0, rssBytes: 123_456_789, cpuUserUs: 2_500_000, sessions: 1 });
    ev.emit('heartbeat', { seq: 1, rssBytes: 123_456_789, cpuUserUs: 2_600_000, sessions: 1, heapUsedBytes: 9_000_000 });
    ev.emit('stats', {
      sid: 's1',
      at: Date.now(),
      sources: [
        {
          ssrc: 5,
          direction: 'outbound',
          media: 'video',
          name: 'me-v0',
          bitrate: 900_000,
          packets: 120,
          packetsLost: 0,
        },
        {
          ssrc: 7,
          direction: 'inbound',
          media: 'video',
          owner: 'ab"c',
          name: 'ab"c-v0',
          bitrate: 1_000_000,
          packets: 300,
          packetsLost: 4,
          framesDecoded: 90,
          frozen: true,
        },
      ],
    });
    ev.emit('keyframeRequested', { sid: 's1', ssrc: 5, pli: 2, fir: 1 });
    ev.emit('freezeStarted', { sid: 's1', ssrc: 7, name: 'ab"c-v0' });
    const res = await fetch(m.url);
    expect(res.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    const text = await res.text();
    expect(text).toContain('stagecast_engine_up 1\n');
    expect(text).toContain('stagecast_engine_heartbeats_total 2\n');
    expect(text).toContain('stagecast_engine_resident_memory_bytes 123456789\n');
    expect(text).toContain('stagecast_engine_js_heap_used_bytes 9000000\n');
    expect(text).toContain('stagecast_engine_cpu_user_seconds_total 2.6\n');
    expect(text).toContain(
      'stagecast_source_bitrate_bits_per_second{sid="s1",ssrc="7",direction="inbound",media="video",owner="ab\\"c",name="ab\\"c-v0"} 1000000',
    );
    expect(text).toContain('stagecast_source_packets_lost_total{sid="s1",ssrc="7"');
    expect(text).not.toContain('stagecast_source_packets_lost_total{sid="s1",ssrc="5"');
    expect(text).toMatch(/stagecast_source_frames_decoded_total\{[^}]*ssrc="7"[^}]*\} 90/);
    expect(text).toMatch(/stagecast_source_frozen\{[^}]*ssrc="7"[^}]*\} 1/);
    expect(text).toContain('stagecast_source_keyframe_requests_total{sid="s1",ssrc="5"} 3');
    expect(text).toContain('stagecast_source_freezes_total{sid="s1",ssrc="7",name="ab\\"c-v0"} 1');
    // every sample line belongs to a declared metric
    const declared = new Set([...text.matchAll(/^# TYPE (\S+)/gm)].map((x) => x[1]));
    for (const line of text.split('\n').filter((l) => l && !l.startsWith('#')))
      expect(declared.has(line.split(/[{ ]/)[0])).toBe(true);

    ev.emit('remoteBranchRemoved', { sid: 's1', ssrc: 7, reason: 'source-removed' });
    ev.emit('died', {});
    const after = await (await fetch(m.url)).text();
    expect(after).toContain('stagecast_engine_up 0\n');
    expect(after).not.toMatch(/stagecast_source_bitrate_bits_per_second\{[^}]*ssrc="7"/);
    expect((await fetch(m.url.replace('/metrics', '/other'))).status).toBe(404);
  });

  it('drops stale sessions, rejects bad options and busy ports with typed errors', async () => {
    const ev = new FakeEvents();
    const m = await createMetricsServer({ port: 0, engine: ev, staleAfterMs: 1 });
    servers.push(m);
    ev.emit('stats', {
      sid: 'old',
      at: 0,
      sources: [{ ssrc: 1, direction: 'outbound', bitrate: 1, packets: 1, packetsLost: 0 }],
    });
    expect(m.state.render(Date.now() + 1000)).not.toContain('sid="old"');
    await expect(createMetricsServer({ port: -1, engine: ev })).rejects.toBeInstanceOf(MetricsServerError);
    await expect(createMetricsServer({ port: m.port, engine: ev })).rejects.toMatchObject({ reason: 'listen-failed' });
    await m.close();
    await m.close(); // idempotent
  });
});
