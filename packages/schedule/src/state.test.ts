import { describe, expect, it } from 'vitest';
import { formatCountdown, nextTransitionAt, parseSchedule, roomStateAt, type Talk } from './index.js';
import { buildTalk, readScheduleFixture } from './testing/index.js';

const at = (iso: string): number => {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) throw new Error(`bad instant ${iso}`);
  return ms;
};
const roomTalks = (fixture: string, room: string): Talk[] =>
  parseSchedule(readScheduleFixture(fixture)).talks.filter((t) => t.room === room);
const guidOf = (t: Talk | null): string | null => t?.guid.slice(-4) ?? null;
const brief = (talks: Talk[], iso: string, options?: Parameters<typeof roomStateAt>[2]) => {
  const s = roomStateAt(talks, at(iso), options);
  return { phase: s.phase, now: guidOf(s.now), next: guidOf(s.next), previous: guidOf(s.previous) };
};

describe('roomStateAt — Pacific/Chatham Main Hall (back-to-back, overlap, overnight gaps)', () => {
  const hall = roomTalks('pretalx-chatham.xml', 'Main Hall');

  it('counts down before the first talk of the conference', () => {
    const s = roomStateAt(hall, at('2026-04-02T10:00:00Z'), { timeZone: 'Pacific/Chatham' });
    expect(s).toMatchObject({ phase: 'countdown', now: null, previous: null, timeUntilNextMs: 9.25 * 3600_000 });
    expect(guidOf(s.next)).toBe('0001');
    expect(formatCountdown(s.timeUntilNextMs!)).toBe('09:15:00');
    expect(s.display).toEqual({
      timeZone: 'Pacific/Chatham',
      at: '2026-04-02 23:45:00',
      nowEnds: null,
      nextStarts: '2026-04-03 09:00',
    });
  });

  it('is live from the exact start instant and hands over back-to-back without a gap', () => {
    expect(brief(hall, '2026-04-02T19:14:59.999Z')).toEqual({
      phase: 'countdown',
      now: null,
      next: '0001',
      previous: null,
    });
    const start = roomStateAt(hall, at('2026-04-02T19:15:00Z'));
    expect(start).toMatchObject({
      phase: 'live',
      nowElapsedMs: 0,
      nowRemainingMs: 1800_000,
      timeUntilNextMs: 1800_000,
    });
    expect(brief(hall, '2026-04-02T19:44:59.999Z')).toMatchObject({ now: '0001', next: '0002' });
    expect(brief(hall, '2026-04-02T19:45:00Z')).toEqual({ phase: 'live', now: '0002', next: '0005', previous: '0001' });
  });

  it('treats the overnight gap to the next day as a new countdown', () => {
    const s = roomStateAt(hall, at('2026-04-02T20:45:00Z'), { timeZone: 'Pacific/Chatham' });
    expect(s.phase).toBe('countdown');
    expect(guidOf(s.previous)).toBe('0002');
    expect(guidOf(s.next)).toBe('0005');
    expect(formatCountdown(s.timeUntilNextMs!)).toBe('22:30:00');
    // Crossing local midnight changes nothing but the clock.
    expect(brief(hall, '2026-04-03T10:44:59Z')).toEqual(brief(hall, '2026-04-03T10:45:01Z'));
    expect(roomStateAt(hall, at('2026-04-03T10:45:00Z'), { timeZone: 'Pacific/Chatham' }).display?.at).toBe(
      '2026-04-04 00:30:00',
    );
  });

  it('gives the room to the later-starting talk while two overlap', () => {
    const s = roomStateAt(hall, at('2026-04-03T20:05:00Z'));
    expect(s.phase).toBe('live');
    expect(guidOf(s.now)).toBe('0006');
    expect(s.overlapping.map(guidOf)).toEqual(['0005']);
    expect(guidOf(s.next)).toBe('0009');
    expect(brief(hall, '2026-04-03T19:59:59Z').now).toBe('0005');
    const after = roomStateAt(hall, at('2026-04-03T20:15:00Z'));
    expect(guidOf(after.now)).toBe('0006');
    expect(after.overlapping).toEqual([]);
    expect(guidOf(after.previous)).toBe('0005');
  });

  it('is between talks in a short gap and countdown in a long one (sessionGapMs)', () => {
    expect(brief(hall, '2026-04-05T01:00:00Z').phase).toBe('countdown');
    expect(brief(hall, '2026-04-05T01:00:00Z', { sessionGapMs: 8 * 3600_000 }).phase).toBe('between');
  });

  it('is finished after the last talk and idle without talks', () => {
    const s = roomStateAt(hall, at('2026-04-05T04:45:00Z'));
    expect(s).toMatchObject({ phase: 'finished', now: null, next: null, timeUntilNextMs: null });
    expect(guidOf(s.previous)).toBe('0008');
    expect(roomStateAt([], at('2026-04-05T04:45:00Z'))).toMatchObject({ phase: 'idle', now: null, next: null });
  });
});

