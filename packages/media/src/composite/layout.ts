/**
 * Pure layout geometry for the broadcast composite (issue 5): which video source goes where on the canvas for each
 * layout, and the per-source heights to ask the bridge for (ReceiverVideoConstraints, docs/jitsi-protocol.md §11).
 * No GStreamer here: the engine applies the tiles as compositor pad xpos/ypos/width/height/zorder.
 */
import { z } from 'zod';

export const layoutKindSchema = z.enum(['grid', 'speaker', 'screen-share', 'single', 'slate']);
export type LayoutKind = z.infer<typeof layoutKindSchema>;

export interface LayoutSource {
  /** Jitsi source name (`<ep>-v0` camera, `<ep>-v1` desktop). */
  name: string;
  /** Endpoint id of the owner. */
  owner: string;
  nick?: string | undefined;
  videoType: 'camera' | 'desktop';
  muted: boolean;
}

export interface LayoutInput {
  kind: LayoutKind;
  /** Video sources in join order. */
  sources: readonly LayoutSource[];
  /** Endpoint id of the (hysteresis-filtered) dominant speaker. */
  dominant?: string | undefined;
  /** `single`: endpoint id or source name to show. */
  pinned?: string | undefined;
}

export interface Canvas {
  width: number;
  height: number;
}

export interface Tile {
  name: string;
  x: number;
  y: number;
  width: number;
  height: number;
  zorder: number;
}

export interface LayoutResult {
  /** What is shown: `slate` whenever no source fits the requested layout (empty room). */
  kind: LayoutKind;
  tiles: Tile[];
}

const even = (n: number) => Math.round(n / 2) * 2;
const size = (n: number) => Math.max(2, even(n));

/** The largest 16:9 box inside (w, h), centred in it. */
function fit(x: number, y: number, w: number, h: number, zorder: number, name: string, aspect = 16 / 9): Tile {
  let tw = w;
  let th = w / aspect;
  if (th > h) {
    th = h;
    tw = h * aspect;
  }
  return {
    name,
    x: even(x + (w - tw) / 2),
    y: even(y + (h - th) / 2),
    width: size(tw),
    height: size(th),
    zorder,
  };
}

/** N tiles on a grid that adapts to N: cols = ⌈√N⌉, the last row centred. */
export function gridTiles(names: readonly string[], c: Canvas, area = { x: 0, y: 0, ...c }, zorder = 1): Tile[] {
  const n = names.length;
  if (n === 0) return [];
  const cols = Math.ceil(Math.sqrt(n));
  const rows = Math.ceil(n / cols);
  const cw = area.width / cols;
  const ch = area.height / rows;
  return names.map((name, i) => {
    const row = Math.floor(i / cols);
    const inRow = row === rows - 1 ? n - row * cols : cols;
    const offset = ((cols - inRow) * cw) / 2;
    return fit(area.x + offset + (i % cols) * cw, area.y + row * ch, cw, ch, zorder, name);
  });
}

/** One row of equal tiles centred in the area (the speaker layout's strip). */
function stripTiles(names: readonly string[], area: { x: number; y: number; width: number; height: number }): Tile[] {
  if (!names.length) return [];
  const slots = Math.max(4, names.length);
  const cw = area.width / slots;
  const offset = ((slots - names.length) * cw) / 2;
  return names.map((name, i) => fit(area.x + offset + i * cw, area.y, cw, area.height, 1, name));
}

function speakerSource(input: LayoutInput, cameras: readonly LayoutSource[]): LayoutSource | undefined {
  return cameras.find((s) => s.owner === input.dominant) ?? cameras.find((s) => !s.muted) ?? cameras[0];
}

