/**
 * The countdown as an engine send source (send.source kind `countdown`) on real GStreamer: published through a
 * forwarding bridge, received and decoded by another engine, changed at run time with `countdown.set`; caller
 * mistakes come back as bad-request. The digits themselves are read back with OCR in the in-room clock test
 * (packages/participant/src/clock.integration.test.ts) and the renderer's own integration test.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createEngine } from '../client/create-engine.js';
import type { EngineClient } from '../client/engine-client.js';
import { EngineRequestError } from '../errors.js';
import type { SourceStats } from '../protocol/messages.js';
import { joinForwardingBridge } from './bridge-participant.js';
import { createForwardingBridge } from './forwarding-bridge.js';
import { waitForEvent } from './wait-for.js';

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c().catch(() => {});
});
async function engine(opts: Parameters<typeof createEngine>[0]): Promise<EngineClient> {
  const e = await createEngine(opts);
  closers.push(() => e.close());
  return e;
}
const inbound = (s: SourceStats[], ssrc: number) => s.find((x) => x.direction === 'inbound' && x.ssrc === ssrc);
const rejection = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => e,
  );

describe('countdown send source', () => {
  it('publishes the countdown (video + beeps) through the bridge; countdown.set changes it, mistakes are bad-request', async () => {
    const br = await createForwardingBridge();
    closers.push(() => br.close());
    const style = { width: 320, height: 180, fps: 15, beeps: { enabled: true } };
    const a = await engine({
      media: {
        send: { source: { kind: 'countdown', style, target: { startsAt: Date.now() + 3_600_000, title: 'Keynote' } } },
      },
    });
    const r = await engine({ media: { receive: { mode: 'template', video: 'fakesink', audio: 'fakesink' } } });
    const pa = await joinForwardingBridge({
      bridge: br,
      participant: a,
      endpointId: 'clock0001',
      localSources: [
        { name: 'clock0001-a0', media: 'audio', ssrc: 7101, msid: 'clock0001-audio-0-1 a-1' },
        { name: 'clock0001-v0', media: 'video', ssrc: 7102, msid: 'clock0001-video-0-1 v-1', videoType: 'camera' },
      ],
    });
    expect(pa.answer.localSources.map((s) => s.ssrc).sort()).toEqual([7101, 7102]);
    await joinForwardingBridge({ bridge: br, participant: r, endpointId: 'viewer01', localSources: [] });
    await waitForEvent(r, 'stats', (d) => (inbound(d.sources, 7102)?.framesDecoded ?? 0) >= 20, 90_000);
    await waitForEvent(r, 'stats', (d) => (inbound(d.sources, 7101)?.packets ?? 0) > 20, 60_000);

    // Run-time changes: a new target and a colour change apply; a resolution change needs a new source.
    await a.request('countdown.set', { sid: pa.sid, target: { startsAt: Date.now() + 10_000, title: 'Next one' } });
    await a.request('countdown.set', { sid: pa.sid, style: { ...style, background: '#203040' }, target: null });
    const shape = await rejection(a.request('countdown.set', { sid: pa.sid, style: { ...style, width: 640 } }));
    expect(shape).toBeInstanceOf(EngineRequestError);
    expect(shape).toMatchObject({ reason: 'bad-request' });
    expect(String((shape as Error).message)).toMatch(/create a new one/);
    // Still publishing after the refused change.
    const before = (await waitForEvent(r, 'stats', (d) => !!inbound(d.sources, 7102)))[0];
    const n0 = inbound(before.sources, 7102)?.framesDecoded ?? 0;
    await waitForEvent(r, 'stats', (d) => (inbound(d.sources, 7102)?.framesDecoded ?? 0) >= n0 + 10, 60_000);

    // countdown.set on a session without a countdown source, and an invalid target.
    const noCountdown = await rejection(r.request('countdown.set', { sid: 'sid-viewer01', target: null }));
    expect(noCountdown).toMatchObject({ reason: 'bad-request' });
    expect(String((noCountdown as Error).message)).toMatch(/sends no countdown/);
    const badTarget = await rejection(
      a.request('countdown.set', { sid: pa.sid, target: { startsAt: 'tomorrow' } as never }),
    );
    expect(badTarget).toMatchObject({ reason: 'bad-request' });
  }, 240_000);

  it('refuses a countdown style that cannot be built when the session opens', async () => {
    const a = await engine({});
    const err = await rejection(
      a.request('session.open', {
        sid: 'bad-logo',
        localSources: [],
        send: { source: { kind: 'countdown', style: { logo: { path: '/nonexistent/logo.png' } } } },
      }),
    );
    expect(err).toMatchObject({ reason: 'bad-request' });
    expect(String((err as Error).message)).toMatch(/logo/);
  }, 60_000);
});
