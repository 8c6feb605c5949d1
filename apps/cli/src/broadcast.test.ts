import { describe, expect, it } from 'vitest';
import { parseBroadcastArgs } from './broadcast.js';
import { CliError } from './errors.js';

describe('stagecast broadcast arguments', () => {
  it('maps flags to startBroadcast options', () => {
    const r = parseBroadcastArgs([
      'https://meet.example.org/room',
      '--hls-dir', '/tmp/h', '--hls-origin', 'http://127.0.0.1:8088/hls/r/', '--abr', '640x360@800',
      '--rtmp', 'rtmp://x/live/KEY', '--srt', 'srt://:9000?mode=listener', '--record', '/tmp/r.mp4',
      '--layout', 'speaker', '--width', '640', '--height', '360', '--fps', '25', '--video-bitrate', '1200', '-v',
    ]);
    if (r === 'help') throw new Error('help');
    expect(r.verbosity).toBe(1);
    expect(r.options.outputs.hls).toMatchObject({ directory: '/tmp/h', origin: { baseUrl: 'http://127.0.0.1:8088/hls/r/' }, renditions: [{ width: 640, height: 360, bitrate: 800_000 }] });
    expect(r.options.outputs.rtmp).toEqual([{ url: 'rtmp://x/live/KEY' }]);
    expect(r.options.outputs.record).toEqual({ path: '/tmp/r.mp4', format: 'mp4' });
    expect(r.options.composite).toMatchObject({ canvas: { width: 640, height: 360, fps: 25 }, layout: { kind: 'speaker' }, video: { bitrate: 1_200_000 } });
    expect(r.options.meeting.displayName).toBe('Stagecast broadcast');
  });

  it('defaults to the auto layout (follow the stage) and accepts it explicitly', () => {
    const d = parseBroadcastArgs(['https://m/r', '--record', 'a.mkv']);
    if (d === 'help') throw new Error('help');
    expect(d.options.composite?.layout).toEqual({ kind: 'auto' });
    const g = parseBroadcastArgs(['https://m/r', '--record', 'a.mkv', '--layout', 'grid']);
    if (g === 'help') throw new Error('help');
    expect(g.options.composite?.layout).toEqual({ kind: 'grid' });
    expect(() => parseBroadcastArgs(['https://m/r', '--record', 'a.mkv', '--layout', 'automatic'])).toThrow(/auto, grid, speaker/);
  });

  it('rejects missing outputs, bad layouts and an origin without a directory with a fix', () => {
    expect(() => parseBroadcastArgs(['https://m/r'])).toThrow(/no output/);
    expect(() => parseBroadcastArgs(['https://m/r', '--record', 'a.mkv', '--layout', 'mosaic'])).toThrow(/--layout must be one of/);
    expect(() => parseBroadcastArgs(['https://m/r', '--hls-origin', 'http://o/'])).toThrow(CliError);
    expect(() => parseBroadcastArgs(['https://m/r', '--record', 'a.mkv', '--abr', '640x360'])).toThrow(/WxH@KBPS/);
    expect(parseBroadcastArgs(['--help'])).toBe('help');
  });

  it('--offscreen-height sets the preview height of people not on screen (0 = off); default left to the library', () => {
    const d = parseBroadcastArgs(['https://m/r', '--record', 'a.mkv']);
    if (d === 'help') throw new Error('help');
    expect(d.options.offscreenPreviewHeight).toBeUndefined();
    const off = parseBroadcastArgs(['https://m/r', '--record', 'a.mkv', '--offscreen-height', '0']);
    if (off === 'help') throw new Error('help');
    expect(off.options.offscreenPreviewHeight).toBe(0);
    expect(() => parseBroadcastArgs(['https://m/r', '--record', 'a.mkv', '--offscreen-height', 'low'])).toThrow(/--offscreen-height expects a whole number 0..2160, got "low"/);
  });
});
