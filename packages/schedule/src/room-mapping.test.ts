import { describe, expect, it } from 'vitest';
import { mapRooms, parseSchedule, RoomMappingError } from './index.js';
import { readScheduleFixture } from './testing/index.js';

const chatham = parseSchedule(readScheduleFixture('pretalx-chatham.xml'));

describe('mapRooms', () => {
  it('maps every talk to our room key', () => {
    const r = mapRooms(chatham, { 'Main Hall': 'main', 'Whare Kōrero': 'whare', 'Workshop Room': 'workshop' });
    expect(r.talks).toHaveLength(10);
    expect(new Set(r.talks.map((t) => t.roomKey))).toEqual(new Set(['main', 'whare', 'workshop']));
    expect(r.talks.find((t) => t.room === 'Whare Kōrero')?.roomKey).toBe('whare');
    expect(r.ignoredTalks).toEqual([]);
    expect(r.unusedMappingKeys).toEqual([]);
  });

  it('accepts room guids as keys and a Map', () => {
    const r = mapRooms(
      chatham,
      new Map([
        ['5a0c8a0e-6d8b-4f0e-9c51-0c1b3c4d5e01', 'main'],
        ['Whare Kōrero', 'whare'],
        ['Workshop Room', 'workshop'],
      ]),
    );
    expect(r.talks.filter((t) => t.roomKey === 'main')).toHaveLength(6);
  });

  it('fails listing every unmapped room with its talk count', () => {
    let err: unknown;
    try {
      mapRooms(chatham, { 'Main Hall': 'main' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RoomMappingError);
    const e = err as RoomMappingError;
    expect(e.reason).toBe('unmapped-rooms');
    expect(e.unmappedRooms).toEqual([
      { name: 'Whare Kōrero', talkCount: 3 },
      { name: 'Workshop Room', talkCount: 1 },
    ]);
    expect(e.message).toMatch(/"Whare Kōrero" \(3 talks\), "Workshop Room" \(1 talk\).*ignoreRooms/);
  });

  it('skips explicitly ignored rooms and reports unused mapping keys and empty rooms', () => {
    const withEmpty = { ...chatham, rooms: [...chatham.rooms, { name: 'Foyer', guid: null }] };
    const r = mapRooms(
      withEmpty,
      { 'Main Hall': 'main', 'Whare Korero': 'typo' },
      { ignoreRooms: ['Whare Kōrero', 'Workshop Room'] },
    );
    expect(r.talks).toHaveLength(6);
    expect(r.ignoredTalks).toHaveLength(4);
    expect(r.unusedMappingKeys).toEqual(['Whare Korero']);
    expect(r.unmappedEmptyRooms).toEqual(['Foyer']);
  });

  it('rejects empty room keys', () => {
    expect(() => mapRooms(chatham, { 'Main Hall': '  ' })).toThrow(/Room mapping is invalid/);
  });
});
