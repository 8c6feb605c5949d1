import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SpeakerTracker } from './speaker-tracker.js';

describe('SpeakerTracker (hysteresis)', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('takes the first speaker at once, then needs confirmMs of dominance and minHoldMs since the last cut', () => {
    const cuts: string[] = [];
    const t = new SpeakerTracker((ep) => cuts.push(ep), { confirmMs: 1000, minHoldMs: 4000, now: () => Date.now() });
    t.observe('a');
    expect(cuts).toEqual(['a']);
    t.observe('b');
    vi.advanceTimersByTime(1500);
    expect(cuts).toEqual(['a']); // hold: 4 s since the cut to a
    vi.advanceTimersByTime(2600);
    expect(cuts).toEqual(['a', 'b']);
    // Flapping b → c → b within confirmMs: no cut to c.
    vi.advanceTimersByTime(5000);
    t.observe('c');
    vi.advanceTimersByTime(500);
    t.observe('b');
    vi.advanceTimersByTime(5000);
    expect(cuts).toEqual(['a', 'b']);
    t.observe('c');
    vi.advanceTimersByTime(1000);
    expect(cuts).toEqual(['a', 'b', 'c']);
    t.close();
  });

  it('forgets a speaker who left', () => {
    const cuts: string[] = [];
    const t = new SpeakerTracker((ep) => cuts.push(ep), { confirmMs: 1000, minHoldMs: 0 });
    t.observe('a');
    t.observe('b');
    t.forget('b');
    vi.advanceTimersByTime(2000);
    expect(cuts).toEqual(['a']);
    t.forget('a');
    expect(t.current).toBeUndefined();
    t.observe('c');
    expect(cuts).toEqual(['a', 'c']);
  });
});
