import { describe, expect, it } from 'vitest';
import {
  clockTalkFromSchedule,
  countdownTalkAt,
  dueReminders,
  humanDuration,
  nextWakeAt,
  subjectText,
  type ClockTalk,
} from './clock-plan.js';

const T0 = Date.parse('2026-11-21T13:00:00Z');
const talk = (guid: string, startMin: number, durMin = 30, title = `Talk ${guid}`): ClockTalk => ({
  guid,
  title,
  speakers: [],
  startsAtMs: T0 + startMin * 60_000,
  durationSeconds: durMin * 60,
});
const talks = [talk('a', 0), talk('b', 30), talk('c', 90, 30, 'Closing')];
const HOLD = 60_000;

describe('countdownTalkAt', () => {
  it('counts down to the next talk, keeps a just-started talk for the hold, then moves on', () => {
    expect(countdownTalkAt(talks, T0 - 1, HOLD)?.guid).toBe('a');
    expect(countdownTalkAt(talks, T0, HOLD)?.guid).toBe('a'); // "Starting now"
    expect(countdownTalkAt(talks, T0 + HOLD - 1, HOLD)?.guid).toBe('a');
    expect(countdownTalkAt(talks, T0 + HOLD, HOLD)?.guid).toBe('b');
    expect(countdownTalkAt(talks, T0 + 89 * 60_000, HOLD)?.guid).toBe('c');
    expect(countdownTalkAt(talks, T0 + 91 * 60_000, HOLD)).toBeNull();
    expect(countdownTalkAt([], T0, HOLD)).toBeNull();
  });
  it('back-to-back talks: the one that started holds, the next is targeted after the hold', () => {
    const b2b = [talk('x', 0, 10), talk('y', 10, 10)];
    expect(countdownTalkAt(b2b, T0 + 10 * 60_000 + 5_000, HOLD)?.guid).toBe('y');
    expect(countdownTalkAt(b2b, T0 + 10 * 60_000 + HOLD, HOLD)).toBeNull();
  });
});

describe('reminders', () => {
  it('are due from their instant for the grace period, once, never after the start', () => {
    const sent = new Set<string>();
    expect(dueReminders(talks, [300, 60], T0 - 301_000, sent)).toEqual([]);
    const due = dueReminders(talks, [300, 60], T0 - 300_000, sent);
    expect(due.map((d) => d.text)).toEqual(['Next: Talk a starts in 5 minutes']);
    for (const d of due) sent.add(d.key);
    expect(dueReminders(talks, [300, 60], T0 - 299_000, sent)).toEqual([]);
    expect(dueReminders(talks, [300, 60], T0 - 60_000, sent).map((d) => d.text)).toEqual([
      'Next: Talk a starts in 1 minute',
    ]);
    // Started late (past the grace): nothing is announced late.
    expect(dueReminders(talks, [300], T0 - 200_000, new Set())).toEqual([]);
    expect(dueReminders(talks, [30], T0, new Set())).toEqual([]);
  });
  it('formats durations', () => {
    expect([humanDuration(300), humanDuration(60), humanDuration(90), humanDuration(7200), humanDuration(1)]).toEqual([
      '5 minutes',
      '1 minute',
      '90 seconds',
      '2 hours',
      '1 second',
    ]);
  });
});

describe('subjectText', () => {
  it('names the next talk at its local time in the conference zone, with the date when not today', () => {
    expect(subjectText(talks, T0 - 1, 'Europe/Berlin')).toBe('Next: Talk a at 14:00');
    expect(subjectText(talks, T0 + 1, 'America/New_York')).toBe('Next: Talk b at 08:30');
    expect(subjectText([talk('late', 24 * 60)], T0, 'UTC')).toBe('Next: Talk late at 2026-11-22 13:00');
    expect(subjectText(talks, T0 + 200 * 60_000, 'UTC')).toBeNull();
  });
});

describe('nextWakeAt', () => {
  it('wakes at the next start, hold end, reminder or end, capped by the refresh period', () => {
    expect(nextWakeAt(talks, [300, 60], T0 - 400_000, HOLD, 3_600_000)).toBe(T0 - 300_000);
    expect(nextWakeAt(talks, [300, 60], T0 - 60_000, HOLD, 3_600_000)).toBe(T0);
    expect(nextWakeAt(talks, [], T0, HOLD, 3_600_000)).toBe(T0 + HOLD);
    expect(nextWakeAt(talks, [], T0, HOLD, 1000)).toBe(T0 + 1000);
  });
});

describe('clockTalkFromSchedule', () => {
  it('keeps speaker names and the start instant', () => {
    expect(
      clockTalkFromSchedule({
        guid: 'g',
        title: 'T',
        speakers: [{ name: 'Ada' }, { name: '' }],
        start: { epochMs: 5 },
        durationSeconds: 60,
      }),
    ).toEqual({ guid: 'g', title: 'T', speakers: ['Ada'], startsAtMs: 5, durationSeconds: 60 });
  });
});