describe('roomStateAt — DST changes', () => {
  it('Berlin fall-back: the second 02:30 talk is 50 minutes away at 02:40 CEST', () => {
    const cafe = roomTalks('frab-berlin-dst.xml', 'Café Größenwahn');
    const s = roomStateAt(cafe, at('2025-10-26T00:40:00Z'), { timeZone: 'Europe/Berlin' });
    expect(s.phase).toBe('live');
    expect(guidOf(s.now)).toBe('1004');
    expect(guidOf(s.next)).toBe('1005');
    expect(s.timeUntilNextMs).toBe(50 * 60_000);
    expect(s.display).toMatchObject({ at: '2025-10-26 02:40:00', nextStarts: '2025-10-26 02:30' });
    const between = roomStateAt(cafe, at('2025-10-26T00:55:00Z'));
    expect(between.phase).toBe('between');
    expect(formatCountdown(between.timeUntilNextMs!)).toBe('00:35:00');
  });

  it('Berlin fall-back: a 2 h talk across the change has the right remaining time', () => {
    const saal2 = roomTalks('frab-berlin-dst.xml', 'Saal 2');
    const s = roomStateAt(saal2, at('2025-10-26T01:00:00Z'), { timeZone: 'Europe/Berlin' });
    expect(guidOf(s.now)).toBe('1003');
    expect(s.nowElapsedMs).toBe(90 * 60_000);
    expect(s.nowRemainingMs).toBe(30 * 60_000);
    expect(s.display).toMatchObject({ at: '2025-10-26 02:00:00', nowEnds: '2025-10-26 02:30' });
  });

  it("St. John's spring-forward: an hour of wall clock vanishes, elapsed time does not", () => {
    const cabot = roomTalks('frab-st-johns.json', 'Cabot Tower');
    const before = roomStateAt(cabot, at('2026-03-08T05:29:00Z'), { timeZone: 'America/St_Johns' });
    const after = roomStateAt(cabot, at('2026-03-08T05:30:00Z'), { timeZone: 'America/St_Johns' });
    expect(guidOf(before.now)).toBe('0204');
    expect(before.display?.at).toBe('2026-03-08 01:59:00');
    expect(after.display?.at).toBe('2026-03-08 03:00:00');
    expect(before.nowRemainingMs! - after.nowRemainingMs!).toBe(60_000);
    expect(after.display?.nowEnds).toBe('2026-03-08 03:30');
  });

  it("St. John's day boundary: local midnight before a past-midnight talk", () => {
    const cabot = roomTalks('frab-st-johns.json', 'Cabot Tower');
    const s = roomStateAt(cabot, at('2026-03-08T03:30:00Z'), { timeZone: 'America/St_Johns' });
    expect(s).toMatchObject({ phase: 'countdown', display: { at: '2026-03-08 00:00:00' } });
    expect(guidOf(s.previous)).toBe('0103');
    expect(guidOf(s.next)).toBe('0204');
    expect(formatCountdown(s.timeUntilNextMs!)).toBe('01:30:00');
    expect(formatCountdown(roomStateAt(cabot, at('2026-03-05T00:00:00Z')).timeUntilNextMs!)).toBe('36:30:00');
  });
});

