/**
 * frab / pretalx `schedule.json` (C3VOC schema https://c3voc.de/schedule/schema.json). Shapes are checked with zod
 * (types only, leniently: optional fields may be missing, null or ""), every zod issue is mapped back to its line via
 * the position-tracking JSON tree, and semantics are left to build.ts so XML and JSON share one set of rules.
 */
import { z } from 'zod';
import type { IssueCollector } from '../errors.js';
import type { EventField, RawEvent, RawSchedule, RawText, SourceLoc } from './build.js';
import { formatJsonPath, positionOf, type JsonPath, type JsonTree } from './json-tree.js';

const optText = z.string().nullable().optional();
const idLike = z.union([z.string(), z.number()]).nullable().optional();
/** pretalx has emitted tracks both as a name and as {name}. */
const named = z
  .union([z.string(), z.object({ name: z.string().nullable().optional() }).loose()])
  .nullable()
  .optional();

const personSchema = z
  .object({ id: idLike, code: optText, guid: optText, public_name: optText, name: optText })
  .loose();
const eventSchema = z
  .object({
    guid: optText,
    id: idLike,
    code: optText,
    date: optText,
    start: optText,
    duration: optText,
    room: optText,
    slug: optText,
    title: optText,
    subtitle: optText,
    track: named,
    type: optText,
    language: optText,
    abstract: optText,
    description: optText,
    url: optText,
    do_not_record: z.union([z.boolean(), z.string()]).nullable().optional(),
    persons: z.array(personSchema).nullable().optional(),
  })
  .loose();
const daySchema = z
  .object({
    index: z.union([z.number(), z.string()]),
    date: z.string(),
    day_start: optText,
    day_end: optText,
    rooms: z.record(z.string(), z.array(z.unknown())).nullable().optional(),
  })
  .loose();
const generatorSchema = z.object({ name: z.string(), version: optText }).loose().nullable().optional();
const documentSchema = z.object({
  /** C3VOC puts the generator at the root; some producers nest it in schedule. */
  generator: generatorSchema,
  schedule: z
    .object({
      version: z.union([z.string(), z.number()]).nullable().optional(),
      generator: generatorSchema,
      conference: z
        .object({
          title: optText,
          acronym: optText,
          time_zone_name: optText,
          day_change: optText,
          rooms: z
            .array(z.object({ name: z.string(), guid: optText }).loose())
            .nullable()
            .optional(),
          days: z.array(z.unknown()),
        })
        .loose(),
    })
    .loose(),
});

const EXPECTED: Record<string, string> = {
  duration: 'a string like "00:45" or "01:30:00"',
  date: 'a string like "2025-06-12T10:30:00+02:00"',
  day_start: 'a string like "2025-06-12T10:00:00+02:00"',
  day_end: 'a string like "2025-06-13T02:00:00+02:00"',
  id: 'a number or string',
  index: 'an integer like 1',
  persons: 'an array of {"public_name": …} or {"name": …} objects',
  rooms: 'an object mapping room names to arrays of events',
  days: 'an array of day objects',
  do_not_record: 'true or false',
  track: 'a string (the track name)',
};

function valueAt(root: unknown, path: JsonPath): unknown {
  let v = root;
  for (const p of path) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<string | number, unknown>)[p];
  }
  return v;
}

const describe = (v: unknown): string =>
  v === undefined
    ? 'nothing'
    : v === null
      ? 'null'
      : Array.isArray(v)
        ? 'an array'
        : `${typeof v} ${JSON.stringify(v)?.slice(0, 40)}`;

function reportZod(tree: JsonTree, base: JsonPath, error: z.ZodError, issues: IssueCollector): void {
  for (const zi of error.issues) {
    const path = [...base, ...zi.path.filter((p): p is string | number => typeof p !== 'symbol')];
    const field = String(path[path.length - 1] ?? 'document');
    const found = valueAt(tree.value, path);
    const pos = positionOf(tree, path);
    issues.add({
      reason: found === undefined ? 'missing-field' : 'invalid-field',
      path: formatJsonPath(path),
      ...(pos ? { line: pos.line, column: pos.column } : {}),
      message:
        found === undefined
          ? `"${field}" is required; add it as ${EXPECTED[field] ?? 'described by the C3VOC schedule schema'}.`
          : `"${field}" must be ${EXPECTED[field] ?? zi.message.replace(/^Invalid input: /, '')} (found ${describe(found)}).`,
    });
  }
}

