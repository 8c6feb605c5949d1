import { describe, expect, it } from 'vitest';
import { detectFormat, parseSchedule, scheduleSchema, type Schedule, type Talk } from './index.js';
import { readScheduleFixture } from './testing/index.js';

const load = (name: string, options?: Parameters<typeof parseSchedule>[1]): Schedule =>
  parseSchedule(readScheduleFixture(name), options);
const byGuid = (s: Schedule, guid: string): Talk => {
  const t = s.talks.find((x) => x.guid === guid);
  if (!t) throw new Error(`no talk ${guid}`);
  return t;
};

describe('pretalx schedule.xml in Pacific/Chatham (+13:45 → +12:45)', () => {
  const s = load('pretalx-chatham.xml');

  it('detects the format and reads the conference', () => {
    expect(detectFormat(readScheduleFixture('pretalx-chatham.xml'))).toBe('frab-xml');
    expect(s.format).toBe('frab-xml');
    expect(s.version).toBe('1.3 "Rēkohu"');
    expect(s.generator).toEqual({ name: 'pretalx', version: '2025.1.0' });
    expect(s.conference).toMatchObject({
      title: 'Chatham Islands Open Source Hui 2026',
      acronym: 'cihui26',
      timeZone: 'Pacific/Chatham',
    });
    expect(s.conference.days.map((d) => [d.index, d.date, d.startUtc])).toEqual([
      [1, '2026-04-03', '2026-04-02T19:15:00.000Z'],
      [2, '2026-04-04', '2026-04-03T19:15:00.000Z'],
      [3, '2026-04-05', '2026-04-04T21:15:00.000Z'],
    ]);
    expect(s.rooms).toEqual([
      { name: 'Main Hall', guid: '5a0c8a0e-6d8b-4f0e-9c51-0c1b3c4d5e01' },
      { name: 'Whare Kōrero', guid: '5a0c8a0e-6d8b-4f0e-9c51-0c1b3c4d5e02' },
      { name: 'Workshop Room', guid: '5a0c8a0e-6d8b-4f0e-9c51-0c1b3c4d5e03' },
    ]);
    expect(s.talks).toHaveLength(10);
    expect(s.warnings).toEqual([]);
    expect(scheduleSchema.safeParse(s).success).toBe(true);
  });

  it('uses the offset inside <date>: +13:45 before and +12:45 after the DST end', () => {
    const opening = byGuid(s, 'c1d0e000-0000-4000-8000-000000000001');
    expect(opening.start).toEqual({
      utc: '2026-04-02T19:15:00.000Z',
      epochMs: Date.parse('2026-04-02T19:15:00Z'),
      local: '2026-04-03T09:00:00',
      utcOffset: '+13:45',
    });
    const koWai = byGuid(s, 'c1d0e000-0000-4000-8000-000000000009');
    expect(koWai.start).toMatchObject({
      utc: '2026-04-04T21:15:00.000Z',
      local: '2026-04-05T10:00:00',
      utcOffset: '+12:45',
    });
  });

  it('keeps a past-midnight talk on its day element but with the next calendar date', () => {
    const late = byGuid(s, 'c1d0e000-0000-4000-8000-000000000004');
    expect(late.dayIndex).toBe(1);
    expect(late.start.local).toBe('2026-04-04T00:30:00');
    expect(late.start.utc).toBe('2026-04-03T10:45:00.000Z');
    const owl = byGuid(s, 'c1d0e000-0000-4000-8000-000000000007');
    expect(owl.dayIndex).toBe(2);
    expect(owl.start.local).toBe('2026-04-05T02:30:00');
    expect(owl.durationSeconds).toBe(7200);
  });

  it('parses H:MM, HH:MM and HH:MM:SS durations', () => {
    expect(byGuid(s, 'c1d0e000-0000-4000-8000-000000000009').durationSeconds).toBe(45 * 60);
    expect(byGuid(s, 'c1d0e000-0000-4000-8000-000000000004').durationSeconds).toBe(3600);
    expect(byGuid(s, 'c1d0e000-0000-4000-8000-000000000010').durationSeconds).toBe(30 * 60 + 30);
  });

  it('keeps unicode text, CDATA, entities, speakers and opt-outs', () => {
    const kiaOra = byGuid(s, 'c1d0e000-0000-4000-8000-000000000002');
    expect(kiaOra.title).toBe('Kia ora, Rēkohu! — Welcome to the islands');
    expect(kiaOra.subtitle).toBe('Te reo Māori & open source');
    expect(kiaOra.abstract).toBe('Why <b>local</b> language matters.');
    expect(kiaOra.speakers).toEqual([
      { name: 'Hēmi Pōmare', id: '12' },
      { name: 'Moana Ōtaki', id: '13' },
    ]);
    expect(kiaOra.language).toBe('mi');
    expect(byGuid(s, 'c1d0e000-0000-4000-8000-000000000003').title).toBe('数据中心的可持续性');
    expect(byGuid(s, 'c1d0e000-0000-4000-8000-000000000005').speakers[0]?.name).toBe('ليلى حداد');
    expect(byGuid(s, 'c1d0e000-0000-4000-8000-000000000010').title).toBe('Emoji 🦜 in identifiers');
    expect(byGuid(s, 'c1d0e000-0000-4000-8000-000000000004').recordingOptOut).toBe(true);
    expect(byGuid(s, 'c1d0e000-0000-4000-8000-000000000004').speakers).toEqual([]);
    expect(byGuid(s, 'c1d0e000-0000-4000-8000-000000000001')).toMatchObject({
      recordingOptOut: false,
      subtitle: null,
      description: null,
      url: 'https://pretalx.example.nz/cihui26/talk/OPEN01/',
      slug: 'cihui26-1-opening',
      externalId: '1',
      guidDerived: false,
    });
  });

  it('sorts talks by start, then room, then guid', () => {
    const keys = s.talks.map((t) => [t.start.epochMs, t.room, t.guid] as const);
    const sorted = [...keys].sort((a, b) => a[0] - b[0] || a[1].localeCompare(b[1]) || a[2].localeCompare(b[2]));
    expect(keys).toEqual(sorted);
  });
});

