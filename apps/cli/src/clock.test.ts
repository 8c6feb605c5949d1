import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readScheduleFixture, scheduleFixturePath } from '@stagecast/schedule/testing';
import { describe, expect, it } from 'vitest';
import { clockOptions, loadSchedule, parseClockArgs, roomTalks } from './clock.js';
import { CliError } from './errors.js';

const URL_ = 'https://meet.example.com/Room';
function failure(fn: () => unknown): CliError {
  try {
    fn();
  } catch (err) {
    if (err instanceof CliError) return err;
    throw err;
  }
  throw new Error('expected a CliError');
}
async function rejection(p: Promise<unknown>): Promise<CliError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof CliError) return err;
    throw err;
  }
  throw new Error('expected a CliError');
}

describe('stagecast clock arguments', () => {
  it('applies defaults and reads the flags', () => {
    const o = parseClockArgs([URL_, '--schedule', 's.xml', '--room', 'Saal 1']);
    expect(o).toMatchObject({
      reminders: [300, 60],
      subject: false,
      beeps: false,
      width: 1280,
      height: 720,
      fps: 30,
      nick: 'Stagecast clock',
      refreshMs: 300_000,
    });
    const p = parseClockArgs([
      URL_,
      '--schedule',
      's.xml',
      '--room',
      'Saal 1',
      '--reminders',
      '600, 120,30',
      '--subject',
      '--beeps',
      '--time-zone',
      'Europe/Berlin',
    ]);
    expect(p).toMatchObject({ reminders: [600, 120, 30], subject: true, beeps: true, timeZone: 'Europe/Berlin' });
    expect(parseClockArgs([URL_, '--schedule', 's', '--room', 'r', '--reminders', ''])).toMatchObject({
      reminders: [],
    });
    expect(parseClockArgs(['--help'])).toBe('help');
    expect(parseClockArgs([URL_, '--schedule', 's', '--room', 'r', '--video-codec', 'H264'])).toMatchObject({
      videoCodec: 'h264',
    });
  });
  it('names the problem and the fix', () => {
    expect(failure(() => parseClockArgs([URL_, '--room', 'x'])).message).toMatch(/--schedule is required/);
    expect(failure(() => parseClockArgs([URL_, '--schedule', 's'])).message).toMatch(/--room is required/);
    expect(failure(() => parseClockArgs(['--schedule', 's', '--room', 'r'])).message).toMatch(
      /exactly one <meeting-url>/,
    );
    expect(
      failure(() => parseClockArgs([URL_, '--schedule', 's', '--room', 'r', '--reminders', '5m'])).message,
    ).toMatch(/--reminders expects seconds/);
    expect(
      failure(() => parseClockArgs([URL_, '--schedule', 's', '--room', 'r', '--time-zone', 'Mars/Base'])).message,
    ).toMatch(/not an IANA time zone/);
    expect(failure(() => parseClockArgs([URL_, '--schedule', 's', '--room', 'r', '--bogus'])).reason).toBe('usage');
    expect(
      failure(() => parseClockArgs([URL_, '--schedule', 's', '--room', 'r', '--video-codec', 'av1'])).message,
    ).toMatch(/--video-codec must be vp8 or h264/);
    expect(failure(() => parseClockArgs(['ftp://x/y', '--schedule', 's', '--room', 'r'])).message).toMatch(
      /http\(s\) URL/,
    );
  });
});

describe('schedule loading', () => {
  it('reads a frab file, picks the room (case-insensitive) and uses the conference zone', async () => {
    const s = await loadSchedule(scheduleFixturePath('frab-berlin-dst.xml'));
    const talks = roomTalks(s, 'saal 1');
    expect(talks.length).toBeGreaterThan(0);
    expect(talks.every((t) => Number.isInteger(t.startsAtMs) && t.title.length > 0)).toBe(true);
    const o = clockOptions(parseClockArgs([URL_, '--schedule', 'x', '--room', 'Saal 1']) as never, s);
    expect(o.timeZone).toBe(s.conference.timeZone);
    expect(failure(() => roomTalks(s, 'Hall 9')).message).toMatch(
      /"Hall 9" is not in the schedule; its rooms are: .*"Saal 1"/,
    );
  });
  it('fails clearly on a missing file, a malformed document and an HTTP error', async () => {
    expect((await rejection(loadSchedule('/nonexistent/schedule.xml'))).message).toMatch(/cannot be read \(ENOENT\)/);
    const bad = await rejection(loadSchedule(scheduleFixturePath('malformed/unclosed-tag.xml')));
    expect(bad.reason).toBe('invalid-option');
    expect(bad.message).toMatch(/not a usable schedule/);
    const server = createServer((req, res) => {
      if (req.url?.startsWith('/ok')) res.end(readScheduleFixture('frab-berlin-dst.xml'));
      else res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      expect(roomTalks(await loadSchedule(`${base}/ok?token=secret`), 'Saal 2').length).toBeGreaterThan(0);
      const e = await rejection(loadSchedule(`${base}/missing?token=secret`));
      expect(e.message).toMatch(/HTTP 404/);
      expect(e.message).not.toMatch(/secret/);
    } finally {
      server.close();
    }
  });
});
