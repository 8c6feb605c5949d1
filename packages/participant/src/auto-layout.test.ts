import { describe, expect, it } from 'vitest';
import { decideAutoLayout, sameAutoLayout, type AutoLayoutSource } from './auto-layout.js';
import {
  PLAYOUT_PRESENCE_NAME,
  PLAYOUT_PRESENCE_NS,
  parsePlayoutPresence,
  playoutPresenceExtension,
  type RoomPlayout,
} from './playout-presence.js';

const T = Date.parse('2026-11-21T14:00:00Z');
const cam = (owner: string, muted = false): AutoLayoutSource => ({ owner, videoType: 'camera', muted });
const screen = (owner: string, muted = false): AutoLayoutSource => ({ owner, videoType: 'desktop', muted });
const po = (state: RoomPlayout['state'], o: Partial<RoomPlayout> = {}): RoomPlayout => ({
  endpointId: 'p1',
  state,
  talk: 'Opening',
  startsAtMs: T,
  ...o,
});
const room = [cam('p1'), cam('alice'), cam('bob')];

describe('decideAutoLayout', () => {
  it('puts a playing or paused talk full frame (single pinned to the playout)', () => {
    for (const [state, reason] of [
      ['playing', 'talk-playing'],
      ['paused', 'talk-paused'],
    ] as const) {
      const d = decideAutoLayout({ playouts: [po(state)], sources: room, dominant: 'alice', nowMs: T + 60_000 });
      expect(d.layout).toEqual({ kind: 'single', pinned: 'p1' });
      expect(d.reason).toBe(reason);
      expect(d.playout?.endpointId).toBe('p1');
      expect(d.message).toContain('"Opening"');
    }
    // Even when somebody shares a screen: the talk wins.
    expect(
      decideAutoLayout({ playouts: [po('playing')], sources: [...room, screen('bob')], nowMs: T }).layout.kind,
    ).toBe('single');
  });

  it('takes the stage leadMs before a scheduled start, gives it back after the grace, and says when to look again', () => {
    const at = (nowMs: number) =>
      decideAutoLayout({ playouts: [po('scheduled')], sources: room, nowMs }, { leadMs: 2000, startGraceMs: 5000 });
    const early = at(T - 10_000);
    expect(early.layout).toEqual({ kind: 'speaker' });
    expect(early.recheckAtMs).toBe(T - 2000);
    const lead = at(T - 1500);
    expect(lead).toMatchObject({
      layout: { kind: 'single', pinned: 'p1' },
      reason: 'talk-starting',
      recheckAtMs: T + 5000,
    });
    // Still scheduled 5 s after T (preroll late, start cancelled): back to the people, nothing more to wait for.
    const late = at(T + 5000);
    expect(late.layout).toEqual({ kind: 'speaker' });
    expect(late.recheckAtMs).toBeUndefined();
    // No start time in presence: only the state counts.
    expect(
      decideAutoLayout({ playouts: [po('scheduled', { startsAtMs: undefined })], sources: room, nowMs: T }).layout.kind,
    ).toBe('speaker');
  });

  it('holds the stage tailMs after the talk ended (its last frames are still in flight), not after a stop', () => {
    const ended = po('ended', { sinceMs: T + 4000 });
    const at = (nowMs: number, tailMs?: number) =>
      decideAutoLayout({ playouts: [ended], sources: room, nowMs }, tailMs === undefined ? {} : { tailMs });
    expect(at(T + 4500)).toMatchObject({
      layout: { kind: 'single', pinned: 'p1' },
      reason: 'talk-ending',
      recheckAtMs: T + 5000,
    });
    expect(at(T + 4500).message).toMatch(/ended: stage held 1000 ms/);
    expect(at(T + 5000)).toMatchObject({ layout: { kind: 'speaker' }, reason: 'speaker' });
    expect(at(T + 5000).recheckAtMs).toBeUndefined();
    expect(at(T + 4500, 0).layout.kind).toBe('speaker');
    // The video muted after the talk (black) still holds the stage for the tail: the frames before it are the talk's.
    expect(
      decideAutoLayout({ playouts: [ended], sources: [cam('p1', true), cam('alice')], nowMs: T + 4100 }).reason,
    ).toBe('talk-ending');
    // An operator's stop, or a failure, cuts to the people at once.
    for (const state of ['stopped', 'failed'] as const) {
      expect(
        decideAutoLayout({ playouts: [po(state, { sinceMs: T + 4000 })], sources: room, nowMs: T + 4100 }).layout.kind,
      ).toBe('speaker');
    }
  });

  it('does not take the stage for a playout without video in the composite (not yet in the roster, or muted before its start)', () => {
    expect(decideAutoLayout({ playouts: [po('playing')], sources: [cam('alice')], nowMs: T }).layout.kind).toBe(
      'speaker',
    );
    expect(
      decideAutoLayout({ playouts: [po('scheduled')], sources: [cam('p1', true), cam('alice')], nowMs: T - 500 }).layout
        .kind,
    ).toBe('speaker');
  });

  it('after the talk: screen-share when a person shares a screen, else speaker (Q&A), never featuring the playout', () => {
    const ended = po('ended');
    const share = decideAutoLayout({
      playouts: [ended],
      sources: [...room, screen('bob')],
      dominant: 'p1',
      nowMs: T + 600_000,
    });
    expect(share).toMatchObject({ layout: { kind: 'screen-share' }, reason: 'screen-shared', speaker: 'alice' });
    expect(share.message).toMatch(/talk "Opening" ended; .*bob shares a screen/);
    // The playout's talk audio made it the dominant speaker: feature the first unmuted person instead.
    const qa = decideAutoLayout({
      playouts: [ended],
      sources: [cam('p1', true), cam('alice', true), cam('bob')],
      dominant: 'p1',
      nowMs: T + 600_000,
    });
    expect(qa).toMatchObject({ layout: { kind: 'speaker' }, reason: 'speaker', speaker: 'bob' });
    expect(qa.message).toContain('(Q&A)');
    expect(decideAutoLayout({ playouts: [ended], sources: room, dominant: 'bob', nowMs: T }).speaker).toBe('bob');
    // A muted screen share does not count; nor a "share" published by the playout itself.
    expect(decideAutoLayout({ playouts: [], sources: [cam('alice'), screen('bob', true)], nowMs: T }).layout.kind).toBe(
      'speaker',
    );
    expect(decideAutoLayout({ playouts: [ended], sources: [...room, screen('p1')], nowMs: T }).layout.kind).toBe(
      'speaker',
    );
    for (const state of ['stopped', 'failed'] as const) {
      expect(decideAutoLayout({ playouts: [po(state)], sources: room, nowMs: T }).layout.kind).toBe('speaker');
    }
  });

  it('without any playout it is screen-share/speaker only; an empty room is speaker (the composite shows its slate)', () => {
    expect(decideAutoLayout({ playouts: [], sources: [], nowMs: T })).toMatchObject({
      layout: { kind: 'speaker' },
      reason: 'speaker',
    });
    expect(decideAutoLayout({ playouts: [], sources: [], nowMs: T }).speaker).toBeUndefined();
    expect(decideAutoLayout({ playouts: [], sources: [cam('a'), screen('a')], nowMs: T }).layout.kind).toBe(
      'screen-share',
    );
  });

  it('with two playouts: playing beats paused beats starting, then the latest start', () => {
    const a = po('paused', { endpointId: 'pa', startsAtMs: T - 60_000 });
    const b = po('playing', { endpointId: 'pb', startsAtMs: T - 120_000 });
    const c = po('scheduled', { endpointId: 'pc', startsAtMs: T + 1000 });
    const sources = [cam('pa'), cam('pb'), cam('pc')];
    expect(decideAutoLayout({ playouts: [a, b, c], sources, nowMs: T }).layout).toEqual({
      kind: 'single',
      pinned: 'pb',
    });
    expect(decideAutoLayout({ playouts: [a, c], sources, nowMs: T }).layout).toEqual({ kind: 'single', pinned: 'pa' });
    const a2 = po('playing', { endpointId: 'pa', startsAtMs: T - 60_000 });
    expect(decideAutoLayout({ playouts: [a2, b], sources, nowMs: T }).layout).toEqual({ kind: 'single', pinned: 'pa' });
  });

  it('sameAutoLayout compares kind and pin', () => {
    expect(sameAutoLayout({ kind: 'single', pinned: 'a' }, { kind: 'single', pinned: 'a' })).toBe(true);
    expect(sameAutoLayout({ kind: 'single', pinned: 'a' }, { kind: 'single', pinned: 'b' })).toBe(false);
    expect(sameAutoLayout({ kind: 'speaker' }, { kind: 'screen-share' })).toBe(false);
    expect(sameAutoLayout(undefined, { kind: 'speaker' })).toBe(false);
  });
});

