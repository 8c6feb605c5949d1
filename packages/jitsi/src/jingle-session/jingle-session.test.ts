/**
 * JingleSessionManager state machine with fakes only: a fake XMPP connection (records IQs, answers with result or a
 * scripted error) and FakeMediaPort. Covers docs/jitsi-protocol.md §6–§10, §13, §14.
 */
import { xml, type Element } from '@xmpp/xml';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { StanzaError } from '../connection/stanza-error.js';
import { waitForEvent } from '../events.js';
import { buildJingle } from '../jingle/build-jingle.js';
import { parseJingle } from '../jingle/parse-jingle.js';
import type { JingleMessage } from '../jingle/types.js';
import { silentLogger } from '../logger.js';
import type { LocalSourceRequest, RemoteSource } from '../media-port.js';
import type { SourceMapDiff } from '../jingle/source-map.js';
import { randomBridgeTransport } from '../testing/bridge-media-backend.js';
import { FakeMediaPort } from '../testing/fake-media-port.js';
import { buildOffer, FEATURE, jsonSourcesFor } from '../testing/offer-builder.js';
import { NS } from '../xml/namespaces.js';
import { JingleSessionManager, type JingleConnection } from './jingle-session.js';

const ROOM = 'room@conference.example.test';
const FOCUS = `${ROOM}/focus`;
const EP = 'a1b2c3d4';

class FakeConnection implements JingleConnection {
  readonly jid = `anon@example.test/res1`;
  readonly sent: { to: string; jingle: JingleMessage }[] = [];
  /** Return an Error to make the next matching request fail. */
  fail: ((m: JingleMessage) => Error | undefined) | undefined;
  readonly #waiters = new Set<() => void>();

  async request(iq: Element): Promise<Element> {
    const payload = iq.getChild('jingle', NS.jingle);
    if (!payload) throw new Error('fake connection only carries Jingle');
    const m = parseJingle(payload);
    this.sent.push({ to: iq.attrs.to as string, jingle: m });
    for (const w of [...this.#waiters]) w();
    const err = this.fail?.(m);
    if (err) throw err;
    return xml('iq', { type: 'result' });
  }

  /** Resolves with the first sent Jingle IQ matching `pred` (already sent or future). */
  waitForSent(pred: (m: JingleMessage, to: string) => boolean, timeoutMs = 5000): Promise<{ to: string; jingle: JingleMessage }> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const hit = this.sent.find((x) => pred(x.jingle, x.to));
        if (hit) {
          clearTimeout(timer);
          this.#waiters.delete(waiter);
          resolve(hit);
        }
        return !!hit;
      };
      const waiter = (): void => void check();
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        reject(new Error(`no matching IQ sent (sent: ${this.sent.map((x) => x.jingle.action).join(', ')})`));
      }, timeoutMs);
      this.#waiters.add(waiter);
      check();
    });
  }
}

const local: LocalSourceRequest[] = [
  { name: `${EP}-a0`, media: 'audio', ssrc: 1111, msid: `${EP}-audio-0-1 u-1` },
  { name: `${EP}-v0`, media: 'video', ssrc: 2222, msid: `${EP}-video-0-1 v-1`, videoType: 'camera' },
];

function setup(options: { trickle?: boolean; restartMinIntervalMs?: number } = {}) {
  const connection = new FakeConnection();
  const media = new FakeMediaPort({ trickle: options.trickle ?? false });
  const manager = new JingleSessionManager({
    connection,
    media,
    endpointId: EP,
    localSources: local,
    isFocus: (from) => from === FOCUS,
    iceServers: [{ urls: 'stun:127.0.0.1:3478' }],
    ...(options.restartMinIntervalMs !== undefined ? { restartMinIntervalMs: options.restartMinIntervalMs } : {}),
    logger: silentLogger,
  });
  return { connection, media, manager };
}

function offer(sid: string, extra: Partial<Parameters<typeof buildOffer>[0]> = {}): JingleMessage {
  return buildOffer({
    sid,
    initiator: 'focus@auth.example.test/focus',
    features: new Set([FEATURE.audio, FEATURE.video, FEATURE.rtx, FEATURE.tcc, FEATURE.json]),
    transport: randomBridgeTransport(),
    webSockets: ['wss://jvb.example.test/colibri-ws/a/c/ep?pwd=1', 'wss://jvb.example.test/colibri-ws/b/c/ep?pwd=1', 'wss://jvb.example.test/colibri-ws/a/c/ep?pwd=1'],
    bridgeSessionId: 'bs-1',
    jvbSsrcs: { audio: 10, video: 20 },
    others: [],
    rewriting: false,
    ...extra,
  });
}

