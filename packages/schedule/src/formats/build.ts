/**
 * Format-neutral normalisation: the XML and JSON readers turn documents into `RawSchedule` (strings plus source
 * locations); this module validates them and builds the model, so every format gets the same rules and messages.
 */
import { IssueCollector, type ScheduleFormat, type ScheduleIssue, type ScheduleParseReason } from '../errors.js';
import { deriveGuid } from '../guid.js';
import { scheduleSchema, type Day, type Schedule, type ScheduleWarning, type Speaker, type Talk } from '../model.js';
import {
  formatOffset,
  formatWall,
  isValidTimeZone,
  parseClock,
  parseDate,
  parseDateTime,
  parseDuration,
  toUtcIso,
  wallTimeIn,
  wallToInstant,
  wallToUtcMs,
  zoneOffsetMinutes,
  type WallTime,
} from '../time.js';

export interface SourceLoc {
  path: string;
  line?: number;
  column?: number;
}
/** A scalar read from the document; `value` is null when absent, null or empty. */
export interface RawText {
  value: string | null;
  loc: SourceLoc;
}
export type EventField =
  | 'guid'
  | 'id'
  | 'code'
  | 'date'
  | 'start'
  | 'duration'
  | 'room'
  | 'slug'
  | 'title'
  | 'subtitle'
  | 'track'
  | 'type'
  | 'language'
  | 'abstract'
  | 'description'
  | 'url'
  | 'optout';
export interface RawEvent {
  loc: SourceLoc;
  /** Index into RawSchedule.days of the day element the event is listed under. */
  dayRef: number;
  /** Room the event is listed under (XML `<room name>`, JSON `days[].rooms` key). */
  containerRoom: string;
  fields: Record<EventField, RawText>;
  persons: { name: string | null; id: string | null; loc: SourceLoc }[];
}
export interface RawDay {
  loc: SourceLoc;
  index: RawText;
  date: RawText;
  start: RawText;
  end: RawText;
}
export interface RawSchedule {
  version: string | null;
  generator: { name: string; version: string | null } | null;
  conference: { loc: SourceLoc; title: RawText; acronym: RawText; timeZone: RawText; dayChange: RawText };
  days: RawDay[];
  rooms: { name: string; guid: string | null; loc: SourceLoc }[];
  events: RawEvent[];
}

export interface BuildOptions {
  /** Used when the document has no `time_zone_name` (old wafer exports). */
  defaultTimeZone?: string | undefined;
  /** Stop keeping issues after this many (the rest are counted). */
  maxIssues: number;
}

const EXAMPLES: Partial<Record<EventField, string>> = {
  date: 'an ISO 8601 date-time with offset, e.g. "2025-06-12T10:30:00+02:00"',
  duration: 'HH:MM or HH:MM:SS, e.g. "00:45" or "01:30:00"',
  start: 'HH:MM, e.g. "10:30"',
  url: 'an absolute http(s) URL, e.g. "https://example.org/talk/ABC123/"',
  optout: 'true or false',
};

export function normalisedText(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const t = value.trim();
  return t === '' ? null : t;
}