export function readScheduleJson(tree: JsonTree, issues: IssueCollector): RawSchedule | null {
  const doc = documentSchema.safeParse(tree.value);
  if (!doc.success) {
    reportZod(tree, [], doc.error, issues);
    return null;
  }
  const loc = (path: JsonPath): SourceLoc => ({ path: formatJsonPath(path), ...positionOf(tree, path) });
  const text = (obj: unknown, path: JsonPath, key: string): RawText => {
    const v = valueAt(obj, [key]);
    const value =
      typeof v === 'string' ? v : typeof v === 'number' ? String(v) : typeof v === 'boolean' ? String(v) : null;
    return { value, loc: loc([...path, key]) };
  };
  const s = doc.data.schedule;
  const generator = doc.data.generator ?? s.generator;
  const confPath = ['schedule', 'conference'];
  const raw: RawSchedule = {
    version: s.version === null || s.version === undefined ? null : String(s.version),
    generator: generator ? { name: generator.name, version: generator.version || null } : null,
    conference: {
      loc: loc(confPath),
      title: text(s.conference, confPath, 'title'),
      acronym: text(s.conference, confPath, 'acronym'),
      timeZone: text(s.conference, confPath, 'time_zone_name'),
      dayChange: text(s.conference, confPath, 'day_change'),
    },
    days: [],
    rooms: (s.conference.rooms ?? []).map((r, i) => ({
      name: r.name.trim(),
      guid: r.guid?.trim() || null,
      loc: loc([...confPath, 'rooms', i]),
    })),
    events: [],
  };
  s.conference.days.forEach((dayValue, d) => {
    const dayPath = [...confPath, 'days', d];
    const day = daySchema.safeParse(dayValue);
    if (!day.success) return reportZod(tree, dayPath, day.error, issues);
    const dayRef = raw.days.length;
    raw.days.push({
      loc: loc(dayPath),
      index: text(day.data, dayPath, 'index'),
      date: text(day.data, dayPath, 'date'),
      start: text(day.data, dayPath, 'day_start'),
      end: text(day.data, dayPath, 'day_end'),
    });
    for (const [roomName, events] of Object.entries(day.data.rooms ?? {})) {
      const name = roomName.trim();
      if (name && !raw.rooms.some((r) => r.name === name))
        raw.rooms.push({ name, guid: null, loc: loc([...dayPath, 'rooms', roomName]) });
      events.forEach((eventValue, e) => {
        const path = [...dayPath, 'rooms', roomName, e];
        const ev = eventSchema.safeParse(eventValue);
        if (!ev.success) return reportZod(tree, path, ev.error, issues);
        raw.events.push(readEvent(ev.data, path, dayRef, name, text, loc));
      });
    }
  });
  return raw;
}

function readEvent(
  ev: z.infer<typeof eventSchema>,
  path: JsonPath,
  dayRef: number,
  containerRoom: string,
  text: (obj: unknown, path: JsonPath, key: string) => RawText,
  loc: (path: JsonPath) => SourceLoc,
): RawEvent {
  const keys: EventField[] = ['guid', 'id', 'code', 'date', 'start', 'duration', 'room', 'slug', 'title', 'subtitle'];
  keys.push('type', 'language', 'abstract', 'description', 'url');
  const fields = {} as Record<EventField, RawText>;
  for (const k of keys) fields[k] = text(ev, path, k);
  fields.track = {
    value: typeof ev.track === 'string' ? ev.track : (ev.track?.name ?? null),
    loc: loc([...path, 'track']),
  };
  fields.optout = text(ev, path, 'do_not_record');
  const persons = (ev.persons ?? []).map((p, i) => ({
    // frab: public_name, pretalx: name (sometimes both) → public_name ?? name.
    name: p.public_name?.trim() ? p.public_name : (p.name ?? null),
    id: p.id === null || p.id === undefined ? (p.code ?? null) : String(p.id),
    loc: loc([...path, 'persons', i]),
  }));
  return { loc: loc(path), dayRef, containerRoom, fields, persons };
}
