import { describe, expect, it } from 'vitest';
import { parseSchedule, ScheduleParseError, type ScheduleIssue } from './index.js';
import { readScheduleFixture } from './testing/index.js';

function parseError(input: string | Uint8Array, options?: Parameters<typeof parseSchedule>[1]): ScheduleParseError {
  try {
    parseSchedule(input, options);
  } catch (err: unknown) {
    if (err instanceof ScheduleParseError) return err;
    throw err;
  }
  throw new Error('expected a ScheduleParseError');
}
const summary = (issues: readonly ScheduleIssue[]): [string, number | undefined][] =>
  issues.map((i) => [i.reason, i.line]);

describe('malformed XML', () => {
  it('reports the line of a mismatched closing tag', () => {
    const err = parseError(readScheduleFixture('malformed/unclosed-tag.xml'));
    expect(err.reason).toBe('malformed-xml');
    expect(err.line).toBe(13);
    expect(err.column).toBeGreaterThan(20);
    expect(err.path).toMatch(/^\/schedule\/day\[1\]\/room\[1\]\/event\[1\]/);
    expect(err.message).toMatch(
      /^Schedule rejected: line 13:\d+ .*not well-formed: unexpected close tag\. Fix .*re-export/,
    );
  });

  it('reports an unescaped ampersand and says to write &amp;', () => {
    const err = parseError(readScheduleFixture('malformed/unescaped-ampersand.xml'));
    expect(err).toMatchObject({ reason: 'malformed-xml', line: 4, column: 17 });
    expect(err.message).toContain('&amp;');
  });

  it('collects every field error with its line, in document order', () => {
    const err = parseError(readScheduleFixture('malformed/invalid-fields.xml'));
    expect(err.format).toBe('frab-xml');
    expect(summary(err.issues)).toEqual([
      ['invalid-field', 13],
      ['missing-field', 19],
      ['invalid-field', 22],
      ['invalid-field', 25],
      ['missing-field', 27],
      ['invalid-field', 30],
      ['duplicate-guid', 32],
      ['missing-field', 37],
    ]);
    const [duration, title, date, optout, noDate, url, dup, noDuration] = err.issues;
    expect(duration?.path).toBe('/schedule/day[1]/room[1]/event[1]/duration[1]');
    expect(duration?.message).toBe('duration "1h30" is not HH:MM or HH:MM:SS, e.g. "00:45" or "01:30:00".');
    expect(title?.message).toMatch(/no title; add <title>/);
    expect(date?.message).toMatch(
      /"12\.06\.2025 14:00" is not an ISO 8601 date-time with offset, e\.g\. "2025-06-12T10:30:00\+02:00"/,
    );
    expect(optout?.message).toMatch(/"maybe" must be true or false/);
    expect(noDate?.path).toBe('/schedule/day[1]/room[1]/event[4]/date');
    expect(url?.message).toMatch(/absolute http\(s\) URL/);
    expect(dup?.message).toMatch(/used twice \(first at line 11\)/);
    expect(noDuration?.message).toMatch(/no duration; add one as HH:MM/);
    expect(err.message.split('\n')).toHaveLength(9);
  });

  it('stops keeping issues at maxIssues and counts the rest', () => {
    const err = parseError(readScheduleFixture('malformed/invalid-fields.xml'), { maxIssues: 3 });
    expect(err.issues).toHaveLength(3);
    expect(err.omittedIssues).toBe(5);
    expect(err.message).toContain('8 problems');
    expect(err.message).toContain('… and 5 more');
  });

  it('never expands DTD entities (no XXE, no entity bombs)', () => {
    const xxe =
      '<?xml version="1.0"?>\n<!DOCTYPE schedule [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n<schedule><version>&xxe;</version></schedule>';
    expect(parseError(xxe)).toMatchObject({ reason: 'malformed-xml', line: 3 });
  });

  it('rejects a time zone that is not IANA', () => {
    const err = parseError(readScheduleFixture('malformed/bad-time-zone.xml'));
    expect(err).toMatchObject({
      reason: 'unknown-time-zone',
      line: 5,
      path: '/schedule/conference[1]/time_zone_name[1]',
    });
    expect(err.message).toMatch(/"CEST" is not an IANA time zone; use a name like "Europe\/Berlin"/);
  });
});

describe('malformed JSON', () => {
  it('reports a trailing comma at its line', () => {
    const err = parseError(readScheduleFixture('malformed/trailing-comma.json'));
    expect(err).toMatchObject({ reason: 'malformed-json', line: 12 });
    expect(err.message).toMatch(/trailing comma before "}"/);
  });

  it('maps type errors and semantic errors back to their lines', () => {
    const err = parseError(readScheduleFixture('malformed/wrong-types.json'));
    expect(err.format).toBe('frab-json');
    expect(summary(err.issues)).toEqual([
      ['invalid-field', 17],
      ['invalid-field', 26],
      ['invalid-field', 48],
      ['missing-field', 28],
      ['invalid-field', 38],
      ['invalid-field', 40],
    ]);
    const [duration, persons, rooms, title] = err.issues;
    expect(duration?.path).toBe('schedule.conference.days[0].rooms["Main Hall"][0].duration');
    expect(duration?.message).toBe('"duration" must be a string like "00:45" or "01:30:00" (found number 45).');
    expect(persons?.message).toMatch(/"persons" must be an array of/);
    expect(rooms?.message).toMatch(/"rooms" must be an object mapping room names/);
    expect(title?.path).toBe('schedule.conference.days[0].rooms["Main Hall"][2].title');
  });

  it('reports unterminated strings, bad literals and trailing garbage with positions', () => {
    expect(parseError('{\n  "schedule": "x\n}')).toMatchObject({ reason: 'malformed-json', line: 2 });
    expect(parseError('{"schedule": {"conference": tru}}')).toMatchObject({
      reason: 'malformed-json',
      line: 1,
      column: 29,
    });
    expect(parseError('{"a": 1}\n\n}')).toMatchObject({ reason: 'malformed-json', line: 3, column: 1 });
    expect(parseError('['.repeat(1000))).toMatchObject({ reason: 'malformed-json' });
  });

  it('requires schedule.conference.days', () => {
    const err = parseError('{"schedule": {"conference": {"title": "x", "time_zone_name": "UTC"}}}');
    expect(err).toMatchObject({ reason: 'missing-field', path: 'schedule.conference.days', line: 1 });
  });
});

describe('unknown formats and inputs', () => {
  it('names iCalendar, other XML roots, empty and random input', () => {
    expect(parseError(readScheduleFixture('malformed/calendar.ics')).message).toMatch(
      /iCalendar.*schedule\.xml or schedule\.json/s,
    );
    expect(parseError('<iCalendar/>').message).toMatch(/<iCalendar>.*xCal/);
    expect(parseError('   ').reason).toBe('unknown-format');
    expect(parseError('hello').reason).toBe('unknown-format');
    expect(parseError('{"conference": {}}').reason).toBe('unknown-format');
  });

  it('rejects invalid UTF-8 and oversized input', () => {
    expect(parseError(new Uint8Array([0x3c, 0xff, 0xfe])).reason).toBe('invalid-encoding');
    expect(parseError('<schedule/>', { maxBytes: 5 }).reason).toBe('input-too-large');
  });

  it('rejects invalid options with a TypeError', () => {
    expect(() => parseSchedule('<schedule/>', { maxIssues: 0 })).toThrow(TypeError);
  });
});