function iq(from: string, m: JingleMessage): { stanza: Element; payload: Element } {
  const payload = buildJingle(m);
  return { stanza: xml('iq', { type: 'set', from }, payload), payload };
}

function deliver(manager: JingleSessionManager, from: string, m: JingleMessage): Element | true {
  const { stanza, payload } = iq(from, m);
  return manager.handleIq(stanza, payload);
}

async function started(sid = 's1', options: Parameters<typeof setup>[0] = {}) {
  const t = setup(options);
  const accepted = waitForEvent(t.manager, 'sessionAccepted', { timeoutMs: 5000 });
  expect(deliver(t.manager, FOCUS, offer(sid))).toBe(true);
  const [acceptedSid, urls] = await accepted;
  return { ...t, acceptedSid, urls };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('session-initiate from focus', () => {
  it('ACKs at once, opens media with the ICE servers, and sends a named, strict session-accept', async () => {
    const { connection, media, manager, acceptedSid, urls } = await started('s1');
    expect(acceptedSid).toBe('s1');
    expect(urls).toEqual(['wss://jvb.example.test/colibri-ws/a/c/ep?pwd=1', 'wss://jvb.example.test/colibri-ws/b/c/ep?pwd=1']);
    expect(manager.state).toBe('active');
    expect(media.openedSessions[0]?.iceServers).toEqual([{ urls: 'stun:127.0.0.1:3478' }]);
    const { to, jingle } = await connection.waitForSent((m) => m.action === 'session-accept');
    expect(to).toBe(FOCUS);
    expect(jingle.sid).toBe('s1');
    expect(jingle.responder).toBe(connection.jid);
    const sources = jingle.contents.flatMap((c) => c.description?.sources ?? []);
    expect(sources.map((s) => s.name)).toEqual(expect.arrayContaining([`${EP}-a0`, `${EP}-v0`]));
    expect(sources.every((s) => s.msid)).toBe(true);
    const fp = jingle.contents[0]?.transport?.fingerprints[0];
    expect(fp?.setup).toBe('active');
    // the bridge's own sources are known, but none of ours
    expect(manager.remoteSources.map((s) => s.owner)).toEqual(['jvb', 'jvb']);
  });

  it('walks idle → negotiating → active and reports a rejected accept as sessionFailed', async () => {
    const t = setup();
    const states: string[] = [];
    t.manager.on('stateChanged', (_p, n) => states.push(n));
    t.connection.fail = (m) => (m.action === 'session-accept' ? StanzaError.fromStanza(xml('iq', { type: 'error' }, xml('error', { type: 'modify' }, xml('bad-request', { xmlns: NS.stanzas })))) : undefined);
    const failed = waitForEvent(t.manager, 'sessionFailed', { timeoutMs: 5000 });
    deliver(t.manager, FOCUS, offer('s1'));
    const [err] = await failed;
    expect(err.reason).toBe('media-failed');
    expect(err.message).toMatch(/rejected our session-accept/);
    expect(states).toEqual(['negotiating']);
  });

  it('trickles local candidates with transport-info after the accept', async () => {
    const { connection } = await started('s1', { trickle: true });
    const { jingle } = await connection.waitForSent((m) => m.action === 'transport-info');
    expect(jingle.sid).toBe('s1');
    expect(jingle.contents[0]?.transport?.candidates[0]?.type).toBe('srflx');
    expect(jingle.contents[0]?.transport?.ufrag).toBeTruthy();
  });

  it('hands remote candidates from transport-info to the media port', async () => {
    const { manager, media } = await started('s1');
    const info: JingleMessage = {
      action: 'transport-info',
      sid: 's1',
      contents: [{ name: 'audio', creator: 'initiator', senders: 'both', transport: { ...offer('s1').contents[0]!.transport!, webSockets: [] } }],
      groups: [],
    };
    expect(deliver(manager, FOCUS, info)).toBe(true);
    await vi.waitFor(() => expect(media.sessions.get('s1')?.candidates.length).toBeGreaterThan(0));
    expect(media.sessions.get('s1')?.candidates[0]?.candidate).toMatch(/^candidate:/);
  });
});

describe('requests we refuse or decline', () => {
  it('declines a P2P offer from a non-focus occupant after ACKing it (§13)', async () => {
    const { connection, media, manager } = setup();
    const declined = waitForEvent(manager, 'p2pDeclined', { timeoutMs: 5000 });
    expect(deliver(manager, `${ROOM}/browser1`, offer('p2p'))).toBe(true);
    const [from] = await declined;
    expect(from).toBe(`${ROOM}/browser1`);
    const { to, jingle } = await connection.waitForSent((m) => m.action === 'session-terminate');
    expect(to).toBe(`${ROOM}/browser1`);
    expect(jingle.reason).toEqual({ condition: 'decline', text: 'P2P disabled' });
    expect(media.openedSessions).toEqual([]);
    expect(manager.state).toBe('idle');
  });

  it('answers an unknown sid with item-not-found + unknown-session (XEP-0166 §10)', () => {
    const { manager } = setup();
    const res = deliver(manager, FOCUS, { action: 'source-add', sid: 'nope', contents: [], groups: [] });
    expect(res).not.toBe(true);
    const err = res as Element;
    expect(err.attrs.type).toBe('cancel');
    expect(err.getChild('item-not-found', NS.stanzas)).toBeDefined();
    expect(err.getChild('unknown-session', NS.jingleErrors)).toBeDefined();
  });

  it('answers a malformed Jingle payload with bad-request', () => {
    const { manager } = setup();
    const payload = xml('jingle', { xmlns: NS.jingle, action: 'session-initiate' });
    const res = manager.handleIq(xml('iq', { type: 'set', from: FOCUS }, payload), payload) as Element;
    expect(res.getChild('bad-request', NS.stanzas)).toBeDefined();
  });
});

describe('remote sources', () => {
  it('source-add (JSON) and source-remove re-offer to the engine and emit the new set', async () => {
    const { manager, media } = await started('s1');
    const owned = [{ owner: 'bbbb0001', set: { sources: [
      { ssrc: 5001, media: 'video' as const, name: 'bbbb0001-v0', msid: 'bbbb0001-video-0-1 x-1', videoType: 'camera' },
      { ssrc: 5002, media: 'video' as const, name: 'bbbb0001-v0', msid: 'bbbb0001-video-0-1 x-1', videoType: 'camera' },
      { ssrc: 5003, media: 'audio' as const, name: 'bbbb0001-a0', msid: 'bbbb0001-audio-0-1 y-1' },
    ], groups: [{ semantics: 'FID', media: 'video' as const, ssrcs: [5001, 5002] }] } }];
    const added = waitForEvent(manager, 'remoteSourcesChanged', { timeoutMs: 5000, predicate: (s: RemoteSource[]) => s.some((x) => x.owner === 'bbbb0001') });
    deliver(manager, FOCUS, { action: 'source-add', sid: 's1', contents: [], groups: [], jsonSources: jsonSourcesFor(owned) });
    const [sources, diff] = (await added) as [RemoteSource[], SourceMapDiff];
    expect(sources.find((s) => s.ssrc === 5001)).toMatchObject({ owner: 'bbbb0001', name: 'bbbb0001-v0', rtxSsrc: 5002, videoType: 'camera' });
    expect(diff.added).toHaveLength(2);
    const sdp = media.lastOffer('s1')?.sdp ?? '';
    expect(sdp).toContain('a=ssrc-group:FID 5001 5002');
    expect(sdp).toContain('a=ssrc:5003 cname:');
    const removed = waitForEvent(manager, 'remoteSourcesChanged', { timeoutMs: 5000, predicate: (s: RemoteSource[]) => !s.some((x) => x.owner === 'bbbb0001') });
    deliver(manager, FOCUS, { action: 'source-remove', sid: 's1', contents: [], groups: [], jsonSources: jsonSourcesFor(owned) });
    await removed;
    expect(media.lastOffer('s1')?.sdp).not.toContain('a=ssrc:5003');
  });

  it('drops an occupant’s sources when it leaves without source-remove', async () => {
    const { manager } = await started('s1');
    const owned = [{ owner: 'cccc0001', set: { sources: [{ ssrc: 7001, media: 'audio' as const, name: 'cccc0001-a0', msid: 'm a' }], groups: [] } }];
    deliver(manager, FOCUS, { action: 'source-add', sid: 's1', contents: [], groups: [], jsonSources: jsonSourcesFor(owned) });
    await vi.waitFor(() => expect(manager.remoteSources.some((s) => s.owner === 'cccc0001')).toBe(true));
    manager.removeOwner('cccc0001');
    await vi.waitFor(() => expect(manager.remoteSources.some((s) => s.owner === 'cccc0001')).toBe(false));
  });

  it('maps SSRC-rewriting slots from the bridge and re-offers only when the SSRC set changes', async () => {
    const { manager, media } = await started('s1');
    const before = media.sessions.get('s1')?.offers.length ?? 0;
    manager.applyBridgeSourceMaps('video', [{ source: 'dddd0001-v0', owner: 'dddd0001', ssrc: 9001, rtx: 9002, videoType: 'CAMERA' }]);
    await vi.waitFor(() => expect(manager.remoteSources.some((s) => s.ssrc === 9001)).toBe(true));
    expect(media.sessions.get('s1')?.offers.length).toBe(before + 1);
    // remap the same slot to another owner: routing changes, SSRC set does not → no re-offer
    const remapped = waitForEvent(manager, 'remoteSourcesChanged', { timeoutMs: 5000, predicate: (_s, d) => d.remapped.length === 1 });
    manager.applyBridgeSourceMaps('video', [{ source: 'eeee0001-v0', owner: 'eeee0001', ssrc: 9001, rtx: 9002, videoType: 'CAMERA' }]);
    const [, diff] = await remapped;
    expect(diff.remapped[0]?.current.owner).toBe('eeee0001');
    expect(diff.needsReoffer).toBe(false);
    expect(media.sessions.get('s1')?.offers.length).toBe(before + 1);
  });
});

describe('termination and restart (§6, §14)', () => {
  it('tears down on session-terminate, then takes the next initiate as a new session', async () => {
    const { manager, media } = await started('s1');
    const ended = waitForEvent(manager, 'sessionTerminated', { timeoutMs: 5000 });
    expect(deliver(manager, FOCUS, { action: 'session-terminate', sid: 's1', contents: [], groups: [], reason: { condition: 'success', text: 'moving' } })).toBe(true);
    const [sid, reason] = await ended;
    expect([sid, reason]).toEqual(['s1', { condition: 'success', text: 'moving' }]);
    expect(manager.state).toBe('ended');
    expect(media.closedSessions).toEqual(['s1']);
    // later requests for the old sid are unknown
    expect(deliver(manager, FOCUS, { action: 'source-add', sid: 's1', contents: [], groups: [] })).not.toBe(true);
    const next = waitForEvent(manager, 'sessionAccepted', { timeoutMs: 5000 });
    deliver(manager, FOCUS, offer('s2'));
    expect((await next)[0]).toBe('s2');
    expect(manager.state).toBe('active');
  });

  it('sends session-terminate with bridge-session restart="true" on ICE failure, rate-limited (≥ min interval, ≤ 5/min)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-01-01T00:00:00Z'));
    const { manager, media, connection } = await started('s1', { restartMinIntervalMs: 5000 });
    const requested = waitForEvent(manager, 'restartRequested', { timeoutMs: 5000 });
    media.simulateIceFailure('s1');
    expect((await requested)[1]).toBe('ICE failed');
    const { jingle, to } = await connection.waitForSent((m) => m.action === 'session-terminate');
    expect(to).toBe(FOCUS);
    expect(jingle.bridgeSessionRestart).toBe(true);
    expect(jingle.bridgeSessionId).toBe('bs-1');
    expect(jingle.reason?.condition).toBe('connectivity-error');
    await vi.waitFor(() => expect(manager.state).toBe('ended'));

    const sessionN = async (sid: string) => {
      const acc = waitForEvent(manager, 'sessionAccepted', { timeoutMs: 5000 });
      deliver(manager, FOCUS, offer(sid));
      await acc;
    };
    await sessionN('s2');
    expect(manager.requestRestart('again too soon')).toBe(false);
    for (let i = 0; i < 4; i++) {
      vi.setSystemTime(Date.now() + 5000);
      expect(manager.requestRestart(`restart ${i}`)).toBe(true);
      await vi.waitFor(() => expect(manager.state).toBe('ended'));
      await sessionN(`s${3 + i}`);
    }
    vi.setSystemTime(Date.now() + 5000);
    expect(manager.requestRestart('sixth within a minute')).toBe(false); // 5 per minute
    vi.setSystemTime(Date.now() + 60_000);
    expect(manager.requestRestart('a minute later')).toBe(true);
  });

  it('asks for a restart when the media engine loses the session', async () => {
    const { manager, media } = await started('s1');
    const requested = waitForEvent(manager, 'restartRequested', { timeoutMs: 5000 });
    media.simulateSessionLost('s1', 'engine crashed');
    expect((await requested)[1]).toBe('media session lost: engine crashed');
  });

  it('close() stops media without sending session-terminate (§16) and is idempotent', async () => {
    const { manager, media, connection } = await started('s1');
    await manager.close();
    await manager.close();
    expect(media.closedSessions).toEqual(['s1']);
    expect(connection.sent.filter((x) => x.jingle.action === 'session-terminate')).toEqual([]);
  });
});
