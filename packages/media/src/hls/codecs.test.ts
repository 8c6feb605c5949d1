import { describe, expect, it } from 'vitest';
import { avc1Codec, compositeVideoCodec, h264Level, parseMasterPlaylist, renderMasterPlaylist } from './codecs.js';

describe('H.264 level and codec strings', () => {
  it('picks the lowest level that fits (never below 3) and names it like the SPS does', () => {
    expect(h264Level({ width: 640, height: 360, fps: 30, bitrate: 1_000_000 })).toEqual({ level: '3', idc: 30 });
    expect(h264Level({ width: 1280, height: 720, fps: 30, bitrate: 2_500_000 })).toEqual({ level: '3.1', idc: 31 });
    expect(h264Level({ width: 1280, height: 720, fps: 60, bitrate: 4_000_000 })).toEqual({ level: '3.2', idc: 32 });
    expect(h264Level({ width: 1920, height: 1080, fps: 30, bitrate: 5_000_000 })).toEqual({ level: '4', idc: 40 });
    expect(h264Level({ width: 1920, height: 1080, fps: 30, bitrate: 30_000_000 })).toEqual({ level: '4.1', idc: 41 });
    expect(h264Level({ width: 3840, height: 2160, fps: 30, bitrate: 20_000_000 })).toEqual({ level: '5.1', idc: 51 });
    expect(h264Level({ width: 320, height: 180, fps: 15, bitrate: 300_000, min: '1' }).level).toBe('1.2');
    expect(() => h264Level({ width: 3840, height: 2160, fps: 120, bitrate: 20_000_000 })).toThrow(RangeError);
  });

  it('avc1.PPCCLL: profile_idc, constraint flags as x264 writes them, level_idc (hex)', () => {
    expect(avc1Codec('high', 31)).toBe('avc1.64001f');
    expect(avc1Codec('high', 30)).toBe('avc1.64001e');
    expect(avc1Codec('main', 40)).toBe('avc1.4d4028');
    expect(avc1Codec('baseline', 30)).toBe('avc1.42c01e');
  });

  it('master playlist: one STREAM-INF per variant, highest first, quoted CODECS; parses back', () => {
    const text = renderMasterPlaylist([
      {
        uri: 'r1/index.m3u8',
        width: 640,
        height: 360,
        fps: 30,
        videoBitrate: 800_000,
        audioBitrate: 128_000,
        codecs: 'avc1.64001e,mp4a.40.2',
      },
      {
        uri: 'index.m3u8',
        width: 1280,
        height: 720,
        fps: 30,
        videoBitrate: 2_500_000,
        audioBitrate: 128_000,
        codecs: 'avc1.64001f,mp4a.40.2',
      },
    ]);
    expect(text.split('\n').slice(0, 3)).toEqual(['#EXTM3U', '#EXT-X-VERSION:3', '#EXT-X-INDEPENDENT-SEGMENTS']);
    const v = parseMasterPlaylist(text);
    expect(v.map((x) => x.uri)).toEqual(['index.m3u8', 'r1/index.m3u8']);
    expect(v[0]!.attributes).toMatchObject({
      RESOLUTION: '1280x720',
      CODECS: 'avc1.64001f,mp4a.40.2',
      'FRAME-RATE': '30.000',
    });
    expect(Number(v[0]!.attributes.BANDWIDTH)).toBeGreaterThan(Number(v[0]!.attributes['AVERAGE-BANDWIDTH']));
    expect(Number(v[1]!.attributes.BANDWIDTH)).toBeLessThan(Number(v[0]!.attributes.BANDWIDTH));
    expect(() => renderMasterPlaylist([])).toThrow(RangeError);
  });
});

describe('x264 profile by preset', () => {
  it('ultrafast → Constrained Baseline, the others High', () => {
    expect(compositeVideoCodec({ width: 640, height: 360, fps: 30, bitrate: 800_000, speedPreset: 'ultrafast' })).toBe(
      'avc1.42c01e',
    );
    expect(
      compositeVideoCodec({ width: 1280, height: 720, fps: 30, bitrate: 2_500_000, speedPreset: 'veryfast' }),
    ).toBe('avc1.64001f');
  });
});
