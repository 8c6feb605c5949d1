import { describe, expect, it } from 'vitest';
import { outputSpecSchema } from '../composite/protocol.js';
import { compositeReceiveSpec, coreDescription, lowerThirdPlacement } from '../composite/descriptions.js';
import { localBranchDescription, networkOutputDescription, redactUrl, rtmpLocation } from './descriptions.js';

describe('output descriptions', () => {
  it('RTMP: key appended, redacted in logs; isolated pipeline demuxes the loopback feed into flvmux → rtmp2sink', () => {
    expect(rtmpLocation('rtmp://h/live/', 'SECRET')).toBe('rtmp://h/live/SECRET');
    expect(redactUrl('rtmp://h/live/SECRET', 'SECRET')).toBe('rtmp://h/live/[redacted]');
    expect(redactUrl('srt://h:1?passphrase=abcdefghijk&latency=200')).toBe(
      'srt://h:1?passphrase=[redacted]&latency=200',
    );
    const spec = outputSpecSchema.parse({ id: 'yt', kind: 'rtmp', url: 'rtmp://h/live', streamKey: 'K' });
    if (spec.kind !== 'rtmp') throw new Error('kind');
    const d = networkOutputDescription(spec, 5000);
    expect(d).toContain('udpsrc name=src address=127.0.0.1 port=5000');
    expect(d).toContain('flvmux name=flv streamable=true ! rtmp2sink name=sink location="rtmp://h/live/K"');
  });

  it('HLS: splitmuxsink (mpegtsmux) cutting on the keyframe grid (segment length + 1.5 frames); files: AVC via h264parse', () => {
    const hls = outputSpecSchema.parse({ id: 'h', kind: 'hls', directory: '/d/', segmentSeconds: 2, prefix: 'p1' });
    if (hls.kind !== 'hls') throw new Error('kind');
    expect(localBranchDescription(hls, { fps: 30 })).toContain(
      'splitmuxsink name=mux muxer-factory=mpegtsmux max-size-time=2050000000 location="/d/p1-%05d.ts"',
    );
    expect(localBranchDescription(hls, { fps: 30 })).not.toContain('send-keyframe-requests');
    const file = outputSpecSchema.parse({ id: 'r', kind: 'file', path: '/x/a "b".mp4', format: 'mp4' });
    if (file.kind !== 'file') throw new Error('kind');
    const d = localBranchDescription(file);
    expect(d).toContain('h264parse ! mux.video_0');
    expect(d).toContain('mp4mux fragment-duration=2000');
    expect(d).toContain('location="/x/a \\"b\\".mp4"');
  });

  it('core: live background, leaky encoder input, x264 zerolatency with key-int-max = keyframeSeconds × fps, level pinned, byte-stream pinned', () => {
    const d = coreDescription({
      canvas: { width: 1280, height: 720, fps: 30 },
      slate: { title: 'T', subtitle: 'S', background: '#101820' },
      video: { bitrate: 2_500_000, keyframeSeconds: 2, speedPreset: 'veryfast', threads: 0 },
      audio: { bitrate: 128_000 },
    });
    expect(d).toContain('videotestsrc name=bg is-live=true');
    expect(d).toContain('x264enc name=venc tune=zerolatency speed-preset=veryfast bitrate=2500 key-int-max=60');
    expect(d).toContain('video/x-h264,profile=high,level=(string)3.1 ! h264parse');
    expect(d).toContain('video/x-h264,stream-format=byte-stream,alignment=au ! tee name=vout');
    expect(d).toContain('audiotestsrc name=silence is-live=true wave=silence');
    expect(d).toContain('queue name=venc_in leaky=downstream');
  });

  it('receive template hands decoded media to the composite channels; lower thirds sit at the tile bottom-left', () => {
    const spec = compositeReceiveSpec();
    expect(spec).toMatchObject({
      mode: 'template',
      video: 'intervideosink channel=stagecast-{source_name} sync=false',
    });
    const p = lowerThirdPlacement({ x: 640, y: 0, width: 640, height: 360 }, { width: 1280, height: 720 });
    expect(p.deltax).toBe(655);
    expect(p.deltay).toBe(-(720 - 360 + 15));
  });
});
