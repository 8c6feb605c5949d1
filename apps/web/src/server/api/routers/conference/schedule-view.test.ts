import { describe, expect, it } from 'vitest';
import { berlinConference } from '../../testing/fake-context.js';
import { clockTime, conferencePhase, dayKey, dayLabel, featuredDay, groupDay, talkDays } from './schedule-view.js';

describe('time zone helpers', () => {
  it('uses the conference zone, not UTC or the server zone', () => {
    const instant = new Date('2025-12-27T23:30:00Z');
    expect(dayKey(instant, 'Europe/Berlin')).toBe('2025-12-28');
    expect(dayKey(instant, 'America/New_York')).toBe('2025-12-27');
    expect(clockTime(instant, 'Europe/Berlin')).toBe('00:30');
    expect(clockTime(instant, 'Asia/Kolkata')).toBe('05:00');
    // Summer time: Berlin is UTC+2 in July.
    expect(clockTime(new Date('2025-07-01T08:00:00Z'), 'Europe/Berlin')).toBe('10:00');
    expect(dayLabel('2025-12-27')).toBe('Saturday, 27 December 2025');
  });
});

describe('schedule grouping', () => {
  const conference = berlinConference();
  const now = new Date('2025-12-27T10:30:00Z');

  it('lists days with talks in order, splitting at local midnight', () => {
    expect(talkDays(conference)).toEqual(['2025-12-27', '2025-12-28']);
  });

  it('groups a day per room, keeps empty rooms, collects talks without a room, marks the live talk', () => {
    const day1 = groupDay(conference, '2025-12-27', now);
    expect(day1.rooms.map((room) => [room.slug, room.talks.map((t) => t.title)])).toEqual([
      ['saal-1', ['Morning keynote']],
      ['saal-2', ['Afternoon']],
    ]);
    expect(day1.unassigned).toEqual([]);
    const keynote = day1.rooms[0]?.talks[0];
    expect(keynote).toMatchObject({
      start: '11:00',
      end: '12:00',
      durationMinutes: 60,
      isLive: true,
      speakers: ['Speaker t1'],
    });
    expect(day1.rooms[1]?.talks[0]?.isLive).toBe(false);

    const day2 = groupDay(conference, '2025-12-28', now);
    expect(day2.rooms[0]?.talks.map((t) => [t.title, t.start])).toEqual([['After midnight', '00:30']]);
    expect(day2.rooms[1]?.talks).toEqual([]);
    expect(day2.unassigned.map((t) => t.title)).toEqual(['Room TBA']);
  });

  it('features today, else the next day with talks, else the last one', () => {
    expect(featuredDay(conference, now)).toEqual({ date: '2025-12-27', isToday: true });
    expect(featuredDay(conference, new Date('2025-12-20T12:00:00Z'))).toEqual({ date: '2025-12-27', isToday: false });
    // 23:10 UTC on the 27th is already the 28th in Berlin.
    expect(featuredDay(conference, new Date('2025-12-27T23:10:00Z'))).toEqual({ date: '2025-12-28', isToday: true });
    expect(featuredDay(conference, new Date('2026-01-05T12:00:00Z'))).toEqual({ date: '2025-12-28', isToday: false });
    expect(featuredDay({ ...conference, talks: [] }, now)).toBeNull();
  });

  it('keeps a talk running past midnight on "Today" while it is live', () => {
    const base = berlinConference();
    const late = { ...base.talks[1]!, id: 't9', title: 'Late night', startsAt: new Date('2025-12-27T21:30:00Z') };
    const overnight = { ...base, talks: [...base.talks, { ...late, durationSeconds: 2 * 3600 }] }; // 22:30–00:30
    const afterMidnight = new Date('2025-12-27T23:10:00Z'); // 00:10 on the 28th in Berlin
    const featured = featuredDay(overnight, afterMidnight);
    expect(featured).toEqual({ date: '2025-12-28', isToday: true });
    const today = groupDay(overnight, featured!.date, afterMidnight, { withLive: true });
    expect(today.rooms[1]?.talks.map((t) => [t.title, t.start, t.end, t.isLive])).toEqual([
      ['Late night', '22:30', '00:30', true],
    ]);
    // The full schedule still lists it once, on the day it starts.
    expect(groupDay(overnight, '2025-12-28', afterMidnight).rooms[1]?.talks).toEqual([]);
    // A conference whose only talk runs past midnight: today is featured while it runs, not "Next up".
    const only = { ...base, talks: [{ ...late, durationSeconds: 2 * 3600 }] };
    expect(featuredDay(only, afterMidnight)).toEqual({ date: '2025-12-28', isToday: true });
    expect(featuredDay(only, new Date('2025-12-27T23:40:00Z'))).toEqual({ date: '2025-12-27', isToday: false });
  });

  it('derives the phase from the conference dates in its zone', () => {
    expect(conferencePhase(conference, new Date('2025-12-26T22:59:00Z'))).toBe('upcoming');
    expect(conferencePhase(conference, new Date('2025-12-26T23:00:00Z'))).toBe('live');
    expect(conferencePhase(conference, new Date('2025-12-28T22:59:00Z'))).toBe('live');
    expect(conferencePhase(conference, new Date('2025-12-28T23:00:00Z'))).toBe('past');
  });
});
