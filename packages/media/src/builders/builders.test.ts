import { describe, expect, it } from 'vitest';
import { receiveSpecSchema, sendSourceSchema } from '../protocol/messages.js';
import { branchPlan, fillTemplate } from './receive.js';
import { audioChainDescription, formatOfCaps, rtpCaps, sourceDescription, videoChainDescription } from './send.js';

describe('send builders', () => {
  it('test source exposes elements named video and audio', () => {
    const d = sourceDescription(sendSourceSchema.parse({ kind: 'test', width: 1280, height: 720 }), {
      audio: true,
      video: true,
    });
    expect(d).toContain('video/x-raw,width=1280,height=720,framerate=30/1 ! queue name=video');
    expect(d).toContain('queue name=audio');
  });
  it('srt and rtmp ingest decode to raw video/audio', () => {
    const srt = sourceDescription(sendSourceSchema.parse({ kind: 'srt', uri: 'srt://:7001?mode=listener' }), {
      audio: true,
      video: true,
    });
    expect(srt).toMatch(/^srtsrc uri="srt:\/\/:7001\?mode=listener" latency=125 ! queue ! decodebin name=dec/);
    const rtmp = sourceDescription(sendSourceSchema.parse({ kind: 'rtmp', url: 'rtmp://127.0.0.1/live/x' }), {
      audio: false,
      video: true,
    });
    expect(rtmp).toContain('rtmp2src location="rtmp://127.0.0.1/live/x" ! queue ! decodebin name=dec');
    expect(rtmp).not.toContain('name=audio');
  });
  it('raw video → vp8enc real-time settings; matching encoded → passthrough; other codec → transcode', () => {
    const raw = videoChainDescription({ input: 'raw', codec: 'vp8', pt: 100, ssrc: 7 });
    expect(raw.description).toContain('vp8enc deadline=1 cpu-used=8');
    expect(raw.description).toContain('rtpvp8pay pt=100 ssrc=7 picture-id-mode=15-bit');
    const pass = videoChainDescription({ input: 'vp8', codec: 'vp8', pt: 100, ssrc: 7 });
    expect(pass).toMatchObject({ passthrough: true, transcode: false });
    expect(pass.description).not.toContain('vp8enc');
    const h264pass = videoChainDescription({ input: 'h264', codec: 'h264', pt: 107, ssrc: 7 });
    expect(h264pass.description).toContain('h264parse');
    expect(h264pass.description).not.toContain('x264enc');
    const trans = videoChainDescription({ input: 'h264', codec: 'vp8', pt: 100, ssrc: 7 });
    expect(trans).toMatchObject({ transcode: true, passthrough: false });
    expect(trans.description).toContain('decodebin ! ');
    expect(videoChainDescription({ input: 'raw', codec: 'h264', pt: 107, ssrc: 7 }).description).toContain(
      'x264enc tune=zerolatency',
    );
  });
  it('audio: level meta before opusenc; opus passthrough', () => {
    expect(audioChainDescription({ input: 'raw', pt: 111, ssrc: 9 }).description).toMatch(
      /level audio-level-meta=true.*opusenc.*rtpopuspay pt=111 ssrc=9/,
    );
    expect(audioChainDescription({ input: 'opus', pt: 111, ssrc: 9 })).toMatchObject({ passthrough: true });
  });
  it('rtp caps carry the audio-level extmap in the array form the extension writes', () => {
    const c = rtpCaps({
      media: 'audio',
      encodingName: 'OPUS',
      pt: 111,
      clockRate: 48000,
      ssrc: 5,
      extmaps: { 1: 'urn:ietf:params:rtp-hdrext:ssrc-audio-level' },
    });
    expect(c).toContain('extmap-1=(string)<"",urn:ietf:params:rtp-hdrext:ssrc-audio-level,"vad=on">');
    expect(c).toContain('ssrc=(uint)5');
  });
  it('classifies caps', () => {
    expect(formatOfCaps('video/x-raw, format=(string)I420')).toBe('raw');
    expect(formatOfCaps('video/x-vp8, width=(int)2')).toBe('vp8');
    expect(formatOfCaps('audio/x-opus')).toBe('opus');
    expect(formatOfCaps('video/x-h265')).toBe('other');
  });
});

describe('receive builders', () => {
  const vars = {
    participant_id: 'abc123',
    nick: 'Ann "the" Speaker; rm -rf',
    source_name: 'abc123-v0',
    media_type: 'video' as const,
  };
  it('fills gst-meet placeholders with sanitized values', () => {
    expect(fillTemplate('filesink location=/tmp/{participant_id}-{source_name}-{media_type}-{nick}.mkv', vars)).toBe(
      'filesink location=/tmp/abc123-abc123-v0-video-Ann__the__Speaker__rm_-rf.mkv',
    );
  });
  it('template branch starts with a queue, decodes, and tees to a counter', () => {
    const spec = receiveSpecSchema.parse({
      mode: 'template',
      video: 'matroskamux ! filesink location=/tmp/{participant_id}.mkv',
    });
    const p = branchPlan({ media: 'video', encodingName: 'VP8', spec, vars, discard: false });
    expect(p.kind).toBe('template');
    expect(p.description).toMatch(
      /^queue .*! rtpvp8depay request-keyframe=true wait-for-keyframe=true ! vp8dec ! videoconvert ! tee name=t/,
    );
    expect(p.description).toContain('fakesink name=stagecast_counter');
    expect(p.description).toContain('filesink location=/tmp/abc123.mkv');
  });
  it('bridge-owned sources and media without template go to fakesink; encoded mode skips the decoder', () => {
    const spec = receiveSpecSchema.parse({ mode: 'template', video: 'fakesink', decode: false });
    expect(branchPlan({ media: 'video', encodingName: 'VP8', spec, vars, discard: true }).kind).toBe('fakesink');
    expect(branchPlan({ media: 'audio', encodingName: 'OPUS', spec, vars, discard: false }).kind).toBe('fakesink');
    expect(branchPlan({ media: 'video', encodingName: 'VP8', spec, vars, discard: false }).description).not.toContain(
      'vp8dec',
    );
  });
  it('shared mode leaves an unlinked src for the request pad', () => {
    const spec = receiveSpecSchema.parse({ mode: 'shared', description: 'compositor name=video ! fakesink' });
    const p = branchPlan({ media: 'video', encodingName: 'VP8', spec, vars, discard: false });
    expect(p).toMatchObject({ kind: 'shared', target: 'video' });
    expect(p.description).toMatch(/t\. ! queue$/);
  });
});