describe('frab schedule.json in America/St_Johns (−3:30 → −2:30)', () => {
  const s = load('frab-st-johns.json');

  it('reads the C3VOC JSON shape', () => {
    expect(s.format).toBe('frab-json');
    expect(s.generator).toEqual({ name: 'frab', version: '1.0.0' });
    expect(s.version).toBe('2026-02-20 19:04');
    expect(s.conference.timeZone).toBe('America/St_Johns');
    expect(s.rooms.map((r) => r.name)).toEqual(['Cabot Tower', 'Quidi Vidi', 'Salle Française']);
    expect(s.talks).toHaveLength(10);
    expect(s.warnings).toEqual([]);
  });

  it('handles half-hour offsets, the spring-forward night and past-midnight talks', () => {
    const opening = byGuid(s, '5e000000-0000-4000-8000-000000000101');
    expect(opening.start).toMatchObject({ utc: '2026-03-06T12:30:00.000Z', utcOffset: '-03:30' });
    const midnight = byGuid(s, '5e000000-0000-4000-8000-000000000103');
    expect(midnight).toMatchObject({ dayIndex: 1, durationSeconds: 5400, recordingOptOut: true });
    expect(midnight.start.local).toBe('2026-03-07T00:15:00');
    const spring = byGuid(s, '5e000000-0000-4000-8000-000000000204');
    expect(spring.start).toMatchObject({
      utc: '2026-03-08T05:00:00.000Z',
      local: '2026-03-08T01:30:00',
      utcOffset: '-03:30',
    });
    expect(byGuid(s, '5e000000-0000-4000-8000-000000000301').start.utcOffset).toBe('-02:30');
  });

  it('normalises persons (public_name ?? name), tracks, nulls and missing fields', () => {
    expect(byGuid(s, '5e000000-0000-4000-8000-000000000102').speakers).toEqual([{ name: 'Søren Ødegård', id: '9002' }]);
    expect(byGuid(s, '5e000000-0000-4000-8000-000000000104').speakers).toEqual([{ name: 'Jürgen Weiß', id: 'K7XQ2P' }]);
    expect(byGuid(s, '5e000000-0000-4000-8000-000000000203').speakers.map((p) => p.name)).toEqual([
      'Élodie Bélanger',
      'Marc-André Côté',
    ]);
    expect(byGuid(s, '5e000000-0000-4000-8000-000000000201').track).toBe('Workshops');
    expect(byGuid(s, '5e000000-0000-4000-8000-000000000302')).toMatchObject({
      title: 'Closing 🎉',
      url: null,
      abstract: null,
      subtitle: null,
      track: null,
      code: 'END302',
    });
  });

  it('keeps pretalx multi-slot events apart by guid though their id repeats', () => {
    const parts = s.talks.filter((t) => t.externalId === '2207');
    expect(parts.map((t) => t.guid)).toEqual([
      '5e000000-0000-4000-8000-000000000201',
      '5e000000-0000-4000-8000-000000000202',
    ]);
  });
});

