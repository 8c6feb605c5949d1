import { describe, expect, it } from 'vitest';
import { mapRooms, parseSchedule, planImport, PlanImportError, type MappedTalk } from './index.js';
import { buildTalk, readScheduleFixture, SCHEDULE_FIXTURES } from './testing/index.js';

describe('planImport', () => {
  it.each(SCHEDULE_FIXTURES)('re-importing %s is all unchanged (idempotent)', (name) => {
    const first = parseSchedule(readScheduleFixture(name)).talks;
    const initial = planImport([], first);
    expect(initial.create).toHaveLength(first.length);
    expect([initial.update, initial.unchanged, initial.removedUpstream]).toEqual([[], [], []]);
    // The "store" after applying: a deep copy, as a database round-trip would give.
    const stored = structuredClone(first);
    const again = planImport(stored, parseSchedule(readScheduleFixture(name)).talks);
    expect(again.create).toEqual([]);
    expect(again.update).toEqual([]);
    expect(again.removedUpstream).toEqual([]);
    expect(again.unchanged.map((u) => u.guid)).toEqual(first.map((t) => t.guid));
  });

  it('reports changed fields, creations and upstream removals by guid', () => {
    const stored = parseSchedule(readScheduleFixture('frab-berlin-dst.xml')).talks;
    const edited = readScheduleFixture('frab-berlin-dst.xml')
      .replace('<title>Eröffnung</title>', '<title>Eröffnung (neu)</title>')
      .replace('<date>2025-10-26T11:00:00+01:00</date>', '<date>2025-10-26T11:15:00+01:00</date>')
      .replace(/<event id="1004"[\s\S]*?<\/event>/, '')
      .replace(
        '<persons><person id="504">Friederike von Zeitz</person></persons>',
        '<persons><person id="504">Friederike von Zeitz</person><person id="506">Neu Gast</person></persons>',
      );
    const plan = planImport(stored, parseSchedule(edited).talks);
    expect(plan.create).toEqual([]);
    expect(plan.removedUpstream.map((r) => [r.guid, r.likelyReplacedBy])).toEqual([
      ['be000000-0000-4000-8000-000000001004', null],
    ]);
    expect(plan.update.map((u) => [u.guid.slice(-4), u.changes.map((c) => c.field)])).toEqual([
      ['1001', ['title']],
      ['1003', ['speakers']],
      ['2002', ['start']],
    ]);
    const moved = plan.update.find((u) => u.guid.endsWith('2002'));
    expect(moved?.changes[0]).toEqual({
      field: 'start',
      from: '2025-10-26T10:00:00.000Z',
      to: '2025-10-26T10:15:00.000Z',
    });
    expect(plan.unchanged).toHaveLength(stored.length - 4);
  });

  it('names the likely replacement when a guid changes but code or slug stays', () => {
    const old = buildTalk({ guid: 'old-guid', code: 'ABC123', slug: 'conf-1-x' });
    const renamed = { ...old, guid: 'new-guid' };
    const bySlug = buildTalk({ guid: 'old-2', code: null, slug: 'conf-2-y' });
    const plan = planImport([old, bySlug], [renamed, { ...bySlug, guid: 'new-2' }]);
    expect(plan.create.map((t) => t.guid)).toEqual(['new-guid', 'new-2']);
    expect(plan.removedUpstream.map((r) => [r.guid, r.likelyReplacedBy])).toEqual([
      ['old-guid', { guid: 'new-guid', matchedBy: 'code' }],
      ['old-2', { guid: 'new-2', matchedBy: 'slug' }],
    ]);
  });

  it('compares only fields the store keeps, and compares the start instant not its spelling', () => {
    const incoming = buildTalk({ guid: 'g', startUtc: '2025-06-12T08:30:00Z' });
    const { description: _d, abstract: _a, ...stored } = structuredClone(incoming);
    const respelled = { ...incoming, start: { ...incoming.start, local: '2025-06-12T09:30:00', utcOffset: '+01:00' } };
    const plan = planImport([stored], [{ ...respelled, description: 'new text' }]);
    expect(plan.unchanged.map((u) => u.guid)).toEqual(['g']);
  });

  it('includes the mapped room key in the comparison', () => {
    const s = parseSchedule(readScheduleFixture('wafer-kathmandu.xml'));
    const before = mapRooms(s, { Sagarmatha: 'stage-a', Annapurna: 'stage-b' }).talks;
    const after = mapRooms(s, { Sagarmatha: 'stage-a', Annapurna: 'stage-c' }).talks;
    const plan = planImport<MappedTalk, MappedTalk>(before, after);
    expect(plan.update.map((u) => u.changes)).toEqual([
      [{ field: 'roomKey', from: 'stage-b', to: 'stage-c' }],
      [{ field: 'roomKey', from: 'stage-b', to: 'stage-c' }],
    ]);
  });

  it('refuses duplicate guids on either side', () => {
    const t = buildTalk({ guid: 'dup' });
    expect(() => planImport([t, t], [])).toThrow(PlanImportError);
    expect(() => planImport([], [t, t])).toThrow(/incoming talks contain guid "dup" twice/);
  });
});