/** `issues` may already hold problems the reader found (JSON type errors); all are thrown together. */
export function buildSchedule(
  raw: RawSchedule,
  format: ScheduleFormat,
  options: BuildOptions,
  issues: IssueCollector = new IssueCollector(options.maxIssues),
): Schedule {
  const warnings: ScheduleWarning[] = [];
  const issue = (reason: ScheduleParseReason, loc: SourceLoc, message: string): void =>
    issues.add({ reason, path: loc.path, ...lineCol(loc), message } satisfies ScheduleIssue);
  const warn = (code: ScheduleWarning['code'], loc: SourceLoc, message: string): void => {
    warnings.push({ code, path: loc.path, ...(loc.line === undefined ? {} : { line: loc.line }), message });
  };

  // Conference.
  const c = raw.conference;
  const title = normalisedText(c.title.value);
  if (title === null) issue('missing-field', c.title.loc, 'the conference has no title; add <title> / "title".');
  const tzText = normalisedText(c.timeZone.value) ?? options.defaultTimeZone ?? null;
  let timeZone: string | null = null;
  if (tzText === null) {
    issue(
      'missing-field',
      c.timeZone.loc,
      'the conference has no time_zone_name; add one (an IANA zone such as "Europe/Berlin") or pass options.defaultTimeZone.',
    );
  } else if (!isValidTimeZone(tzText)) {
    issue(
      'unknown-time-zone',
      c.timeZone.loc,
      `time_zone_name "${tzText}" is not an IANA time zone; use a name like "Europe/Berlin" or "America/St_Johns".`,
    );
  } else timeZone = tzText;
  const dayChange = c.dayChange.value === null ? null : parseClock(c.dayChange.value);

  // Reads a datetime: offset inside the string wins; naive values are placed in the conference zone.
  const readInstant = (text: RawText, label: string): { epochMs: number; wall: WallTime; offset: number } | null => {
    const parsed = parseDateTime(text.value ?? '');
    if (!parsed) {
      issue('invalid-field', text.loc, `${label} "${text.value}" is not ${EXAMPLES.date}.`);
      return null;
    }
    if (parsed.offsetMinutes !== null) {
      const epochMs = wallToUtcMs(parsed.wall) - parsed.offsetMinutes * 60_000;
      return { epochMs, wall: parsed.wall, offset: parsed.offsetMinutes };
    }
    if (timeZone === null) return null; // the time-zone issue is already reported
    return fromWall(parsed.wall, text.loc, `${label} "${text.value}" has no UTC offset`, 'naive-date');
  };
  const fromWall = (
    wall: WallTime,
    loc: SourceLoc,
    why: string,
    code: 'naive-date' | 'derived-date',
  ): { epochMs: number; wall: WallTime; offset: number } => {
    const tz = timeZone!;
    const { epochMs, resolution } = wallToInstant(wall, tz);
    warn(code, loc, `${why}; read as local time in ${tz}. Export dates with offsets to be unambiguous.`);
    if (resolution === 'ambiguous')
      warn('ambiguous-local-time', loc, `${formatWall(wall)} occurs twice in ${tz} (DST ends); took the first.`);
    if (resolution === 'nonexistent')
      warn('nonexistent-local-time', loc, `${formatWall(wall)} does not exist in ${tz} (DST starts); moved forward.`);
    const offset = zoneOffsetMinutes(epochMs, tz);
    return { epochMs, wall: wallTimeIn(epochMs, tz), offset };
  };

  // Days.
  const days: (Day & { dayStartMinutes: number | null })[] = [];
  const dayOk: boolean[] = [];
  const seenDayIndex = new Map<number, SourceLoc>();
  for (const d of raw.days) {
    const idxText = normalisedText(d.index.value);
    const index = idxText !== null && /^-?\d{1,6}$/.test(idxText) ? Number(idxText) : null;
    if (index === null)
      issue('invalid-field', d.index.loc, `day index "${d.index.value ?? ''}" must be an integer like 1.`);
    else if (seenDayIndex.has(index))
      issue(
        'invalid-field',
        d.index.loc,
        `day index ${index} repeats (first at line ${seenDayIndex.get(index)?.line}); make day indexes unique.`,
      );
    else seenDayIndex.set(index, d.index.loc);
    const dateText = normalisedText(d.date.value);
    const date = dateText === null ? null : parseDate(dateText);
    if (date === null)
      issue(
        dateText === null ? 'missing-field' : 'invalid-field',
        d.date.loc,
        `day date "${dateText ?? ''}" must be YYYY-MM-DD, e.g. "2025-06-12".`,
      );
    const start = normalisedText(d.start.value) === null ? null : readInstant(d.start, 'day start');
    const end = normalisedText(d.end.value) === null ? null : readInstant(d.end, 'day end');
    dayOk.push(index !== null && date !== null);
    days.push({
      index: index ?? 0,
      date: dateText ?? '',
      startUtc: start ? toUtcIso(start.epochMs) : null,
      endUtc: end ? toUtcIso(end.epochMs) : null,
      dayStartMinutes: start ? start.wall.hour * 60 + start.wall.minute : dayChange,
    });
  }

  // Events.
  const conferenceKey = normalisedText(c.acronym.value) ?? title ?? '';
  const idCounts = new Map<string, number>();
  for (const e of raw.events) {
    const id = normalisedText(e.fields.id.value);
    if (id !== null) idCounts.set(id, (idCounts.get(id) ?? 0) + 1);
  }
  const talks: Talk[] = [];
  const seenGuids = new Map<string, SourceLoc>();
  for (const e of raw.events) {
    const f = e.fields;
    const text = (field: EventField): string | null => normalisedText(f[field].value);
    const before = issues.count;
    const talkTitle = text('title');
    if (talkTitle === null) issue('missing-field', f.title.loc, 'the event has no title; add <title> / "title".');
    const durationText = text('duration');
    const durationSeconds = durationText === null ? null : parseDuration(durationText);
    if (durationText === null)
      issue('missing-field', f.duration.loc, `the event has no duration; add one as ${EXAMPLES.duration}.`);
    else if (durationSeconds === null)
      issue('invalid-field', f.duration.loc, `duration "${durationText}" is not ${EXAMPLES.duration}.`);

    const day = days[e.dayRef];
    const startText = text('start');
    const startClock = startText === null ? null : parseClock(startText);
    let at: { epochMs: number; wall: WallTime; offset: number } | null = null;
    if (text('date') !== null) at = readInstant(f.date, 'date');
    else if (startClock !== null && day && dayOk[e.dayRef] && timeZone !== null) {
      // No absolute date: day date + start, moved to the next calendar day when before the day's start time.
      const base = parseDate(day.date)!;
      const nextDay = day.dayStartMinutes !== null && startClock < day.dayStartMinutes;
      const dayMs = wallToUtcMs(base) + (nextDay ? 86_400_000 : 0);
      const d = new Date(dayMs);
      const wall = {
        year: d.getUTCFullYear(),
        month: d.getUTCMonth() + 1,
        day: d.getUTCDate(),
        hour: Math.floor(startClock / 60),
        minute: startClock % 60,
        second: 0,
        millisecond: 0,
      };
      at = fromWall(wall, f.date.loc, 'the event has no date, derived it from the day date and start', 'derived-date');
    } else {
      issue('missing-field', f.date.loc, `the event has no date; add ${EXAMPLES.date}.`);
    }
    if (at && startText !== null) {
      if (startClock === null || startClock !== at.wall.hour * 60 + at.wall.minute)
        warn('start-mismatch', f.start.loc, `start "${startText}" disagrees with date; used the date.`);
    }
    if (at && timeZone !== null && zoneOffsetMinutes(at.epochMs, timeZone) !== at.offset)
      warn(
        'offset-mismatch',
        f.date.loc,
        `the offset ${formatOffset(at.offset)} differs from ${timeZone} at that instant; trusted the offset.`,
      );

    const roomText = text('room');
    if (e.containerRoom === '')
      issue('missing-field', f.room.loc, 'the event is in a room without a name; give the <room> a name="…" / key.');
    if (roomText !== null && roomText !== e.containerRoom)
      warn(
        'room-mismatch',
        f.room.loc,
        `event room "${roomText}" differs from its container room "${e.containerRoom}"; used the container.`,
      );

    const urlText = text('url');
    let url: string | null = null;
    if (urlText !== null) {
      try {
        const u = new URL(urlText);
        if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('scheme');
        url = u.href;
      } catch {
        issue('invalid-field', f.url.loc, `url "${urlText}" is not ${EXAMPLES.url}.`);
      }
    }
    const optText = text('optout')?.toLowerCase() ?? null;
    const recordingOptOut = optText === 'true' || optText === '1' || optText === 'yes';
    if (optText !== null && !['true', 'false', '1', '0', 'yes', 'no'].includes(optText))
      issue('invalid-field', f.optout.loc, `recording opt-out "${optText}" must be ${EXAMPLES.optout}.`);

    const speakers: Speaker[] = [];
    for (const p of e.persons) {
      const name = normalisedText(p.name);
      if (name === null) warn('speaker-without-name', p.loc, 'a person has no name; left out of the speakers.');
      else speakers.push({ name, id: normalisedText(p.id) });
    }

    // Explicit guids are checked for duplicates even when the event has other problems.
    const explicitGuid = text('guid');
    if (explicitGuid !== null) {
      const first = seenGuids.get(explicitGuid);
      if (first) {
        issue(
          'duplicate-guid',
          f.guid.loc,
          `guid ${explicitGuid} is used twice (first at ${first.line === undefined ? first.path : `line ${first.line}`}); every event needs its own guid.`,
        );
        continue;
      }
      seenGuids.set(explicitGuid, f.guid.loc);
    }
    if (issues.count > before || at === null || talkTitle === null || durationSeconds === null) continue;
    const startUtc = toUtcIso(at.epochMs);
    const id = text('id');
    let guid = explicitGuid;
    if (guid === null) {
      guid = deriveGuid({
        conference: conferenceKey,
        externalId: id,
        idIsUnique: id !== null && idCounts.get(id) === 1,
        startUtc,
        room: e.containerRoom,
        title: talkTitle,
      });
      if (seenGuids.has(guid)) {
        issue(
          'duplicate-guid',
          e.loc,
          `this event has no guid and repeats id, start and room of another; give it a guid.`,
        );
        continue;
      }
      seenGuids.set(guid, e.loc);
      warn('derived-guid', e.loc, `the event has no guid; derived ${guid} (stable while its id stays the same).`);
    }
    talks.push({
      guid,
      guidDerived: explicitGuid === null,
      externalId: id ?? text('code') ?? text('slug') ?? guid,
      code: text('code'),
      slug: text('slug'),
      title: talkTitle,
      subtitle: text('subtitle'),
      speakers,
      room: e.containerRoom,
      start: { utc: startUtc, epochMs: at.epochMs, local: formatWall(at.wall), utcOffset: formatOffset(at.offset) },
      durationSeconds,
      dayIndex: day?.index ?? 0,
      language: text('language'),
      track: text('track'),
      type: text('type'),
      recordingOptOut,
      url,
      abstract: text('abstract'),
      description: text('description'),
    });
  }
  issues.throwIfAny(format);

  const roomByName = new Map<string, { name: string; guid: string | null }>();
  for (const r of raw.rooms) {
    const known = roomByName.get(r.name);
    if (!known) roomByName.set(r.name, { name: r.name, guid: r.guid });
    else if (known.guid === null) known.guid = r.guid;
    else if (r.guid !== null && r.guid !== known.guid)
      warn(
        'room-guid-conflict',
        r.loc,
        `room "${r.name}" has guid ${r.guid} here but ${known.guid} elsewhere; kept the first.`,
      );
  }
  talks.sort((a, b) => a.start.epochMs - b.start.epochMs || cmp(a.room, b.room) || cmp(a.guid, b.guid));
  const result = scheduleSchema.safeParse({
    format,
    version: normalisedText(raw.version),
    generator: raw.generator,
    conference: {
      title: title!,
      acronym: normalisedText(c.acronym.value),
      timeZone: timeZone!,
      days: days.map(({ dayStartMinutes: _d, ...d }) => d),
    },
    rooms: [...roomByName.values()],
    talks,
    warnings,
  });
  if (!result.success) {
    // Unreachable unless the rules above miss a case: still a typed error, never a raw ZodError.
    for (const zi of result.error.issues)
      issue(
        'invalid-field',
        { path: zi.path.join('.') },
        `normalised value is invalid (${zi.message}); report this document.`,
      );
    issues.throwIfAny(format);
  }
  return result.data!;
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function lineCol(loc: SourceLoc): { line?: number; column?: number } {
  return {
    ...(loc.line === undefined ? {} : { line: loc.line }),
    ...(loc.column === undefined ? {} : { column: loc.column }),
  };
}
