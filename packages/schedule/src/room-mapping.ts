/**
 * Explicit room mapping: schedule room → our room key. A room with talks that is neither mapped nor listed in
 * `ignoreRooms` fails the whole mapping (RoomMappingError lists every such room), so talks are never dropped silently.
 * Mapping keys may be the schedule room name or its guid (guids survive renames; the docs prefer them).
 */
import { z } from 'zod';
import { RoomMappingError } from './errors.js';
import type { Room, Talk } from './model.js';

export const roomMappingSchema = z.record(z.string().min(1), z.string().trim().min(1));
export type RoomMapping = z.infer<typeof roomMappingSchema>;

export interface MapRoomsOptions {
  /** Schedule room names (or guids) whose talks are knowingly left out. */
  ignoreRooms?: readonly string[];
}

export type MappedTalk<T extends Talk = Talk> = T & { roomKey: string };

export interface RoomMappingResult<T extends Talk = Talk> {
  talks: MappedTalk<T>[];
  /** Talks left out because their room is in ignoreRooms. */
  ignoredTalks: T[];
  /** Schedule rooms that have no talks and no mapping (nothing to play, reported for the admin UI). */
  unmappedEmptyRooms: string[];
  /** Mapping keys that match no schedule room (typo or renamed room). */
  unusedMappingKeys: string[];
}

export function mapRooms<T extends Talk>(
  schedule: { rooms: readonly Room[]; talks: readonly T[] },
  mapping: RoomMapping | ReadonlyMap<string, string>,
  options: MapRoomsOptions = {},
): RoomMappingResult<T> {
  const parsed = roomMappingSchema.safeParse(mapping instanceof Map ? Object.fromEntries(mapping) : mapping);
  if (!parsed.success) {
    throw new RoomMappingError(
      'invalid-mapping',
      `Room mapping is invalid: ${z.prettifyError(parsed.error)}. Use { "<schedule room name>": "<room key>" }.`,
    );
  }
  const table = new Map(Object.entries(parsed.data));
  const ignore = new Set(options.ignoreRooms ?? []);
  const guidByName = new Map(schedule.rooms.map((r) => [r.name, r.guid]));
  const used = new Set<string>();
  const lookup = (name: string): { key: string | undefined; ignored: boolean } => {
    const guid = guidByName.get(name) ?? null;
    for (const k of guid === null ? [name] : [name, guid]) {
      const key = table.get(k);
      if (key !== undefined) {
        used.add(k);
        return { key, ignored: false };
      }
    }
    return { key: undefined, ignored: ignore.has(name) || (guid !== null && ignore.has(guid)) };
  };

  const talks: MappedTalk<T>[] = [];
  const ignoredTalks: T[] = [];
  const unmapped = new Map<string, number>();
  for (const talk of schedule.talks) {
    const { key, ignored } = lookup(talk.room);
    if (key !== undefined) talks.push({ ...talk, roomKey: key });
    else if (ignored) ignoredTalks.push(talk);
    else unmapped.set(talk.room, (unmapped.get(talk.room) ?? 0) + 1);
  }
  if (unmapped.size > 0) {
    throw RoomMappingError.unmapped([...unmapped].map(([name, talkCount]) => ({ name, talkCount })));
  }
  const withTalks = new Set(schedule.talks.map((t) => t.room));
  const unmappedEmptyRooms = schedule.rooms
    .filter((r) => !withTalks.has(r.name) && lookup(r.name).key === undefined && !lookup(r.name).ignored)
    .map((r) => r.name);
  return {
    talks,
    ignoredTalks,
    unmappedEmptyRooms,
    unusedMappingKeys: [...table.keys()].filter(
      (k) => !used.has(k) && !schedule.rooms.some((r) => r.name === k || r.guid === k),
    ),
  };
}
