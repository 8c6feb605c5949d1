import { describe, expect, it } from 'vitest';
import { countdownView, type CountdownTalk } from './countdown-view.js';

const T = Date.parse('2025-12-27T13:00:00Z');
const talk = (guid: string, startMs: number, minutes: number): CountdownTalk => ({
  guid,
  title: `Talk ${guid}`,
  speakers: ['Ada'],
  startMs,
  durationSeconds: minutes * 60,
});

describe('countdownView', () => {
  const talks = [talk('a', T, 30), talk('b', T + 45 * 60_000, 30)];

  it('counts down HH:MM:SS to the next talk, rounding up to whole seconds', () => {
    expect(countdownView(talks, T - 3_723_000)).toMatchObject({ display: '01:02:03', kind: 'counting' });
    expect(countdownView(talks, T - 1).display).toBe('00:00:01');
    expect(countdownView(talks, T - 1000).display).toBe('00:00:01');
    expect(countdownView(talks, T - 1001).display).toBe('00:00:02');
    expect(countdownView(talks, T - 5000).target?.guid).toBe('a');
  });

  it('says "Starting now" exactly at the start and for the first minute, then counts to the next talk', () => {
    expect(countdownView(talks, T)).toMatchObject({ display: 'Starting now', kind: 'starting' });
    expect(countdownView(talks, T).now?.guid).toBe('a');
    expect(countdownView(talks, T).next?.guid).toBe('b');
    expect(countdownView(talks, T + 59_999).display).toBe('Starting now');
    expect(countdownView(talks, T + 60_000)).toMatchObject({ display: '00:44:00', kind: 'counting' });
    expect(countdownView(talks, T + 60_000).target?.guid).toBe('b');
  });

  it('shows the live talk after the last start and a rest message when the day is over or empty', () => {
    expect(countdownView(talks, T + 50 * 60_000)).toMatchObject({ display: 'Live now', kind: 'live' });
    expect(countdownView(talks, T + 80 * 60_000)).toMatchObject({ kind: 'done', now: null, next: null });
    expect(countdownView([], T).kind).toBe('empty');
  });
});
