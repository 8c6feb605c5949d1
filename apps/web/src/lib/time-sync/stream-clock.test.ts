import { describe, expect, it } from 'vitest';
import { frameWallTimeMs, msUntilNextSecond, nativeFrameWallTimeMs, referenceTime } from './stream-clock.js';

const pdt = Date.parse('2025-12-27T10:00:00.000Z');
const fragment = { programDateTimeMs: pdt, startSec: 120, durationSec: 1 };

describe('frameWallTimeMs', () => {
  it('adds the playhead position inside the fragment to its PROGRAM-DATE-TIME', () => {
    expect(frameWallTimeMs(fragment, 120)).toBe(pdt);
    expect(frameWallTimeMs(fragment, 120.75)).toBe(pdt + 750);
  });

  it('is null without a fragment, without PDT, or when the playhead left the fragment', () => {
    expect(frameWallTimeMs(null, 120)).toBeNull();
    expect(frameWallTimeMs({ ...fragment, programDateTimeMs: Number.NaN }, 120)).toBeNull();
    expect(frameWallTimeMs(fragment, 125)).toBeNull();
    expect(frameWallTimeMs(fragment, 110)).toBeNull();
    expect(frameWallTimeMs(fragment, 121.3)).toBe(pdt + 1300); // within the slack
  });

  it('maps native HLS start dates (Safari getStartDate) the same way', () => {
    expect(nativeFrameWallTimeMs(pdt, 2.5)).toBe(pdt + 2500);
    expect(nativeFrameWallTimeMs(Number.NaN, 2.5)).toBeNull();
  });
});

describe('referenceTime', () => {
  it('follows the picture while it plays and reports how far it is behind', () => {
    expect(referenceTime({ frameWallMs: pdt, serverNowMs: pdt + 4200, localNowMs: pdt + 99_000 })).toEqual({
      source: 'stream',
      atMs: pdt,
      videoDelayMs: 4200,
    });
  });

  it('falls back to the server clock without a frame or with an implausible PDT, then to the local clock', () => {
    expect(referenceTime({ frameWallMs: null, serverNowMs: pdt, localNowMs: 0 })).toMatchObject({
      source: 'server',
      atMs: pdt,
    });
    expect(referenceTime({ frameWallMs: pdt - 3_600_000, serverNowMs: pdt, localNowMs: 0 }).source).toBe('server');
    expect(referenceTime({ frameWallMs: null, serverNowMs: null, localNowMs: 5 })).toMatchObject({
      source: 'local',
      atMs: 5,
    });
  });
});

describe('msUntilNextSecond', () => {
  it('waits until just past the next whole second', () => {
    expect(msUntilNextSecond(10_000)).toBe(1002);
    expect(msUntilNextSecond(10_999)).toBe(3);
    expect(msUntilNextSecond(10_250)).toBe(752);
  });
});
