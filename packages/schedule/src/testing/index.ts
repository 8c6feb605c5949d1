// Test helpers for packages that consume @stagecast/schedule (db, planner, web): build talks without a document.
import type { Talk } from '../model.js';
import { formatOffset, formatWall, toUtcIso, wallTimeIn, zoneOffsetMinutes } from '../time.js';

let counter = 0;

/**
 * A valid normalised talk. `startUtc` is an ISO instant (default 2025-06-12T08:30:00Z); local wall time and offset
 * are derived in `timeZone` (default Europe/Berlin) the way the parsers do.
 */
export function buildTalk(overrides: Partial<Talk> & { startUtc?: string; timeZone?: string } = {}): Talk {
  const { startUtc = '2025-06-12T08:30:00Z', timeZone = 'Europe/Berlin', ...rest } = overrides;
  const epochMs = Date.parse(startUtc);
  if (!Number.isFinite(epochMs)) throw new TypeError(`buildTalk: startUtc "${startUtc}" is not an ISO instant`);
  counter += 1;
  return {
    guid: `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`,
    guidDerived: false,
    externalId: String(counter),
    code: null,
    slug: null,
    title: `Talk ${counter}`,
    subtitle: null,
    speakers: [],
    room: 'Main Hall',
    start: {
      utc: toUtcIso(epochMs),
      epochMs,
      local: formatWall(wallTimeIn(epochMs, timeZone)),
      utcOffset: formatOffset(zoneOffsetMinutes(epochMs, timeZone)),
    },
    durationSeconds: 1800,
    dayIndex: 1,
    language: 'en',
    track: null,
    type: 'Talk',
    recordingOptOut: false,
    url: null,
    abstract: null,
    description: null,
    ...rest,
  };
}

export { SCHEDULE_FIXTURES, scheduleFixturePath, readScheduleFixture, type ScheduleFixture } from './fixtures.js';
