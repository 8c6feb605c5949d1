import type { ConferenceWithRoomsAndTalks, PublicTalk } from '@stagecast/db';
import type { DayView, RoomScheduleView, TalkView } from './views.schema.js';

/**
 * Pure functions that turn repository rows into what pages and API clients show. Every date and clock time is
 * computed in the conference's IANA time zone, never the server's, so a Berlin event reads the same from anywhere.
 */

const dayKeyFormats = new Map<string, Intl.DateTimeFormat>();
const timeFormats = new Map<string, Intl.DateTimeFormat>();

function cached(map: Map<string, Intl.DateTimeFormat>, timeZone: string, make: () => Intl.DateTimeFormat) {
  let format = map.get(timeZone);
  if (!format) {
    format = make();
    map.set(timeZone, format);
  }
  return format;
}

/** Calendar date (YYYY-MM-DD) of `instant` in `timeZone`. */
export function dayKey(instant: Date, timeZone: string): string {
  // en-CA formats as YYYY-MM-DD.
  return cached(
    dayKeyFormats,
    timeZone,
    () => new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }),
  ).format(instant);
}

/** 24-hour wall-clock time (HH:mm) of `instant` in `timeZone`. */
export function clockTime(instant: Date, timeZone: string): string {
  return cached(
    timeFormats,
    timeZone,
    () => new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }),
  ).format(instant);
}

/** Human label for a YYYY-MM-DD date, e.g. "Saturday, 27 December 2025". Calendar dates carry no zone: format at UTC noon. */
export function dayLabel(day: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone: 'UTC',
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  }).format(new Date(`${day}T12:00:00Z`));
}

export function toTalkView(talk: PublicTalk, timeZone: string, now: Date): TalkView {
  const endsAt = new Date(talk.startsAt.getTime() + talk.durationSeconds * 1000);
  return {
    id: talk.id,
    title: talk.title,
    subtitle: talk.subtitle,
    speakers: talk.speakers.map((speaker) => speaker.name),
    language: talk.language,
    startsAt: talk.startsAt,
    endsAt,
    durationMinutes: Math.round(talk.durationSeconds / 60),
    day: dayKey(talk.startsAt, timeZone),
    start: clockTime(talk.startsAt, timeZone),
    end: clockTime(endsAt, timeZone),
    isLive: isLiveAt(talk, now),
  };
}

function isLiveAt(talk: PublicTalk, now: Date): boolean {
  const start = talk.startsAt.getTime();
  return start <= now.getTime() && now.getTime() < start + talk.durationSeconds * 1000;
}

/**
 * Talks of one day grouped per room (rooms in repository order); talks without a room go to `unassigned`.
 * `withLive`: also the talks live at `now` that began on an earlier day (a talk running past midnight belongs on
 * "Today" while it runs — the home page would otherwise hide the one thing happening).
 */
export function groupDay(
  conference: ConferenceWithRoomsAndTalks,
  day: string,
  now: Date,
  options: { withLive?: boolean } = {},
): DayView {
  const talks = conference.talks
    .filter((talk) => dayKey(talk.startsAt, conference.timeZone) === day || (options.withLive && isLiveAt(talk, now)))
    .map((talk) => ({ roomId: talk.roomId, view: toTalkView(talk, conference.timeZone, now) }));
  const rooms: RoomScheduleView[] = conference.rooms.map((room) => ({
    slug: room.slug,
    name: room.name,
    talks: talks.filter((t) => t.roomId === room.id).map((t) => t.view),
  }));
  const knownRooms = new Set(conference.rooms.map((room) => room.id));
  const unassigned = talks.filter((t) => t.roomId === null || !knownRooms.has(t.roomId)).map((t) => t.view);
  return { date: day, label: dayLabel(day), rooms, unassigned };
}

/** Sorted distinct days (in the conference zone) on which the conference has talks. */
export function talkDays(conference: ConferenceWithRoomsAndTalks): string[] {
  return [...new Set(conference.talks.map((talk) => dayKey(talk.startsAt, conference.timeZone)))].sort();
}

/**
 * The day the home page shows: today (conference zone) if it has talks or a talk is live (one that began yesterday
 * and runs past midnight), else the next day with talks, else the last one (a past event still shows its final day).
 * Null when the conference has no talks at all.
 */
export function featuredDay(
  conference: ConferenceWithRoomsAndTalks,
  now: Date,
): { date: string; isToday: boolean } | null {
  const days = talkDays(conference);
  const today = dayKey(now, conference.timeZone);
  if (days.includes(today) || conference.talks.some((talk) => isLiveAt(talk, now)))
    return { date: today, isToday: true };
  const date = days.find((day) => day > today) ?? days.at(-1);
  return date === undefined ? null : { date, isToday: false };
}

export function conferencePhase(conference: ConferenceWithRoomsAndTalks, now: Date): 'upcoming' | 'live' | 'past' {
  const today = dayKey(now, conference.timeZone);
  if (today < conference.startsOn) return 'upcoming';
  if (today > conference.endsOn) return 'past';
  return 'live';
}
