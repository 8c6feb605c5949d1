import { describe, expect, it } from 'vitest';
import { dateToZonedWallTime, formatDuration, zonedWallTimeToDate } from './zoned-time.js';

describe('zoned wall time', () => {
  it('converts conference wall time to instants and back, across DST', () => {
    expect(zonedWallTimeToDate('2025-10-25T10:00', 'Europe/Berlin')?.toISOString()).toBe('2025-10-25T08:00:00.000Z');
    expect(zonedWallTimeToDate('2025-10-26T10:00', 'Europe/Berlin')?.toISOString()).toBe('2025-10-26T09:00:00.000Z');
    expect(zonedWallTimeToDate('2026-04-05T12:00', 'Pacific/Chatham')?.toISOString()).toBe('2026-04-04T23:15:00.000Z');
    expect(dateToZonedWallTime(new Date('2025-10-26T09:00:00Z'), 'Europe/Berlin')).toBe('2025-10-26T10:00');
    expect(zonedWallTimeToDate('tomorrow', 'UTC')).toBeNull();
  });
  it('formats durations', () => {
    expect(formatDuration(3000)).toBe('0:03');
    expect(formatDuration(3_723_000)).toBe('1:02:03');
  });
});
