/** The metrics endpoint fed by a real engine that receives media through the testbed bridge. */
import { afterEach, describe, expect, it } from 'vitest';
import { createEngine } from '../client/create-engine.js';
import { joinForwardingBridge } from '../testing/bridge-participant.js';
import { createForwardingBridge } from '../testing/forwarding-bridge.js';
import { createMetricsServer } from './metrics-server.js';

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c().catch(() => {});
});

async function scrapeUntil(url: string, pattern: RegExp, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    last = await (await fetch(url)).text();
    if (pattern.test(last)) return last;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`metrics never matched ${pattern} within ${timeoutMs} ms; last scrape:\n${last}`);
}

describe('metrics endpoint with a real engine', () => {
  it('shows engine health and per-source decoded frames', async () => {
    const br = await createForwardingBridge();
    closers.push(() => br.close());
    const a = await createEngine({
      media: { send: { source: { kind: 'test', width: 160, height: 120, audio: false } } },
    });
    closers.push(() => a.close());
    const r = await createEngine({ media: { receive: { mode: 'template', video: 'fakesink sync=false' } } });
    closers.push(() => r.close());
    const m = await createMetricsServer({ port: 0, host: '127.0.0.1', engine: r });
    closers.push(() => m.close());
    await joinForwardingBridge({
      bridge: br,
      participant: a,
      endpointId: 'metrics1',
      localSources: [
        { name: 'metrics1-v0', media: 'video', ssrc: 4711, msid: 'metrics1-video-0-1 m-1', videoType: 'camera' },
      ],
    });
    await joinForwardingBridge({ bridge: br, participant: r, endpointId: 'metrics2', localSources: [] });
    const text = await scrapeUntil(
      m.url,
      /stagecast_source_frames_decoded_total\{[^}]*ssrc="4711"[^}]*\} ([3-9]\d|\d{3,})/,
      90_000,
    );
    expect(text).toMatch(/stagecast_engine_resident_memory_bytes \d{7,}/);
    expect(text).toMatch(
      /stagecast_source_bitrate_bits_per_second\{sid="sid-metrics2",ssrc="4711",direction="inbound",media="video",owner="metrics1",name="metrics1-v0"\} [1-9]/,
    );
    expect(text).toMatch(/stagecast_source_frozen\{[^}]*ssrc="4711"[^}]*\} 0/);
    await r.close();
    expect(await (await fetch(m.url)).text()).toContain('stagecast_engine_up 0');
  }, 180_000);
});
