/**
 * connect → first decoded remote frame through the full testbed (Prosody + test focus + forwarding bridge, real
 * GStreamer): a publisher stays in the room; 10 times a receiver starts (engine, pipeline check, XMPP, MUC join,
 * Jingle, ICE/DTLS) and we time until its first decoded video frame of the publisher. Prints numbers; asserts nothing.
 * Run: npx tsx --conditions=@stagecast/source bench/participant-first-frame.ts
 */
import { randomBytes } from 'node:crypto';
import { startParticipant, waitForEvent, type ParticipantHandle } from '@stagecast/participant';
import { startTestbed } from '@stagecast/testbed';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const tb = await startTestbed();
const url = tb.meetingUrl(`bench-${randomBytes(3).toString('hex')}`);
const publisher = await startParticipant({
  meeting: { meetingUrl: url, displayName: 'Publisher' },
  media: { send: { source: { kind: 'test', width: 640, height: 360, framerate: 30 } } },
});
const totals: number[] = [];
const joins: number[] = [];
for (let i = 0; i < 10; i++) {
  const t0 = Date.now();
  let receiver: ParticipantHandle | undefined;
  const firstFrame = new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no frame within 60 s')), 60_000);
    void startParticipant({
      meeting: { meetingUrl: url, displayName: `Receiver ${i}` },
      media: { receive: { mode: 'template', video: 'fakesink sync=false' } },
    }).then(async (r) => {
      receiver = r;
      joins.push(Date.now() - t0);
      await waitForEvent(r, 'firstFrameDecoded', 60_000, (s) => s.media === 'video' && s.participantId === publisher.endpointId);
      clearTimeout(timer);
      resolve(Date.now() - t0);
    }, reject);
  });
  totals.push(await firstFrame);
  await receiver?.close();
  await new Promise((r) => setTimeout(r, 500));
}
console.log(`joined (engine started, pipelines checked, MUC joined) after (ms): ${joins.join(', ')}; median ${median(joins)} ms`);
console.log(`connect → first decoded remote video frame (ms): ${totals.join(', ')}; median ${median(totals)} ms`);
await publisher.close();
await tb.close();
