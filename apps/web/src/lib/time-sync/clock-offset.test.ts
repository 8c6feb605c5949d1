import { describe, expect, it } from 'vitest';
import { ClockOffsetError, estimateOffset, sampleOffsetMs, type ClockSample } from './clock-offset.js';

/** A server `trueOffset` ahead of the client, answering `serverAt` (0..1) of the way through each round trip. */
function sample(sentAtMs: number, rttMs: number, trueOffset: number, serverAt = 0.5): ClockSample {
  return { sentAtMs, receivedAtMs: sentAtMs + rttMs, serverTimeMs: sentAtMs + rttMs * serverAt + trueOffset };
}

describe('estimateOffset', () => {
  it('recovers the offset exactly from a symmetric round trip', () => {
    expect(sampleOffsetMs(sample(1000, 40, 5000))).toBe(5000);
    expect(estimateOffset([sample(1000, 40, -2500)])).toMatchObject({ offsetMs: -2500, rttMs: 40, uncertaintyMs: 20 });
  });

  it('prefers the fastest samples and ignores slow, asymmetric ones', () => {
    const samples = [
      sample(0, 900, 1000, 0.95), // connection setup, answered late: offset off by +405 ms
      sample(1000, 12, 1000, 0.6),
      sample(2000, 10, 1000, 0.4),
      sample(3000, 300, 1000, 0.1), // slow response: off by −120 ms
      sample(4000, 11, 1000, 0.5),
    ];
    const estimate = estimateOffset(samples);
    expect(estimate.used).toBe(3);
    expect(estimate.samples).toBe(5);
    expect(Math.abs(estimate.offsetMs - 1000)).toBeLessThanOrEqual(estimate.uncertaintyMs);
    expect(estimate.rttMs).toBe(10);
  });

  it('the error never exceeds half the best RTT wherever the server read its clock', () => {
    for (const at of [0, 0.25, 0.5, 0.75, 1]) {
      const estimate = estimateOffset([sample(0, 80, 42, at)], { keep: 1 });
      expect(Math.abs(estimate.offsetMs - 42)).toBeLessThanOrEqual(estimate.uncertaintyMs);
    }
  });

  it('skips invalid samples and throws a typed error when none is left', () => {
    const bad = [
      { sentAtMs: 10, receivedAtMs: 5, serverTimeMs: 7 },
      { sentAtMs: 0, receivedAtMs: 1, serverTimeMs: Number.NaN },
    ];
    expect(() => estimateOffset(bad)).toThrow(ClockOffsetError);
    expect(estimateOffset([...bad, sample(0, 20, 300)]).offsetMs).toBe(300);
  });
});