describe('roomStateAt — edge rules', () => {
  it('never makes a zero-length talk live', () => {
    const marker = buildTalk({ startUtc: '2025-06-12T10:00:00Z', durationSeconds: 0 });
    expect(roomStateAt([marker], at('2025-06-12T10:00:00Z'))).toMatchObject({
      phase: 'finished',
      now: null,
      previous: marker,
    });
    expect(roomStateAt([marker], at('2025-06-12T09:59:59Z'))).toMatchObject({ phase: 'countdown', next: marker });
  });

  it('breaks ties on equal starts by guid, independent of input order', () => {
    const a = buildTalk({ guid: 'aaaa', startUtc: '2025-06-12T10:00:00Z' });
    const b = buildTalk({ guid: 'bbbb', startUtc: '2025-06-12T10:00:00Z' });
    for (const talks of [
      [a, b],
      [b, a],
    ]) {
      expect(roomStateAt(talks, at('2025-06-12T09:00:00Z')).next?.guid).toBe('aaaa');
      const live = roomStateAt(talks, at('2025-06-12T10:10:00Z'));
      expect(live.now?.guid).toBe('aaaa');
      expect(live.overlapping.map((t) => t.guid)).toEqual(['bbbb']);
    }
  });

  it('accepts Date and number instants alike and rejects invalid input', () => {
    const t = [buildTalk({ startUtc: '2025-06-12T10:00:00Z' })];
    expect(roomStateAt(t, new Date('2025-06-12T09:00:00Z'))).toEqual(roomStateAt(t, at('2025-06-12T09:00:00Z')));
    expect(() => roomStateAt(t, new Date('nope'))).toThrow(TypeError);
    expect(() => roomStateAt(t, 0, { timeZone: 'Mars/Olympus' })).toThrow(/not an IANA time zone/);
  });
});

describe('nextTransitionAt', () => {
  const hall = roomTalks('pretalx-chatham.xml', 'Main Hall');

  it('walks every start and end in order, then returns null', () => {
    const expected = [
      ...new Set(hall.flatMap((t) => [t.start.epochMs, t.start.epochMs + t.durationSeconds * 1000])),
    ].sort((x, y) => x - y);
    const seen: number[] = [];
    let cursor: number | null = at('2026-01-01T00:00:00Z');
    while ((cursor = nextTransitionAt(hall, cursor)) !== null) seen.push(cursor);
    expect(seen).toEqual(expected);
  });

  it('state is constant between consecutive transitions (sampled)', () => {
    let from: number | null = at('2026-04-02T00:00:00Z');
    let seed = 7;
    const rand = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    while (from !== null) {
      const to = nextTransitionAt(hall, from);
      const base = brief(hall, new Date(from).toISOString());
      const end = to ?? from + 86_400_000;
      for (let i = 0; i < 5; i++) {
        const sample = from + Math.floor(rand() * (end - from));
        expect(brief(hall, new Date(sample).toISOString())).toEqual(base);
      }
      from = to;
    }
  });
});

describe('formatCountdown', () => {
  it.each([
    [0, '00:00:00'],
    [1, '00:00:01'],
    [999, '00:00:01'],
    [1000, '00:00:01'],
    [1001, '00:00:02'],
    [59_000, '00:00:59'],
    [60_000, '00:01:00'],
    [3600_000, '01:00:00'],
    [25 * 3600_000 + 61_000, '25:01:01'],
    [100 * 3600_000, '100:00:00'],
    [-1, '00:00:00'],
    [-86_400_000, '00:00:00'],
  ])('%d ms → %s', (ms, text) => {
    expect(formatCountdown(ms)).toBe(text);
  });

  it('rejects NaN and Infinity', () => {
    expect(() => formatCountdown(Number.NaN)).toThrow(TypeError);
    expect(() => formatCountdown(Infinity)).toThrow(TypeError);
  });
});
