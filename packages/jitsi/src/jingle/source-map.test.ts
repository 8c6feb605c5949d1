import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { jingleToSdp } from './jingle-to-sdp.js';
import { parseJingle } from './parse-jingle.js';
import { isSyntheticSource, normaliseOwner, SourceMap } from './source-map.js';

const fixtures = fileURLToPath(new URL('../../test/fixtures/jingle/', import.meta.url));
const jingle = (name: string) => parseJingle(readFileSync(`${fixtures}${name}.xml`, 'utf8'));
const ssrcsOf = (map: SourceMap) =>
  map
    .sources()
    .map((s) => s.ssrc)
    .sort((a, b) => a - b);

describe('SourceMap mode A (XML)', () => {
  it('applies session-initiate, source-add and source-remove with diffs', () => {
    const map = new SourceMap({ ownEndpointId: 'a1b2c3d4' });
    const init = map.applyOffer(jingle('initiate-av-xml-sources'));
    expect(init.added.map((s) => s.name)).toEqual(['jvb-a0', '831de82b-a0', 'jvb-v0', '831de82b-v0']);
    expect(init.needsReoffer).toBe(true);

    const add = map.applySourceAdd(jingle('source-add-xml'));
    expect(add.added).toEqual([
      {
        ssrc: 3982123401,
        media: 'audio',
        owner: '2c9e7f10',
        name: '2c9e7f10-a0',
        msid: '2c9e7f10-audio-0-1 6a0b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d-1',
      },
      {
        ssrc: 1584210137,
        rtxSsrc: 2071996458,
        media: 'video',
        owner: '2c9e7f10',
        name: '2c9e7f10-v0',
        videoType: 'camera',
        msid: '2c9e7f10-video-0-1 0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0-1',
      },
    ]);
    expect(map.get(2071996458)?.name).toBe('2c9e7f10-v0');

    // Same source-add again is idempotent: nothing to re-offer.
    expect(map.applySourceAdd(jingle('source-add-xml')).needsReoffer).toBe(false);

    const remove = map.applySourceRemove(jingle('source-remove-xml'));
    expect(remove.removed.map((s) => s.ssrc)).toEqual([1584210137]);
    expect(remove.needsReoffer).toBe(true);
    expect(map.get(2071996458)).toBeUndefined();
    expect(map.get(3982123401)?.owner).toBe('2c9e7f10');

    const left = map.removeOwner('2c9e7f10');
    expect(left.removed.map((s) => s.name)).toEqual(['2c9e7f10-a0']);
    expect(map.removeOwner('2c9e7f10').needsReoffer).toBe(false);
  });

  it('re-offer SDP contains added sources and drops removed ones', () => {
    const offer = jingle('initiate-av-xml-sources');
    const map = new SourceMap();
    map.applyOffer(offer);
    map.applySourceAdd(jingle('source-add-xml'));
    const sdp1 = jingleToSdp(offer, { sources: map.toSourceSet(), sessionVersion: 2 }).sdp;
    expect(sdp1).toContain('a=ssrc-group:FID 1584210137 2071996458');
    expect(sdp1).toContain('a=ssrc:2071996458 cname:2c9e7f10');
    map.applySourceRemove(jingle('source-remove-xml'));
    const sdp2 = jingleToSdp(offer, { sources: map.toSourceSet(), sessionVersion: 3 }).sdp;
    expect(sdp2).not.toContain('1584210137');
    expect(sdp2).toContain('a=ssrc:3982123401 msid:');
  });
});

describe('SourceMap mode A (JSON)', () => {
  it('reads json-message sources, full-JID owners, and ignores synthetic translation sources', () => {
    const map = new SourceMap();
    map.applyOffer(jingle('initiate-json-sources'));
    expect(map.get(4017352218)).toMatchObject({ owner: '831de82b', videoType: 'desktop', rtxSsrc: 2988441270 });
    const add = map.applySourceAdd(jingle('source-add-json'));
    expect(add.added.map((s) => `${s.owner}:${s.name}`)).toEqual([
      '6b1d0e93:6b1d0e93-v0',
      '6b1d0e93:6b1d0e93-a0',
      '0a9b8c7d:0a9b8c7d-a0',
    ]);
    expect(map.get(1357924680)).toBeUndefined();
    const remove = map.applySourceRemove(jingle('source-remove-json'));
    expect(remove.removed.map((s) => s.name)).toEqual(['831de82b-v1']);
    expect(map.get(2988441270)).toBeUndefined();
    expect(map.get(257838819)?.name).toBe('831de82b-v0');
  });

  it('helpers', () => {
    expect(normaliseOwner('room@conference.x/ab12', undefined)).toBe('ab12');
    expect(normaliseOwner(undefined, 'ab12-v0')).toBe('ab12');
    expect(normaliseOwner(undefined, 'weird')).toBeUndefined();
    expect(isSyntheticSource('ab12-a0.de')).toBe(true);
    expect(isSyntheticSource('ab12-a0')).toBe(false);
  });

  it('ignores sources of our own endpoint and unattributable sources', () => {
    const map = new SourceMap({ ownEndpointId: '6b1d0e93' });
    const diff = map.applySourceAdd(jingle('source-add-json'));
    expect(diff.added.map((s) => s.owner)).toEqual(['0a9b8c7d']);
    const anon = parseJingle(
      '<jingle xmlns="urn:xmpp:jingle:1" action="source-add" sid="s"><content name="audio"><description xmlns="urn:xmpp:jingle:apps:rtp:1" media="audio"><source xmlns="urn:xmpp:jingle:apps:rtp:ssma:0" ssrc="77"/></description></content></jingle>',
    );
    expect(map.applySourceAdd(anon).added).toEqual([]);
  });

  it('a later FID group for an existing source sets its RTX', () => {
    const map = new SourceMap();
    map.applySourceAdd(
      parseJingle(
        '<jingle xmlns="urn:xmpp:jingle:1" action="source-add" sid="s"><content name="video"><description xmlns="urn:xmpp:jingle:apps:rtp:1" media="video"><source xmlns="urn:xmpp:jingle:apps:rtp:ssma:0" ssrc="10" name="ep1-v0"/></description></content></jingle>',
      ),
    );
    const diff = map.applySourceAdd(
      parseJingle(
        '<jingle xmlns="urn:xmpp:jingle:1" action="source-add" sid="s"><content name="video"><description xmlns="urn:xmpp:jingle:apps:rtp:1" media="video"><source xmlns="urn:xmpp:jingle:apps:rtp:ssma:0" ssrc="11" name="ep1-v0"/><ssrc-group xmlns="urn:xmpp:jingle:apps:rtp:ssma:0" semantics="FID"><source ssrc="10"/><source ssrc="11"/></ssrc-group></description></content></jingle>',
      ),
    );
    expect(diff.remapped[0]?.current.rtxSsrc).toBe(11);
    expect(diff.needsReoffer).toBe(true);
  });
});

