import { describe, expect, it } from 'vitest';
import { formatPosition, playoutActionEnabled, playoutActions } from './playout-view.js';

describe('playout view helpers', () => {
  it('formats media positions as mm:ss (h:mm:ss past an hour), unknown as --:--', () => {
    expect(formatPosition(0)).toBe('00:00');
    expect(formatPosition(61_999)).toBe('01:01');
    expect(formatPosition(59 * 60_000 + 59_000)).toBe('59:59');
    expect(formatPosition(3_661_000)).toBe('1:01:01');
    expect(formatPosition(null)).toBe('--:--');
    expect(formatPosition(-5)).toBe('--:--');
    expect(formatPosition(Number.NaN)).toBe('--:--');
  });

  it('offers the controls the engine accepts in each state', () => {
    const offered = (state: string | null) => playoutActions.filter((a) => playoutActionEnabled(a, state));
    expect(offered('playing')).toEqual(['pause', 'skip', 'stop', 'restart']);
    expect(offered('paused')).toEqual(['resume', 'skip', 'stop', 'restart']);
    expect(offered('scheduled')).toEqual(['startNow', 'skip', 'stop', 'restart']);
    expect(offered('ended')).toEqual(['startNow', 'stop', 'restart']);
    expect(offered('stopped')).toEqual(['startNow', 'restart']);
    expect(offered(null)).toEqual([]);
  });
});
