import { describe, expect, it } from 'vitest';
import { sha1, uuidV5 } from './guid.js';
import { isValidTimeZone, parseDateTime, parseDuration, wallToInstant, zoneOffsetMinutes } from './time.js';

const hex = (b: Uint8Array): string => [...b].map((x) => x.toString(16).padStart(2, '0')).join('');

describe('guid', () => {
  it('sha1 matches FIPS 180 test vectors', () => {
    expect(hex(sha1(new TextEncoder().encode('abc')))).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
    expect(hex(sha1(new Uint8Array()))).toBe('da39a3ee5e6b4b0d3255bfef95601890afd80709');
    const long = 'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq';
    expect(hex(sha1(new TextEncoder().encode(long)))).toBe('84983e441c3bd26ebaae4aa1f95129e5e54670f1');
  });

  it('uuidV5 matches the RFC example for the DNS namespace', () => {
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe(
      '2ed6657d-e927-568b-95e1-2665a8aea6a2',
    );
  });
});

describe('time', () => {
  it('parses durations', () => {
    expect(parseDuration('0:05')).toBe(300);
    expect(parseDuration('01:30')).toBe(5400);
    expect(parseDuration('01:30:15')).toBe(5415);
    expect(parseDuration('26:00')).toBe(93600);
    for (const bad of ['90', '1:5', '01:60', '00:30:60', '-01:00', '1h', '']) expect(parseDuration(bad)).toBeNull();
  });

  it('parses offsets and rejects impossible dates', () => {
    expect(parseDateTime('2026-04-03T09:00:00+13:45')?.offsetMinutes).toBe(825);
    expect(parseDateTime('2026-03-06T09:00:00-03:30')?.offsetMinutes).toBe(-210);
    expect(parseDateTime('2026-03-06T09:00:00Z')?.offsetMinutes).toBe(0);
    expect(parseDateTime('2026-03-06T09:00')?.offsetMinutes).toBeNull();
    for (const bad of ['2026-02-30T10:00:00Z', '2026-13-01T10:00:00Z', '2026-01-01T24:00:00Z', '0099-01-01T00:00:00Z'])
      expect(parseDateTime(bad)).toBeNull();
  });

  it('knows zone offsets and DST disambiguation', () => {
    expect(zoneOffsetMinutes(Date.parse('2026-04-04T13:59:00Z'), 'Pacific/Chatham')).toBe(825);
    expect(zoneOffsetMinutes(Date.parse('2026-04-04T14:00:00Z'), 'Pacific/Chatham')).toBe(765);
    const wall = { year: 2025, month: 10, day: 26, hour: 2, minute: 30, second: 0, millisecond: 0 };
    expect(wallToInstant(wall, 'Europe/Berlin')).toEqual({
      epochMs: Date.parse('2025-10-26T00:30:00Z'),
      resolution: 'ambiguous',
    });
    expect(isValidTimeZone('America/St_Johns')).toBe(true);
    expect(isValidTimeZone('+01:00')).toBe(false);
    expect(isValidTimeZone('Not/AZone')).toBe(false);
  });
});