describe('frab schedule.xml on the Europe/Berlin DST-end day', () => {
  const s = load('frab-berlin-dst.xml');

  it('places the two 02:30 talks one hour apart by their offsets', () => {
    const first = byGuid(s, 'be000000-0000-4000-8000-000000001004');
    const second = byGuid(s, 'be000000-0000-4000-8000-000000001005');
    expect(first.start.local).toBe(second.start.local);
    expect(second.start.epochMs - first.start.epochMs).toBe(3600_000);
    expect([first.start.utcOffset, second.start.utcOffset]).toEqual(['+02:00', '+01:00']);
  });

  it('a 2 h talk from 01:30 CEST ends at 02:30 CET', () => {
    const t = byGuid(s, 'be000000-0000-4000-8000-000000001003');
    expect(t.start.utc).toBe('2025-10-25T23:30:00.000Z');
    expect(new Date(t.start.epochMs + t.durationSeconds * 1000).toISOString()).toBe('2025-10-26T01:30:00.000Z');
    expect(t.dayIndex).toBe(1);
  });

  it('derives a deterministic guid for an event without one and warns', () => {
    const derived = s.talks.find((t) => t.externalId === '9001');
    expect(derived?.guidDerived).toBe(true);
    expect(derived?.guid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(load('frab-berlin-dst.xml').talks.find((t) => t.externalId === '9001')?.guid).toBe(derived?.guid);
    expect(s.warnings).toEqual([expect.objectContaining({ code: 'derived-guid', line: 141 })]);
  });

  it('accepts bytes with a UTF-8 BOM and gives the same result', () => {
    const bytes = new TextEncoder().encode('\uFEFF' + readScheduleFixture('frab-berlin-dst.xml'));
    expect(parseSchedule(bytes)).toEqual(s);
  });
});

describe('wafer pentabarf.xml in Asia/Kathmandu (+05:45)', () => {
  const s = load('wafer-kathmandu.xml');

  it('detects wafer by its generator and applies wafer rules', () => {
    expect(s.format).toBe('wafer-xml');
    expect(s.version).toBeNull();
    expect(s.rooms).toEqual([
      { name: 'Sagarmatha', guid: null },
      { name: 'Annapurna', guid: null },
    ]);
    const dpl = byGuid(s, 'd0000000-0000-4000-8000-000000000041');
    expect(dpl.abstract).toBe('The Debian Project Leader reports on the state of the project.');
    expect(dpl.speakers).toEqual([{ name: 'Andreas Tille', id: '7' }]);
    expect(dpl.language).toBeNull();
    expect(dpl.start).toMatchObject({ utc: '2025-07-14T03:15:00.000Z', utcOffset: '+05:45' });
  });

  it('keeps breaks (empty type, no persons) and the past-midnight BoF', () => {
    const tea = byGuid(s, 'd0000000-0000-4000-8000-000000000042');
    expect(tea).toMatchObject({ title: 'Tea break (चिया)', type: null, speakers: [], abstract: null });
    const bof = byGuid(s, 'd0000000-0000-4000-8000-000000000045');
    expect(bof).toMatchObject({ dayIndex: 1, recordingOptOut: true });
    expect(bof.start.local).toBe('2025-07-15T00:30:00');
    expect(byGuid(s, 'd0000000-0000-4000-8000-000000000043').title).toBe('नेपाली भाषा र डेबियन');
  });
});

describe('legacy wafer without time zone or offsets', () => {
  it('needs a default time zone and says so', () => {
    expect(() => load('wafer-legacy-naive.xml')).toThrow(/no time_zone_name.*defaultTimeZone/s);
  });

  it('reads naive dates in the default zone and derives a missing date from day + start', () => {
    const s = load('wafer-legacy-naive.xml', { defaultTimeZone: 'Africa/Johannesburg' });
    expect(s.talks.map((t) => t.start.utc)).toEqual(['2016-10-06T07:00:00.000Z', '2016-10-06T07:30:00.000Z']);
    expect(s.warnings.map((w) => w.code).sort()).toEqual([
      'derived-date',
      'derived-guid',
      'derived-guid',
      'naive-date',
    ]);
    const again = load('wafer-legacy-naive.xml', { defaultTimeZone: 'Africa/Johannesburg' });
    expect(again.talks.map((t) => t.guid)).toEqual(s.talks.map((t) => t.guid));
  });
});

describe('day-relative dates past midnight and DST without offsets', () => {
  const doc = (events: string): string => `<schedule>
  <conference><title>T</title><time_zone_name>Europe/Berlin</time_zone_name></conference>
  <day index="1" date="2025-03-29" start="2025-03-29T18:00:00+01:00">
    <room name="R">${events}</room>
  </day>
</schedule>`;

  it('moves a start before the day start to the next calendar date', () => {
    const s = parseSchedule(
      doc(
        '<event id="1"><start>23:30</start><duration>00:30</duration><title>a</title></event><event id="2"><start>01:00</start><duration>00:30</duration><title>b</title></event>',
      ),
    );
    expect(s.talks.map((t) => t.start.utc)).toEqual(['2025-03-29T22:30:00.000Z', '2025-03-30T00:00:00.000Z']);
  });

  it('moves a wall time skipped by spring-forward forward and warns', () => {
    const s = parseSchedule(
      doc('<event id="1"><date>2025-03-30T02:30:00</date><duration>00:30</duration><title>gap</title></event>'),
    );
    expect(s.talks[0]?.start).toMatchObject({
      utc: '2025-03-30T01:30:00.000Z',
      local: '2025-03-30T03:30:00',
      utcOffset: '+02:00',
    });
    expect(s.warnings.map((w) => w.code)).toContain('nonexistent-local-time');
  });

  it('reads events placed directly under <day> by their <room>, and rejects ones without a room', () => {
    const loose = doc('').replace(
      '<room name="R"></room>',
      '<event id="1" guid="g"><date>2025-03-29T19:00:00+01:00</date><duration>00:30</duration><title>x</title><room>Side</room></event>',
    );
    expect(parseSchedule(loose).talks.map((t) => t.room)).toEqual(['Side']);
    expect(() => parseSchedule(loose.replace('<room>Side</room>', ''))).toThrow(/room without a name/);
  });

  it('warns when <start> or the offset disagree with <date>', () => {
    const s = parseSchedule(
      doc(
        '<event id="1" guid="g1"><date>2025-03-29T20:00:00+03:00</date><start>19:00</start><duration>00:30</duration><title>x</title><room>Other</room></event>',
      ),
    );
    expect(s.warnings.map((w) => w.code).sort()).toEqual(['offset-mismatch', 'room-mismatch', 'start-mismatch']);
    expect(s.talks[0]?.room).toBe('R');
  });
});
