import { describe, expect, it } from 'vitest';
import { slotFit } from './talk-view.js';

describe('slotFit', () => {
  it('compares the video with its slot, with 5 s tolerance', () => {
    expect(slotFit(30 * 60_000, 1800)).toEqual({ slotFit: 'fits', slotDeltaSeconds: 0 });
    expect(slotFit(30 * 60_000 + 4_000, 1800)).toEqual({ slotFit: 'fits', slotDeltaSeconds: 4 });
    expect(slotFit(31 * 60_000, 1800)).toEqual({ slotFit: 'longer', slotDeltaSeconds: 60 });
    expect(slotFit(3_000, 45 * 60)).toEqual({ slotFit: 'shorter', slotDeltaSeconds: -2697 });
  });
});
