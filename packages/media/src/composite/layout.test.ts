import { describe, expect, it } from 'vitest';
import { computeLayout, constraintsForTiles, layerFor, type LayoutSource } from './layout.js';

const cam = (owner: string, muted = false): LayoutSource => ({ name: `${owner}-v0`, owner, nick: owner, videoType: 'camera', muted });
const screen = (owner: string): LayoutSource => ({ name: `${owner}-v1`, owner, videoType: 'desktop', muted: false });
const canvas = { width: 1280, height: 720 };
const inside = (t: { x: number; y: number; width: number; height: number }) =>
  t.x >= 0 && t.y >= 0 && t.x + t.width <= canvas.width && t.y + t.height <= canvas.height;

describe('computeLayout', () => {
  it('falls back to the slate when nobody is there, whatever was asked', () => {
    for (const kind of ['grid', 'speaker', 'screen-share', 'single', 'slate'] as const) {
      expect(computeLayout({ kind, sources: [] }, canvas)).toEqual({ kind: 'slate', tiles: [] });
    }
  });

  it('grid adapts to N: 1 full, 4 as 2×2, 5 as 3+2 centred, all inside and non-overlapping', () => {
    expect(computeLayout({ kind: 'grid', sources: [cam('a')] }, canvas).tiles).toEqual([{ name: 'a-v0', x: 0, y: 0, width: 1280, height: 720, zorder: 1 }]);
    const four = computeLayout({ kind: 'grid', sources: ['a', 'b', 'c', 'd'].map((o) => cam(o)) }, canvas).tiles;
    expect(four.map((t) => [t.x, t.y, t.width, t.height])).toEqual([[0, 0, 640, 360], [640, 0, 640, 360], [0, 360, 640, 360], [640, 360, 640, 360]]);
    const five = computeLayout({ kind: 'grid', sources: ['a', 'b', 'c', 'd', 'e'].map((o) => cam(o)) }, canvas).tiles;
    expect(five).toHaveLength(5);
    expect(five.every(inside)).toBe(true);
    expect(five[3]!.x).toBeGreaterThan(0); // last row centred
    for (const a of five) for (const b of five) if (a !== b) expect(a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y).toBe(true);
  });

  it('speaker: the dominant speaker large, the others in a strip below', () => {
    const r = computeLayout({ kind: 'speaker', sources: [cam('a'), cam('b'), cam('c')], dominant: 'b' }, canvas);
    expect(r.kind).toBe('speaker');
    expect(r.tiles[0]!.name).toBe('b-v0');
    expect(r.tiles[0]!.height).toBeGreaterThan(500);
    expect(r.tiles.slice(1).map((t) => t.name)).toEqual(['a-v0', 'c-v0']);
    expect(r.tiles.slice(1).every((t) => t.y >= r.tiles[0]!.y + r.tiles[0]!.height && t.height < 200)).toBe(true);
  });

  it('screen-share: the screen full frame with the speaker inset on top; without a screen → speaker', () => {
    const r = computeLayout({ kind: 'screen-share', sources: [cam('a'), cam('b'), screen('a')], dominant: 'b' }, canvas);
    expect(r.kind).toBe('screen-share');
    expect(r.tiles[0]).toMatchObject({ name: 'a-v1', width: 1280, height: 720, zorder: 1 });
    expect(r.tiles[1]).toMatchObject({ name: 'b-v0', zorder: 2 });
    expect(inside(r.tiles[1]!)).toBe(true);
    expect(computeLayout({ kind: 'screen-share', sources: [cam('a')] }, canvas).kind).toBe('speaker');
  });

  it('single: pinned by endpoint or source name, else the speaker', () => {
    expect(computeLayout({ kind: 'single', sources: [cam('a'), cam('b')], pinned: 'b' }, canvas).tiles[0]!.name).toBe('b-v0');
    expect(computeLayout({ kind: 'single', sources: [cam('a'), screen('a')], pinned: 'a-v1' }, canvas).tiles[0]!.name).toBe('a-v1');
    expect(computeLayout({ kind: 'single', sources: [cam('a', true), cam('b')] }, canvas).tiles[0]!.name).toBe('b-v0');
  });
});

describe('constraints from tiles', () => {
  it('asks for the smallest simulcast layer covering each tile', () => {
    expect([100, 180, 181, 360, 500, 720, 1000, 2000].map(layerFor)).toEqual([180, 180, 360, 360, 720, 720, 1080, 1080]);
    const r = computeLayout({ kind: 'speaker', sources: [cam('a'), cam('b')], dominant: 'a' }, canvas);
    const c = constraintsForTiles(r.tiles);
    expect(c.constraints).toEqual({ 'a-v0': { maxHeight: 720 }, 'b-v0': { maxHeight: 180 } });
    expect(c.onStageSources).toEqual(['a-v0']);
    const grid = constraintsForTiles(computeLayout({ kind: 'grid', sources: ['a', 'b', 'c', 'd'].map((o) => cam(o)) }, canvas).tiles);
    expect(Object.values(grid.constraints).every((x) => x.maxHeight === 360)).toBe(true);
  });

  it('keeps off-screen sources at the smallest layer so a layout switch never shows a black tile; 0 turns that off', () => {
    const single = computeLayout({ kind: 'single', sources: [cam('a'), cam('b')], pinned: 'a' }, canvas);
    expect(single.tiles.map((t) => t.name)).toEqual(['a-v0']);
    const c = constraintsForTiles(single.tiles);
    expect(c.constraints).toEqual({ 'a-v0': { maxHeight: 720 } });
    expect(c.defaultConstraints).toEqual({ maxHeight: 180 }); // b-v0, and anyone joining later
    expect(constraintsForTiles(single.tiles, 0).defaultConstraints).toEqual({ maxHeight: 0 });
  });
});
