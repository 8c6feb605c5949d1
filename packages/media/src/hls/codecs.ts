/**
 * H.264 level selection, RFC 6381 codec strings and the HLS master playlist (ABR ladder). Pure.
 *
 * The composite pins the level it computes here in the encoder's caps (x264enc honours `level` in its downstream
 * caps), so the CODECS attribute of the master playlist is exactly what the SPS says — players (hls.js via
 * MediaSource.isTypeSupported, Safari) pick renditions by it.
 */

/** ITU-T H.264 Table A-1: max macroblocks/s, max frame size (MBs), max video bitrate (kbit/s, Baseline/Main). */
const LEVELS: readonly { level: string; idc: number; mbps: number; fs: number; br: number }[] = [
  { level: '1', idc: 10, mbps: 1485, fs: 99, br: 64 },
  { level: '1.1', idc: 11, mbps: 3000, fs: 396, br: 192 },
  { level: '1.2', idc: 12, mbps: 6000, fs: 396, br: 384 },
  { level: '1.3', idc: 13, mbps: 11880, fs: 396, br: 768 },
  { level: '2', idc: 20, mbps: 11880, fs: 396, br: 2000 },
  { level: '2.1', idc: 21, mbps: 19800, fs: 792, br: 4000 },
  { level: '2.2', idc: 22, mbps: 20250, fs: 1620, br: 4000 },
  { level: '3', idc: 30, mbps: 40500, fs: 1620, br: 10000 },
  { level: '3.1', idc: 31, mbps: 108000, fs: 3600, br: 14000 },
  { level: '3.2', idc: 32, mbps: 216000, fs: 5120, br: 20000 },
  { level: '4', idc: 40, mbps: 245760, fs: 8192, br: 20000 },
  { level: '4.1', idc: 41, mbps: 245760, fs: 8192, br: 50000 },
  { level: '4.2', idc: 42, mbps: 522240, fs: 8704, br: 50000 },
  { level: '5', idc: 50, mbps: 589824, fs: 22080, br: 135000 },
  { level: '5.1', idc: 51, mbps: 983040, fs: 36864, br: 240000 },
  { level: '5.2', idc: 52, mbps: 2073600, fs: 36864, br: 240000 },
];

export interface H264Level {
  /** As GStreamer caps write it (`3.1`). */
  level: string;
  /** level_idc of the SPS (31). */
  idc: number;
}

/**
 * The lowest level that fits `width`×`height`@`fps` at `bitrate` bit/s (High profile: bitrate limit × 1.25), never
 * below `min` (3: every HLS player decodes it). Throws RangeError when nothing up to 5.2 fits.
 */
export function h264Level(o: { width: number; height: number; fps: number; bitrate: number; min?: string }): H264Level {
  const mbs = Math.ceil(o.width / 16) * Math.ceil(o.height / 16);
  const side = Math.max(Math.ceil(o.width / 16), Math.ceil(o.height / 16));
  const minIdc = LEVELS.find((l) => l.level === (o.min ?? '3'))?.idc ?? 30;
  for (const l of LEVELS) {
    if (l.idc < minIdc) continue;
    if (mbs <= l.fs && side <= Math.sqrt(8 * l.fs) && mbs * o.fps <= l.mbps && o.bitrate <= l.br * 1250)
      return { level: l.level, idc: l.idc };
  }
  throw new RangeError(`no H.264 level up to 5.2 fits ${o.width}x${o.height}@${o.fps} at ${o.bitrate} bit/s`);
}

const PROFILE_IDC = { baseline: 66, main: 77, high: 100 } as const;
/** constraint_set flags as x264 writes them (baseline: constrained, set1). */
const PROFILE_COMPAT = { baseline: 0xc0, main: 0x40, high: 0x00 } as const;

/** RFC 6381 `avc1.PPCCLL` (hex profile_idc, constraint flags, level_idc), e.g. High 3.1 → `avc1.64001f`. */
export function avc1Codec(profile: keyof typeof PROFILE_IDC, levelIdc: number): string {
  const hex = (n: number) => n.toString(16).padStart(2, '0');
  return `avc1.${hex(PROFILE_IDC[profile])}${hex(PROFILE_COMPAT[profile])}${hex(levelIdc)}`;
}

/**
 * What x264 writes into the SPS for a speed preset: `ultrafast` turns off CABAC, 8×8 transforms and B-frames, so x264
 * signals Constrained Baseline whatever the caps ask; every other preset (with tune=zerolatency) uses High features.
 */
export function x264Profile(speedPreset: string): keyof typeof PROFILE_IDC {
  return speedPreset === 'ultrafast' ? 'baseline' : 'high';
}

/** The avc1 codec string of a composite encoder (level pinned by x264Description, profile from the preset). */
export function compositeVideoCodec(o: {
  width: number;
  height: number;
  fps: number;
  bitrate: number;
  speedPreset: string;
}): string {
  return avc1Codec(x264Profile(o.speedPreset), h264Level(o).idc);
}

/** AAC-LC (avenc_aac's profile). */
export const AAC_LC_CODEC = 'mp4a.40.2';

export interface MasterVariant {
  /** URI of the media playlist, relative to the master. */
  uri: string;
  width: number;
  height: number;
  fps: number;
  /** Video bitrate (bit/s) the encoder targets. */
  videoBitrate: number;
  audioBitrate: number;
  /** RFC 6381 codecs, e.g. `avc1.64001f,mp4a.40.2`. */
  codecs: string;
}

/**
 * EXT-X-STREAM-INF BANDWIDTH is the peak rate of any segment: the encoder's rate (x264's VBV lets a 1 s segment reach
 * ~1.2× the target) plus audio plus ~8 % MPEG-TS overhead; AVERAGE-BANDWIDTH is the nominal sum.
 */
export function renderMasterPlaylist(variants: readonly MasterVariant[]): string {
  if (!variants.length) throw new RangeError('a master playlist needs at least one variant');
  const lines = ['#EXTM3U', '#EXT-X-VERSION:3', '#EXT-X-INDEPENDENT-SEGMENTS'];
  // Highest first: players that ignore BANDWIDTH start with the first listed variant.
  for (const v of [...variants].sort((a, b) => b.videoBitrate - a.videoBitrate)) {
    const average = Math.round((v.videoBitrate + v.audioBitrate) * 1.08);
    const peak = Math.round((v.videoBitrate * 1.2 + v.audioBitrate) * 1.08);
    lines.push(
      `#EXT-X-STREAM-INF:BANDWIDTH=${peak},AVERAGE-BANDWIDTH=${average},RESOLUTION=${v.width}x${v.height},FRAME-RATE=${v.fps.toFixed(3)},CODECS="${v.codecs}"`,
      v.uri,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Minimal master playlist parser (tests, health checks). */
export function parseMasterPlaylist(text: string): { uri: string; attributes: Record<string, string> }[] {
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  if (lines[0] !== '#EXTM3U') throw new Error('not an HLS playlist: first line must be #EXTM3U');
  const out: { uri: string; attributes: Record<string, string> }[] = [];
  let pending: Record<string, string> | null = null;
  for (const line of lines) {
    if (line.startsWith('#EXT-X-STREAM-INF:')) {
      pending = {};
      for (const m of line.slice('#EXT-X-STREAM-INF:'.length).matchAll(/([A-Z0-9-]+)=("[^"]*"|[^,]*)/g))
        pending[m[1]!] = m[2]!.replace(/^"|"$/g, '');
    } else if (pending && line && !line.startsWith('#')) {
      out.push({ uri: line, attributes: pending });
      pending = null;
    }
  }
  return out;
}
