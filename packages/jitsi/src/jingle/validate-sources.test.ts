import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseJingle } from './parse-jingle.js';
import { sdpToSessionAccept } from './sdp-to-jingle.js';
import {
  ConferenceSourceRegistry,
  endpointSourceSetFromJingle,
  SourceValidationError,
  validateEndpointSourceSet,
  type EndpointGroup,
  type EndpointSourceSet,
} from './validate-sources.js';

const fixtures = fileURLToPath(new URL('../../test/fixtures/', import.meta.url));
const read = (p: string) => readFileSync(fixtures + p, 'utf8');

const camera = (ssrc: number, msid = 'ep-video-0-1 t-1', name = 'ep-v0') =>
  ({ ssrc, media: 'video', name, msid, videoType: 'camera' }) as const;
const violation = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    if (err instanceof SourceValidationError) return err.violation;
    throw err;
  }
  return 'none';
};

describe('validateEndpointSourceSet (jicofo rules)', () => {
  it('accepts our session-accept built from the webrtcbin answer', () => {
    const accept = sdpToSessionAccept({
      offer: parseJingle(read('jingle/initiate-av-xml-sources.xml')),
      answerSdp: read('sdp/answer-bundle-only-variant.sdp'),
      responder: 'a@b/c',
      localSources: [
        { name: 'a1b2c3d4-a0', media: 'audio', ssrc: 1111111111, msid: 'a1b2c3d4-audio-0-1 x-1' },
        { name: 'a1b2c3d4-v0', media: 'video', ssrc: 2222222222, msid: 'a1b2c3d4-video-0-1 y-1', videoType: 'camera' },
      ],
    });
    expect(() => validateEndpointSourceSet(endpointSourceSetFromJingle(accept))).not.toThrow();
  });

  it('accepts the JSON and XML source-add fixtures', () => {
    for (const f of ['source-add-xml', 'initiate-simulcast-legacy']) {
      const set = endpointSourceSetFromJingle(parseJingle(read(`jingle/${f}.xml`)));
      // the legacy fixture mixes several owners and jvb sources without videoType; only check group rules there
      validateEndpointSourceSet(set, { requireNames: false, maxSsrcs: 50 });
    }
  });

  it.each<[string, EndpointSourceSet, string]>([
    [
      'FID of 3',
      { sources: [camera(1), camera(2), camera(3)], groups: [{ media: 'video', semantics: 'FID', ssrcs: [1, 2, 3] }] },
      'invalid-fid-group',
    ],
    [
      'grouped source without msid',
      {
        sources: [camera(1), { ssrc: 2, media: 'video', name: 'ep-v0', videoType: 'camera' }],
        groups: [{ media: 'video', semantics: 'FID', ssrcs: [1, 2] }],
      },
      'msid-missing',
    ],
    [
      'group msid mismatch',
      { sources: [camera(1), camera(2, 'other t')], groups: [{ media: 'video', semantics: 'FID', ssrcs: [1, 2] }] },
      'group-msid-mismatch',
    ],
    [
      'group with unknown ssrc',
      { sources: [camera(1)], groups: [{ media: 'video', semantics: 'FID', ssrcs: [1, 9] }] },
      'group-unknown-source',
    ],
    ['two streams share an msid', { sources: [camera(1), camera(5)], groups: [] }, 'msid-conflict'],
    ['missing name', { sources: [{ ssrc: 1, media: 'audio', msid: 'm t' }], groups: [] }, 'name-missing'],
    [
      'video without videoType',
      { sources: [{ ssrc: 1, media: 'video', msid: 'm t', name: 'ep-v0' }], groups: [] },
      'video-type-missing',
    ],
    ['ssrc 0', { sources: [camera(0)], groups: [] }, 'invalid-ssrc'],
    [
      'too many',
      { sources: Array.from({ length: 21 }, (_, i) => camera(i + 1, `m${i} t`)), groups: [] },
      'too-many-sources',
    ],
  ])('rejects %s', (_label, set, expected) => {
    expect(violation(() => validateEndpointSourceSet(set))).toBe(expected);
  });

  it('allows the same msid for audio and video', () => {
    const set: EndpointSourceSet = {
      sources: [camera(1, 'same t'), { ssrc: 2, media: 'audio', name: 'ep-a0', msid: 'same t' }],
      groups: [],
    };
    expect(() => validateEndpointSourceSet(set)).not.toThrow();
  });
});

describe('ConferenceSourceRegistry', () => {
  it('enforces conference-wide uniqueness atomically and removes by SSRC', () => {
    const reg = new ConferenceSourceRegistry();
    const fid: EndpointGroup = { media: 'video', semantics: 'FID', ssrcs: [1, 2] };
    reg.tryToAdd('ep1', { sources: [camera(1), camera(2)], groups: [fid] });
    expect(violation(() => reg.tryToAdd('ep2', { sources: [camera(1, 'x t', 'ep2-v0')], groups: [] }))).toBe(
      'ssrc-in-use',
    );
    expect(violation(() => reg.tryToAdd('ep2', { sources: [camera(7)], groups: [] }))).toBe('msid-conflict');
    expect(violation(() => reg.tryToAdd('ep1', { sources: [camera(1)], groups: [] }))).toBe('ssrc-in-use');
    // a rejected add leaves no trace
    expect(reg.owners()).toEqual(['ep1']);
    // duplicate group is ignored, not an error
    expect(reg.tryToAdd('ep1', { sources: [], groups: [fid] }).groups).toEqual([]);
    expect(violation(() => reg.tryToRemove('ep1', { sources: [{ ssrc: 99, media: 'video' }], groups: [] }))).toBe(
      'source-does-not-exist',
    );
    const removed = reg.tryToRemove('ep1', {
      sources: [
        { ssrc: 1, media: 'video' },
        { ssrc: 2, media: 'video' },
      ],
      groups: [],
    });
    expect(removed.groups).toHaveLength(1);
    expect(reg.get('ep1')).toBeUndefined();
    expect(violation(() => reg.tryToRemove('ep1', { sources: [{ ssrc: 1, media: 'video' }], groups: [] }))).toBe(
      'source-does-not-exist',
    );
  });

  it('removing only the RTX SSRC drops its FID group and leaves a valid set', () => {
    const reg = new ConferenceSourceRegistry();
    reg.tryToAdd('ep1', {
      sources: [camera(1), camera(2)],
      groups: [{ media: 'video', semantics: 'FID', ssrcs: [1, 2] }],
    });
    reg.tryToRemove('ep1', { sources: [{ ssrc: 2, media: 'video' }], groups: [] });
    expect(reg.get('ep1')).toEqual({ sources: [camera(1)], groups: [] });
    reg.removeOwner('ep1');
    expect(reg.owners()).toEqual([]);
  });
});
