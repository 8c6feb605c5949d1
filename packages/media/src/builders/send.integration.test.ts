/**
 * The audio-level header extension (RFC 6464, Jitsi's dominant-speaker input) checked on real packets: our audio chain
 * (level audio-level-meta=true → opusenc → rtpopuspay + the extmap caps) sent over UDP and parsed here.
 */
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { URI_AUDIO_LEVEL } from '../engine/sdp.js';
import { audioChainDescription, rtpCaps } from './send.js';

/** RFC 8285 one-byte header extension → level (0..127 = -dBov) of extension `id`, or null. */
function audioLevel(pkt: Buffer, id: number): number | null {
  if (!((pkt[0]! >> 4) & 1)) return null;
  let o = 12 + (pkt[0]! & 15) * 4;
  if (pkt.readUInt16BE(o) !== 0xbede) return null;
  const end = o + 4 + pkt.readUInt16BE(o + 2) * 4;
  o += 4;
  while (o < end) {
    const b = pkt[o]!;
    if (b === 0) {
      o++;
      continue;
    }
    if (b >> 4 === id) return pkt[o + 1]! & 0x7f;
    o += 2 + (b & 15);
  }
  return null;
}

describe('audio chain writes ssrc-audio-level', () => {
  it('levels arrive in real RTP packets and follow the input volume', async () => {
    const sock = createSocket('udp4');
    await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
    const port = sock.address().port;
    const levels: number[] = [];
    sock.on('message', (m) => {
      const l = audioLevel(m, 1);
      if (l !== null) levels.push(l);
    });
    const chain = audioChainDescription({ input: 'raw', pt: 111, ssrc: 1234 }).description;
    const caps = rtpCaps({
      media: 'audio',
      encodingName: 'OPUS',
      pt: 111,
      clockRate: 48000,
      ssrc: 1234,
      extmaps: { 1: URI_AUDIO_LEVEL },
    });
    const desc = `audiotestsrc is-live=true wave=sine volume=0.3 num-buffers=100 ! ${chain} ! ${caps} ! udpsink host=127.0.0.1 port=${port}`;
    const proc = spawn('gst-launch-1.0', ['-q', ...desc.split(' ')], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((r) => proc.on('exit', r));
    await new Promise((r) => setTimeout(r, 200));
    sock.close();
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(levels.length).toBeGreaterThan(20);
    // a 0.3-amplitude sine is about -13.5 dBov; silence would be 127
    const median = [...levels].sort((a, b) => a - b)[Math.floor(levels.length / 2)]!;
    expect(median).toBeGreaterThanOrEqual(11);
    expect(median).toBeLessThanOrEqual(16);
  }, 30_000);
});