describe('SourceMap mode B (SSRC rewriting)', () => {
  it('applies the first full map, then deltas and remaps', () => {
    const map = new SourceMap();
    map.applyOffer(jingle('initiate-ssrc-rewriting'));
    expect(map.sources().map((s) => s.owner)).toEqual(['jvb', 'jvb']);

    const first = map.applyVideoSourcesMap([
      { source: '831de82b-v0', owner: '831de82b', ssrc: 2000001, rtx: 2000002, videoType: 'CAMERA' },
      { source: '2c9e7f10-v1', owner: '2c9e7f10', ssrc: 2000003, rtx: -1, videoType: 'DESKTOP' },
    ]);
    expect(first.added).toHaveLength(2);
    expect(first.needsReoffer).toBe(true);
    expect(map.get(2000003)).toMatchObject({ videoType: 'desktop' });
    expect(map.get(2000003)?.rtxSsrc).toBeUndefined();
    expect(map.get(2000002)?.name).toBe('831de82b-v0');

    const audio = map.applyAudioSourcesMap([{ source: '831de82b-a0', owner: '831de82b', ssrc: 1000001 }]);
    expect(audio.added[0]).toMatchObject({ media: 'audio', owner: '831de82b' });

    // Remap a slot to another participant: no re-offer needed (same SSRC, same RTX), routing changes.
    const remap = map.applyVideoSourcesMap([
      { source: '6b1d0e93-v0', owner: '6b1d0e93', ssrc: 2000001, rtx: 2000002, videoType: 'CAMERA' },
    ]);
    expect(remap.added).toEqual([]);
    expect(remap.remapped).toEqual([
      {
        previous: expect.objectContaining({ owner: '831de82b', name: '831de82b-v0' }),
        current: expect.objectContaining({ owner: '6b1d0e93', name: '6b1d0e93-v0', ssrc: 2000001 }),
      },
    ]);
    expect(remap.needsReoffer).toBe(false);

    // The same delta again changes nothing.
    const same = map.applyVideoSourcesMap([
      { source: '6b1d0e93-v0', owner: '6b1d0e93', ssrc: 2000001, rtx: 2000002, videoType: 'CAMERA' },
    ]);
    expect(same).toEqual({ added: [], removed: [], remapped: [], needsReoffer: false });

    // videoType DISABLED keeps the slot but clears its type
    const disabled = map.applyVideoSourcesMap([
      { source: '2c9e7f10-v1', owner: '2c9e7f10', ssrc: 2000003, rtx: -1, videoType: 'DISABLED' },
    ]);
    expect(disabled.remapped[0]?.current.videoType).toBeUndefined();

    // The slot's SDP lines are stable across remaps (cname/msid fixed at slot creation).
    const offer = jingle('initiate-ssrc-rewriting');
    const sdp = jingleToSdp(offer, { sources: map.toSourceSet() }).sdp;
    expect(sdp).toContain('a=ssrc:2000001 cname:video-slot-2000001');
    expect(sdp).toContain('a=ssrc-group:FID 2000001 2000002');
    expect(ssrcsOf(map)).toEqual([1000001, 2000001, 2000003, 1067745310, 2230458812]);
  });

  it('a new offer replaces everything and reports the difference', () => {
    const map = new SourceMap();
    map.applyOffer(jingle('initiate-av-xml-sources'));
    const diff = map.applyOffer(jingle('initiate-ssrc-rewriting'));
    expect(diff.removed).toHaveLength(4);
    expect(diff.added).toHaveLength(2);
    expect(map.clear().removed).toHaveLength(2);
    expect(map.size).toBe(0);
  });
});
