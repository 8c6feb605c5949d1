import { describe, expect, it } from 'vitest';
import { receiverConstraints } from './receive-constraints.js';
import { backoffRestartPolicy } from './restart-policy.js';

describe('receiverConstraints', () => {
  it('always sends defaultConstraints (JVB assumes 180p without) and last-N', () => {
    expect(receiverConstraints()).toEqual({ lastN: -1, defaultConstraints: { maxHeight: 720 } });
    expect(receiverConstraints({ maxHeight: 360, lastN: 2 })).toEqual({ lastN: 2, defaultConstraints: { maxHeight: 360 } });
  });

  it('keys selected endpoints by source name (camera and screen share), never by endpoint id', () => {
    const c = receiverConstraints({ maxHeight: 1080, selectedEndpoints: ['ab12cd34', 'ab12cd34'] });
    expect(c.selectedSources).toEqual(['ab12cd34-v0', 'ab12cd34-v1']);
    expect(c.onStageSources).toEqual(['ab12cd34-v0', 'ab12cd34-v1']);
    expect(c.constraints).toEqual({ 'ab12cd34-v0': { maxHeight: 1080 }, 'ab12cd34-v1': { maxHeight: 1080 } });
  });
});

describe('backoffRestartPolicy', () => {
  it('backs off exponentially with a cap and gives up after maxRestarts in the window', () => {
    const p = backoffRestartPolicy({ maxRestarts: 3, baseDelayMs: 100, maxDelayMs: 350, jitter: 0 });
    expect([0, 1, 2, 3].map((attempt) => p.nextDelayMs({ recent: 0, attempt }))).toEqual([100, 200, 350, 350]);
    expect(p.nextDelayMs({ recent: 2, attempt: 0 })).toBe(100);
    expect(p.nextDelayMs({ recent: 3, attempt: 0 })).toBeNull();
  });

  it('adds bounded jitter', () => {
    const p = backoffRestartPolicy({ baseDelayMs: 1000, jitter: 0.5 });
    for (let i = 0; i < 20; i++) {
      const d = p.nextDelayMs({ recent: 0, attempt: 0 })!;
      expect(d).toBeGreaterThanOrEqual(1000);
      expect(d).toBeLessThanOrEqual(1500);
    }
  });
});
