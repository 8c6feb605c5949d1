/**
 * frab / pretalx `schedule.xml` (C3VOC schema https://c3voc.de/schedule/schema.xsd): schedule → conference, day →
 * room → event. wafer's pentabarf.xml shares this structure (see wafer.ts).
 */
import type { EventField, RawEvent, RawSchedule, RawText, SourceLoc } from './build.js';
import { child, children, type XmlElement } from './xml-tree.js';

const EVENT_CHILD_FIELDS = [
  'date',
  'start',
  'duration',
  'room',
  'slug',
  'title',
  'subtitle',
  'track',
  'type',
  'language',
  'abstract',
  'description',
  'url',
] as const satisfies readonly EventField[];

const locOf = (el: XmlElement): SourceLoc => ({ path: el.path, line: el.line, column: el.column });

/** Text of a child element; a missing child points at its parent's line. */
function childText(parent: XmlElement, name: string): RawText {
  const el = child(parent, name);
  if (!el) return { value: null, loc: { ...locOf(parent), path: `${parent.path}/${name}` } };
  return { value: el.text, loc: locOf(el) };
}

function attrText(el: XmlElement, name: string): RawText {
  return { value: el.attrs[name] ?? null, loc: { ...locOf(el), path: `${el.path}/@${name}` } };
}

function readEvent(ev: XmlElement, dayRef: number, containerRoom: string): RawEvent {
  const fields = {
    guid: attrText(ev, 'guid'),
    id: attrText(ev, 'id'),
    code: attrText(ev, 'code'),
  } as Record<EventField, RawText>;
  for (const name of EVENT_CHILD_FIELDS) fields[name] = childText(ev, name);
  const recording = child(ev, 'recording');
  fields.optout = recording
    ? childText(recording, 'optout')
    : { value: null, loc: { ...locOf(ev), path: `${ev.path}/recording/optout` } };
  const personsEl = child(ev, 'persons');
  // Only the display name and id are read: wafer staff exports add contact e-mails we must not store.
  const persons = personsEl
    ? children(personsEl, 'person').map((p) => ({ name: p.text, id: p.attrs.id ?? null, loc: locOf(p) }))
    : [];
  return { loc: locOf(ev), dayRef, containerRoom, fields, persons };
}

export function readScheduleXml(root: XmlElement): RawSchedule {
  const conf = child(root, 'conference');
  const confEl = conf ?? { ...root, path: `${root.path}/conference`, children: [] };
  const generator = child(root, 'generator');
  const versionEl = child(root, 'version');
  const raw: RawSchedule = {
    version: versionEl?.text ?? null,
    generator: generator?.attrs.name ? { name: generator.attrs.name, version: generator.attrs.version || null } : null,
    conference: {
      loc: locOf(confEl),
      title: childText(confEl, 'title'),
      acronym: childText(confEl, 'acronym'),
      timeZone: childText(confEl, 'time_zone_name'),
      dayChange: childText(confEl, 'day_change'),
    },
    days: [],
    rooms: [],
    events: [],
  };
  // Some producers also list rooms under <conference><rooms>; read them for guids.
  const confRooms = conf ? child(conf, 'rooms') : undefined;
  for (const r of confRooms ? children(confRooms, 'room') : []) {
    const name = (r.attrs.name ?? r.text).trim();
    if (name) raw.rooms.push({ name, guid: r.attrs.guid?.trim() || null, loc: locOf(r) });
  }
  for (const dayEl of children(root, 'day')) {
    const dayRef = raw.days.length;
    raw.days.push({
      loc: locOf(dayEl),
      index: attrText(dayEl, 'index'),
      date: attrText(dayEl, 'date'),
      start: attrText(dayEl, 'start'),
      end: attrText(dayEl, 'end'),
    });
    // Events placed directly under <day> (not in a <room>) are still read, by their <room> text, never dropped.
    for (const ev of children(dayEl, 'event'))
      raw.events.push(readEvent(ev, dayRef, child(ev, 'room')?.text.trim() ?? ''));
    for (const roomEl of children(dayEl, 'room')) {
      const name = (roomEl.attrs.name ?? '').trim();
      if (name) raw.rooms.push({ name, guid: roomEl.attrs.guid?.trim() || null, loc: locOf(roomEl) });
      for (const ev of children(roomEl, 'event')) {
        const fallback = child(ev, 'room')?.text.trim() ?? '';
        raw.events.push(readEvent(ev, dayRef, name || fallback));
      }
    }
  }
  return raw;
}
