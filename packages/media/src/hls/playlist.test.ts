import { describe, expect, it } from 'vitest';
import { HlsPlaylist, parsePlaylist } from './playlist.js';

const t0 = Date.parse('2026-11-21T12:00:00.000Z');
const seg = (i: number, d = 1) => ({
  uri: `seg-${i}.ts`,
  durationSeconds: d,
  programDateTime: new Date(t0 + i * 1000),
});

describe('HlsPlaylist', () => {
  it('writes PROGRAM-DATE-TIME for every segment and slides the window', () => {
    const list = new HlsPlaylist({ kind: 'live', targetDurationSeconds: 1, windowSize: 6 });
    const evicted = [];
    for (let i = 0; i < 10; i++) evicted.push(...list.append(seg(i)).evicted);
    expect(evicted.map((s) => s.uri)).toEqual(['seg-0.ts', 'seg-1.ts', 'seg-2.ts', 'seg-3.ts']);
    const parsed = parsePlaylist(list.render());
    expect(parsed.mediaSequence).toBe(4);
    expect(parsed.segments.map((s) => s.uri)).toEqual([
      'seg-4.ts',
      'seg-5.ts',
      'seg-6.ts',
      'seg-7.ts',
      'seg-8.ts',
      'seg-9.ts',
    ]);
    expect(parsed.segments.every((s) => s.programDateTime !== null)).toBe(true);
    expect(parsed.segments[0]!.programDateTime!.toISOString()).toBe('2026-11-21T12:00:04.000Z');
    expect(parsed.discontinuities).toBe(0);
    expect(parsed.ended).toBe(false);
    expect(list.render()).not.toContain('EXT-X-DISCONTINUITY');
  });

  it('keeps every segment in an event playlist and ends it', () => {
    const list = new HlsPlaylist({ kind: 'event', targetDurationSeconds: 2, windowSize: 3 });
    for (let i = 0; i < 7; i++) expect(list.append(seg(i, 2)).evicted).toEqual([]);
    list.end();
    const text = list.render();
    expect(text).toContain('#EXT-X-PLAYLIST-TYPE:EVENT');
    expect(text.trimEnd().endsWith('#EXT-X-ENDLIST')).toBe(true);
    expect(parsePlaylist(text).segments).toHaveLength(7);
    expect(() => list.append(seg(8))).toThrow(/ended/);
  });

  it('advertises one second of headroom so a stretched segment does not change the target (RFC 8216 §6.2.1)', () => {
    const list = new HlsPlaylist({ kind: 'live', targetDurationSeconds: 1, windowSize: 6 });
    list.append(seg(0, 1.0));
    expect(parsePlaylist(list.render()).targetDuration).toBe(2);
    list.append(seg(1, 1.6)); // a keyframe that came late under load
    expect(parsePlaylist(list.render()).targetDuration).toBe(2);
  });

  it('raises the target duration only when a segment rounds above even the headroom (RFC 8216 §4.3.3.1)', () => {
    const list = new HlsPlaylist({ kind: 'live', targetDurationSeconds: 1, windowSize: 6 });
    list.append(seg(0, 1.0));
    list.append(seg(1, 2.6));
    expect(parsePlaylist(list.render()).targetDuration).toBe(3);
  });

  it('marks real restarts and counts discontinuities that left the window', () => {
    const list = new HlsPlaylist({ kind: 'live', targetDurationSeconds: 1, windowSize: 6 });
    for (const i of [0, 1, 2, 3, 4]) list.append(seg(i));
    list.append({ ...seg(5), discontinuity: true });
    list.append(seg(6));
    expect(parsePlaylist(list.render()).discontinuities).toBe(1);
    for (const i of [7, 8, 9, 10]) list.append(seg(i)); // the discontinuity segment becomes first: its tag leaves the playlist
    const text = list.render();
    expect(text).toContain('#EXT-X-DISCONTINUITY-SEQUENCE:1');
    expect(parsePlaylist(text).discontinuities).toBe(0);
  });

  it('rejects invalid input', () => {
    const list = new HlsPlaylist({ kind: 'live', targetDurationSeconds: 1, windowSize: 6 });
    expect(() => list.append(seg(0, 0))).toThrow(/invalid duration/);
    expect(() => list.append(seg(0, Number.NaN))).toThrow(/invalid duration/);
    expect(() => new HlsPlaylist({ kind: 'live', targetDurationSeconds: 1, windowSize: 5 })).toThrow(
      /at least 6 segments of 1 s/,
    );
    expect(() => new HlsPlaylist({ kind: 'live', targetDurationSeconds: 2, windowSize: 5 })).not.toThrow();
    expect(() => parsePlaylist('nope')).toThrow(/#EXTM3U/);
  });
});
