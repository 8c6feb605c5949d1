import { describe, expect, it } from 'vitest';
import { segmentBitrate } from './segment-bitrate.js';

describe('HLS output bitrate from recent segments', () => {
  it('is bytes over media seconds of the segments closed in the last 20 s, whenever it is read', () => {
    // 2 s segments of 500 kB = 2 Mb/s; read between closes (where a per-interval byte difference would say 0).
    const segs = [0, 2000, 4000].map((atMs) => ({ bytes: 500_000, seconds: 2, atMs }));
    expect(segmentBitrate(segs, 4000)).toBe(2_000_000);
    expect(segmentBitrate(segs, 5500)).toBe(2_000_000);
    // Older than the window: not counted; nothing recent: 0 (a stalled encoder shows 0).
    expect(segmentBitrate(segs, 22_500)).toBe(2_000_000); // only the one closed at 4000 ms left
    expect(segmentBitrate(segs, 30_000)).toBe(0);
    expect(segmentBitrate([], 0)).toBe(0);
    expect(segmentBitrate([{ bytes: 10, seconds: 0, atMs: 0 }], 0)).toBe(0);
  });
});
