/** Builds small frab schedule.xml documents for planner tests (explicit offsets, so instants are unambiguous). */
export interface FrabEvent {
  guid: string;
  id: number;
  room: string;
  /** ISO instant with offset, e.g. 2030-06-01T10:00:00+02:00 */
  date: string;
  duration: string;
  title: string;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function frabXml(version: string, events: FrabEvent[]): string {
  const rooms = [...new Set(events.map((e) => e.room))];
  const day = events[0]?.date.slice(0, 10) ?? '2030-06-01';
  return `<?xml version="1.0" encoding="UTF-8"?>
<schedule>
  <generator name="frab" version="1.0.0"/>
  <version>${esc(version)}</version>
  <conference>
    <acronym>tst</acronym><title>Test Conf</title><start>${day}</start><end>${day}</end><days>1</days>
    <time_zone_name>Europe/Berlin</time_zone_name>
  </conference>
  <day index="1" date="${day}">
${rooms
  .map(
    (room) => `    <room name="${esc(room)}">
${events
  .filter((e) => e.room === room)
  .map(
    (e) => `      <event id="${e.id}" guid="${e.guid}">
        <date>${e.date}</date><start>${e.date.slice(11, 16)}</start><duration>${e.duration}</duration>
        <room>${esc(room)}</room><slug>tst-${e.id}</slug><title>${esc(e.title)}</title>
        <language>en</language><persons><person id="${e.id}0">Speaker ${e.id}</person></persons>
      </event>`,
  )
  .join('\n')}
    </room>`,
  )
  .join('\n')}
  </day>
</schedule>
`;
}