describe('playout presence', () => {
  it('builds the element and parses its attributes back; garbage is not a playout', () => {
    const ext = playoutPresenceExtension({ state: 'playing', talk: 'Opening', startsAtMs: T });
    expect(ext).toEqual({
      name: PLAYOUT_PRESENCE_NAME,
      xmlns: PLAYOUT_PRESENCE_NS,
      attrs: { state: 'playing', talk: 'Opening', 'starts-at': '2026-11-21T14:00:00.000Z' },
    });
    expect(parsePlayoutPresence(ext.attrs!)).toEqual({ state: 'playing', talk: 'Opening', startsAtMs: T });
    expect(parsePlayoutPresence({ state: 'ended' })).toEqual({ state: 'ended' });
    const since = playoutPresenceExtension({ state: 'ended', sinceMs: T + 4000 });
    expect(since.attrs).toEqual({ state: 'ended', since: '2026-11-21T14:00:04.000Z' });
    expect(parsePlayoutPresence(since.attrs!)).toEqual({ state: 'ended', sinceMs: T + 4000 });
    expect(parsePlayoutPresence({ state: 'dancing' })).toBeUndefined();
    expect(parsePlayoutPresence({ state: 'playing', 'starts-at': 'tomorrow' })).toBeUndefined();
    expect(parsePlayoutPresence({})).toBeUndefined();
    expect(playoutPresenceExtension({ state: 'scheduled', talk: 'x'.repeat(500) }).attrs?.talk).toHaveLength(200);
    expect(playoutPresenceExtension({ state: 'scheduled', startsAtMs: Number.NaN }).attrs).toEqual({
      state: 'scheduled',
    });
  });
});