export function computeLayout(input: LayoutInput, c: Canvas): LayoutResult {
  const all = input.sources;
  const cameras = all.filter((s) => s.videoType === 'camera');
  const desktops = all.filter((s) => s.videoType === 'desktop' && !s.muted);
  if (input.kind === 'slate' || all.length === 0) return { kind: 'slate', tiles: [] };
  switch (input.kind) {
    case 'grid':
      return { kind: 'grid', tiles: gridTiles([...cameras, ...desktops].map((s) => s.name), c) };
    case 'single': {
      const pick =
        all.find((s) => s.name === input.pinned) ??
        cameras.find((s) => s.owner === input.pinned) ??
        speakerSource(input, cameras) ??
        desktops[0];
      return pick ? { kind: 'single', tiles: [fit(0, 0, c.width, c.height, 1, pick.name)] } : { kind: 'slate', tiles: [] };
    }
    case 'screen-share': {
      // The dominant speaker's screen if they share one, else the newest share.
      const screen = desktops.find((s) => s.owner === input.dominant) ?? desktops[desktops.length - 1];
      if (!screen) return { ...computeLayout({ ...input, kind: 'speaker' }, c) };
      const tiles = [fit(0, 0, c.width, c.height, 1, screen.name)];
      const speaker = speakerSource(input, cameras);
      if (speaker) {
        const w = c.width / 4;
        const h = (w * 9) / 16;
        const m = c.height / 30;
        tiles.push(fit(c.width - w - m, c.height - h - m, w, h, 2, speaker.name));
      }
      return { kind: 'screen-share', tiles };
    }
    case 'speaker': {
      const main = speakerSource(input, cameras) ?? desktops[0];
      if (!main) return { kind: 'slate', tiles: [] };
      const others = cameras.filter((s) => s !== main);
      if (!others.length) return { kind: 'speaker', tiles: [fit(0, 0, c.width, c.height, 1, main.name)] };
      const stripH = c.height * 0.22;
      return {
        kind: 'speaker',
        tiles: [
          fit(0, 0, c.width, c.height - stripH, 1, main.name),
          ...stripTiles(
            others.map((s) => s.name),
            { x: 0, y: c.height - stripH, width: c.width, height: stripH },
          ),
        ],
      };
    }
  }
}

/** Simulcast layers Jitsi senders offer; we ask for the smallest one that is at least the tile height. */
const LAYERS = [180, 360, 720, 1080];

export function layerFor(tileHeight: number): number {
  return LAYERS.find((l) => l >= tileHeight) ?? LAYERS[LAYERS.length - 1]!;
}

export interface SourceConstraints {
  /** Height per visible source name; sources not listed get `defaultConstraints`. */
  constraints: Record<string, { maxHeight: number }>;
  /** Sources shown large (on stage): the first/biggest tile(s). */
  onStageSources: string[];
  /** Off-screen sources: a small preview, or 0 (not forwarded). */
  defaultConstraints: { maxHeight: number };
}

/**
 * Height at which off-screen sources keep being received. A source the bridge does not forward has no picture when a
 * layout switch shows it: its tile stays black until the bridge forwards it again and the sender answers the keyframe
 * request (a round trip plus an encoder keyframe). The smallest simulcast layer keeps every tile ready to show (then
 * the bridge moves it to the tile's layer on that layer's next keyframe) for ~100–200 kb/s per off-screen source.
 */
export const OFFSCREEN_PREVIEW_HEIGHT = 180;

/**
 * What to ask the bridge for (ReceiverVideoConstraints, docs/jitsi-protocol.md §11): the visible sources at the layer
 * their tile needs, everything else at `offscreenHeight` (default the smallest layer; 0 = not forwarded at all).
 */
export function constraintsForTiles(tiles: readonly Tile[], offscreenHeight: number = OFFSCREEN_PREVIEW_HEIGHT): SourceConstraints {
  const constraints: Record<string, { maxHeight: number }> = {};
  let biggest = 0;
  for (const t of tiles) {
    const h = layerFor(t.height);
    constraints[t.name] = { maxHeight: Math.max(h, constraints[t.name]?.maxHeight ?? 0) };
    biggest = Math.max(biggest, t.width * t.height);
  }
  const onStageSources = tiles.length > 1 ? tiles.filter((t) => t.width * t.height === biggest).map((t) => t.name) : tiles.map((t) => t.name);
  return { constraints, onStageSources, defaultConstraints: { maxHeight: offscreenHeight } };
}
