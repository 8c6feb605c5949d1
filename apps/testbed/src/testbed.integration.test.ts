/**
 * The testbed itself: two testbeds on one Prosody each answer only their own rooms (room-prefix claims), and bridge
 * candidates gathered after the offer reach participants as transport-info (the bridge does not wait for gathering),
 * with real media flowing. Real Prosody, test focus, forwarding bridge, GStreamer engines.
 */
import { createParticipant, type JitsiParticipant } from '@stagecast/jitsi';
import { createEngine, type EngineClient, type SourceStats } from '@stagecast/media';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestbed, type Testbed } from './testbed.js';

let one: Testbed;
let two: Testbed;
const closers: (() => Promise<unknown>)[] = [];
beforeAll(async () => {
  // No gathering wait at all: every bridge candidate is "late" and must come as transport-info.
  one = await startTestbed({ bridgeGatherTimeoutMs: 0, singleParticipantTimeoutMs: 60_000 });
  two = await startTestbed({ singleParticipantTimeoutMs: 60_000 });
}, 180_000);
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c().catch(() => {});
});
afterAll(async () => {
  await one?.close();
  await two?.close();
});

async function engine(opts: Parameters<typeof createEngine>[0]): Promise<EngineClient> {
  const e = await createEngine(opts);
  closers.push(() => e.close());
  return e;
}
async function join(
  url: string,
  media: EngineClient,
  send: { audio: boolean; video: boolean },
): Promise<JitsiParticipant> {
  const p = await createParticipant({ meetingUrl: url, media, send, displayName: 'tb-test' });
  closers.push(() => p.close());
  return p;
}
const inboundFrames = (s: SourceStats[]) =>
  s.find((x) => x.direction === 'inbound' && x.media === 'video')?.framesDecoded ?? 0;

describe('testbed', () => {
  it('each testbed answers only its own rooms', async () => {
    expect(one.roomPrefix).not.toBe(two.roomPrefix);
    const seen: string[] = [];
    const offOne = one.focus.on('participantJoined', (room) => seen.push(`one:${room}`));
    const offTwo = two.focus.on('participantJoined', (room) => seen.push(`two:${room}`));
    try {
      const e = await engine({});
      const a = await join(one.meetingUrl('alpha'), e, { audio: false, video: false });
      const b = await join(two.meetingUrl('beta'), e, { audio: false, video: false });
      expect(a.roomJid.startsWith(one.roomName('alpha'))).toBe(true);
      expect(b.roomJid.startsWith(two.roomName('beta'))).toBe(true);
      // The focus emits participantJoined when it sees the occupant's presence, which can come after join() resolved.
      await vi.waitFor(() => expect([...seen].sort()).toEqual([`one:${a.roomJid}`, `two:${b.roomJid}`].sort()), {
        timeout: 15_000,
        interval: 100,
      });
    } finally {
      offOne();
      offTwo();
    }
  }, 120_000);

  it('forwards late bridge candidates as transport-info; media flows without a gathering wait', async () => {
    const sent = new Map<string, number>();
    const off = one.focus.on('transportInfoSent', (_room, nick, n) => sent.set(nick, (sent.get(nick) ?? 0) + n));
    try {
      const url = one.meetingUrl(`late-${Date.now().toString(36)}`);
      const tx = await engine({ media: { send: { source: { kind: 'test', width: 160, height: 120, audio: false } } } });
      const rx = await engine({ media: { receive: { mode: 'template', video: 'fakesink' } } });
      const a = await join(url, tx, { audio: false, video: true });
      const b = await join(url, rx, { audio: false, video: false });
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error('no decoded frames at the receiver within 90 s')), 90_000);
        rx.on('stats', (d) => {
          if (inboundFrames(d.sources) >= 10) {
            clearTimeout(t);
            resolve();
          }
        });
      });
      expect(sent.get(a.endpointId) ?? 0).toBeGreaterThan(0);
      expect(sent.get(b.endpointId) ?? 0).toBeGreaterThan(0);
    } finally {
      off();
    }
  }, 180_000);
});
