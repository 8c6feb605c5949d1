import { describe, expect, it } from 'vitest';
import { effectiveStart, endedEarly, planStart, positionAt } from './playout-plan.js';
import { playoutSourceSchema } from './playout-spec.js';

const base = { startMarginMs: 2000, openAheadMs: 300_000, policy: 'from-start' as const };

describe('planStart', () => {
  it('switches exactly at T from position 0 when there is time to preroll', () => {
    expect(planStart({ ...base, startsAtMs: 100_000, nowMs: 20_000 })).toEqual({
      switchAtMs: 100_000,
      positionMs: 0,
      late: null,
      openNow: true,
    });
  });
  it('opens the file only openAheadMs before T', () => {
    expect(planStart({ ...base, startsAtMs: 1_000_000, nowMs: 0 }).openNow).toBe(false);
  });
  it('still starts at T when T is closer than the margin but further than a third of it', () => {
    expect(planStart({ ...base, startsAtMs: 10_000, nowMs: 9000 })).toMatchObject({ switchAtMs: 10_000, late: null });
  });
  it('late, from-start: plays from 0 at now + margin', () => {
    expect(planStart({ ...base, startsAtMs: 10_000, nowMs: 20_000 })).toEqual({
      switchAtMs: 22_000,
      positionMs: 0,
      late: { lateMs: 10_000, policy: 'from-start' },
      openNow: true,
    });
  });
  it('late, join-in: starts at the position the schedule implies at the switch instant', () => {
    expect(planStart({ ...base, policy: 'join-in', startsAtMs: 10_000, nowMs: 20_000 })).toMatchObject({
      switchAtMs: 22_000,
      positionMs: 12_000,
      late: { lateMs: 10_000, policy: 'join-in' },
    });
  });
  it('late, join-in: rounds the position up to a whole second of the talk (a frame boundary at any integer fps)', () => {
    const plan = planStart({ ...base, policy: 'join-in', startsAtMs: 10_000, nowMs: 20_337 });
    expect(plan).toMatchObject({ switchAtMs: 23_000, positionMs: 13_000 });
    expect(plan.switchAtMs - plan.positionMs).toBe(10_000); // still on schedule: position = switch − T
  });
  it('too close to T (under a third of the margin) counts as late with lateMs 0', () => {
    expect(planStart({ ...base, startsAtMs: 10_000, nowMs: 9500 }).late).toEqual({ lateMs: 0, policy: 'from-start' });
  });
});

describe('positions', () => {
  it('positionAt / effectiveStart / endedEarly', () => {
    expect(positionAt(5000, 4000, 200)).toBe(1200);
    expect(positionAt(3000, 4000, 200)).toBe(200);
    expect(effectiveStart(4000, 1000)).toBe(3000);
    expect(endedEarly(4000, 8000)).toBe(true);
    expect(endedEarly(7900, 8000)).toBe(false);
    expect(endedEarly(100, null)).toBe(false);
  });
});

describe('playoutSourceSchema', () => {
  it('fills defaults and accepts ISO instants', () => {
    const s = playoutSourceSchema.parse({
      kind: 'playout',
      location: '/talk.webm',
      startsAt: '2026-11-21T14:00:00+01:00',
    });
    expect(s.startsAt).toBe(Date.parse('2026-11-21T13:00:00Z'));
    expect(s).toMatchObject({
      latePolicy: 'from-start',
      width: 1280,
      height: 720,
      fps: 30,
      after: { kind: 'slate', text: 'Q&A' },
    });
    expect(s.countdown.style.background).toBe('#101820');
  });
  it('names the bad field', () => {
    const r = playoutSourceSchema.safeParse({
      kind: 'playout',
      location: '/t.webm',
      startsAt: 'tomorrow',
      latePolicy: 'whenever',
    });
    expect(r.success).toBe(false);
    expect(r.error?.message).toMatch(/ISO 8601/);
    expect(r.error?.message).toMatch(/latePolicy|from-start/);
  });
});
