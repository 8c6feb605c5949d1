import { describe, expect, it } from 'vitest';
import { createStatusWriter, formatBitrate, formatStatus } from './status-line.js';

describe('status line', () => {
  it('formats state, participants and per-source bitrates', () => {
    expect(formatBitrate(1_234_567)).toBe('1.2 Mb/s');
    expect(formatBitrate(48_400)).toBe('48 kb/s');
    const text = formatStatus({
      state: 'joined',
      room: 'demo',
      endpointId: 'ab12cd34',
      participants: 1,
      stats: {
        at: 0,
        engineRssBytes: 100 * 1048576,
        sources: [
          { ssrc: 1, direction: 'inbound', media: 'video', owner: 'ffff0000', nick: 'Alice', name: 'ffff0000-v0', bitrate: 800_000, packets: 1, packetsLost: 0 },
          { ssrc: 2, direction: 'inbound', media: 'audio', owner: 'jvb', name: 'jvb-a0', bitrate: 0, packets: 0, packetsLost: 0 },
          { ssrc: 3, direction: 'outbound', media: 'video', bitrate: 1_500_000, packets: 1, packetsLost: 0, frozen: false },
        ],
      },
    });
    expect(text).toBe('joined demo as ab12cd34 | 1 other participant | in: Alice/v0 800 kb/s | out: video 1.5 Mb/s | engine 100 MB');
  });

  it('rewrites in place on a TTY and prints throttled plain lines otherwise', () => {
    const tty: string[] = [];
    const w = createStatusWriter({ write: (s: string) => tty.push(s), isTTY: true });
    w.update({ state: 'joining', participants: 0 });
    w.event('participant joined: Bob');
    expect(tty.join('')).toBe('\r\x1b[2Kjoining | 0 other participants\r\x1b[2Kparticipant joined: Bob\njoining | 0 other participants');
    const plain: string[] = [];
    const p = createStatusWriter({ write: (s: string) => plain.push(s) }, 60_000);
    p.update({ state: 'joined', room: 'r', endpointId: 'e', participants: 0 });
    p.update({ state: 'joined', room: 'r', endpointId: 'e', participants: 1 }); // throttled
    p.event('left the room');
    expect(plain).toEqual(['status: joined r as e | 0 other participants\n', 'left the room\n']);
  });
});
