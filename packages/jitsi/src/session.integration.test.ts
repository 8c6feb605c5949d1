/**
 * Jingle session and bridge flows against real Prosody + the test focus + the test bridge (docs/jitsi-protocol.md
 * §6, §10, §11, §13, §14): source forms, SSRC rewriting, bridge moves, restart requests, the single-participant
 * timeout cycle, a missing bridge channel, endpoint messages, P2P decline and unknown sessions.
 * Waits are event-driven (state checked first, then the event), never sleeps.
 */
import { xml, type Element } from '@xmpp/xml';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { JitsiParticipant } from './client.js';
import { StanzaError } from './connection/stanza-error.js';
import { XmppConnection } from './connection/xmpp-connection.js';
import { serviceUrl } from './discovery/discovery.js';
import { BridgeChannelError } from './errors.js';
import { waitForEvent } from './events.js';
import { buildJingle } from './jingle/build-jingle.js';
import { parseJingle } from './jingle/parse-jingle.js';
import type { JingleMessage } from './jingle/types.js';
import { silentLogger } from './logger.js';
import type { RemoteSource } from './media-port.js';
import { MucRoom } from './muc/muc-room.js';
import { randomBridgeTransport } from './testing/bridge-media-backend.js';
import { buildOffer, FEATURE } from './testing/offer-builder.js';
import { subscribeToEvents } from './testing/subscribe-to-events.js';
import { startTestbedFixture, type TestbedFixture } from './testing/testbed-fixture.js';
import { NS } from './xml/namespaces.js';

let t: TestbedFixture;
const SINGLE_TIMEOUT_MS = 2000;

beforeAll(async () => {
  t = await startTestbedFixture({ label: 'ses', focus: { singleParticipantTimeoutMs: SINGLE_TIMEOUT_MS, restartMinIntervalMs: 0 } });
});
afterEach(() => t.closeParticipants());
afterAll(() => t?.close());

/** Resolves with the sid of an active session (now, or when the next one starts). */
async function activeSession(p: JitsiParticipant, notSid?: string, timeoutMs = 30_000): Promise<string> {
  if (p.jingle.state === 'active' && p.jingle.sid && p.jingle.sid !== notSid) return p.jingle.sid;
  const [sid] = await waitForEvent(p, 'sessionStarted', { timeoutMs, predicate: (s) => s !== notSid });
  return sid;
}

async function bridgeOpen(p: JitsiParticipant, timeoutMs = 30_000): Promise<string> {
  const ch = p.bridgeChannel;
  if (ch?.state === 'open') return ch.url;
  const [url] = await waitForEvent(p, 'bridgeChannelOpened', { timeoutMs });
  return url;
}

const remote = (p: JitsiParticipant, owner: string) => p.jingle.remoteSources.filter((s) => s.owner === owner);

async function sourcesOf(p: JitsiParticipant, owner: string, timeoutMs = 30_000): Promise<RemoteSource[]> {
  if (remote(p, owner).length >= 2) return remote(p, owner);
  await waitForEvent(p, 'remoteSourcesChanged', { timeoutMs, predicate: (s: RemoteSource[]) => s.filter((x) => x.owner === owner).length >= 2 });
  return remote(p, owner);
}

describe('remote source forms', () => {
  it('JSON form by default, XML form when the participant does not advertise json-encoded-sources', async () => {
    const r = t.room();
    const relayed = subscribeToEvents(t.focus, ['sourcesRelayed', 'jingleRejected']);
    const { p: a } = await t.join(r, { jsonSources: false });
    const { p: b } = await t.join(r);
    const { p: c } = await t.join(r);
    // a gets the others' sources in XML, b in JSON (its default caps), each resolved to the right owner.
    await relayed.waitFor('sourcesRelayed', { predicate: (_r, to, action, form) => to === a.endpointId && action === 'source-add' && form === 'xml' });
    await relayed.waitFor('sourcesRelayed', { predicate: (_r, to, action, form) => to === b.endpointId && action === 'source-add' && form === 'json' });
    const fromC = await sourcesOf(a, c.endpointId);
    expect(fromC.map((s) => s.name).sort()).toEqual([`${c.endpointId}-a0`, `${c.endpointId}-v0`]);
    expect(fromC.find((s) => s.media === 'video')?.rtxSsrc).toBeTypeOf('number');
    await sourcesOf(b, c.endpointId);
    expect(relayed.count('jingleRejected')).toBe(0);
  });

  it('XML form when the focus behaves like jicofo before json-encoded-sources', async () => {
    const r = t.room();
    t.focus.setRoomBehaviour(r, { forceXmlSources: true });
    const relayed = subscribeToEvents(t.focus, ['sourcesRelayed', 'sessionInitiated']);
    const { p: a, media } = await t.join(r);
    const { p: b } = await t.join(r);
    await relayed.waitFor('sourcesRelayed', { predicate: (_r, to, _a, form) => to === a.endpointId && form === 'xml' });
    const fromB = await sourcesOf(a, b.endpointId);
    // Every remote SSRC is signalled to the engine (cname + msid), RTX grouped.
    const sdp = media.lastOffer(a.jingle.sid as string)?.sdp ?? '';
    for (const s of fromB) expect(sdp).toContain(`a=ssrc:${s.ssrc} cname:`);
    const video = fromB.find((s) => s.media === 'video');
    expect(sdp).toContain(`a=ssrc-group:FID ${video?.ssrc} ${video?.rtxSsrc}`);
    // b leaves: source-remove in XML form
    await b.leave();
    await relayed.waitFor('sourcesRelayed', { predicate: (_r, to, action, form) => to === a.endpointId && action === 'source-remove' && form === 'xml' });
  });
});

describe('SSRC rewriting (ssrc-rewriting-1)', () => {
  it('takes remote sources from the bridge source maps and re-offers the slot SSRCs', async () => {
    const r = t.room();
    const focusEvents = subscribeToEvents(t.focus, ['sessionInitiated', 'sessionAccepted']);
    const { p: a, media } = await t.join(r, { ssrcRewriting: true });
    const { p: b } = await t.join(r);
    const [, , offer] = await focusEvents.waitFor('sessionInitiated', { predicate: (_r, nick) => nick === a.endpointId });
    // Mode B offer: only the bridge's own sources, no json-message.
    const offered = offer.contents.flatMap((c: JingleMessage['contents'][number]) => c.description?.sources ?? []);
    expect(offered.every((s: { owner?: string }) => s.owner === 'jvb')).toBe(true);
    expect(offer.jsonSources).toBeUndefined();
    await bridgeOpen(a);
    const [, , bSet] = await focusEvents.waitFor('sessionAccepted', { predicate: (_r, nick) => nick === b.endpointId });
    const fromB = await sourcesOf(a, b.endpointId);
    const realSsrcs = new Set(bSet.sources.map((s: { ssrc: number }) => s.ssrc));
    for (const s of fromB) {
      expect(realSsrcs.has(s.ssrc)).toBe(false); // a slot, not b's SSRC
      expect(s.name.startsWith(`${b.endpointId}-`)).toBe(true);
    }
    const video = fromB.find((s) => s.media === 'video');
    expect(video?.videoType).toBe('camera');
    expect(video?.rtxSsrc).toBeTypeOf('number');
    const sid = a.jingle.sid as string;
    const offers = media.sessions.get(sid)?.offers ?? [];
    expect(offers.length).toBeGreaterThanOrEqual(2); // initial + re-offer after the map
    const last = offers.at(-1)?.sdp ?? '';
    for (const s of fromB) expect(last).toContain(`a=ssrc:${s.ssrc} `);
  });
});

describe('session lifecycle', () => {
  it('follows a bridge move: terminate "moving", new initiate with a new sid and a new bridge URL', async () => {
    const r = t.room();
    const { p: a } = await t.join(r);
    const { p: b } = await t.join(r);
    const sid1 = await activeSession(a);
    const url1 = await bridgeOpen(a);
    await activeSession(b);
    const ev = subscribeToEvents(a, ['sessionEnded', 'sessionStarted', 'bridgeChannelOpened']);
    await t.focus.moveParticipant(r, a.endpointId);
    const [endedSid, reason] = await ev.waitFor('sessionEnded');
    expect(endedSid).toBe(sid1);
    expect(reason).toEqual({ condition: 'success', text: 'moving' });
    const sid2 = await activeSession(a, sid1);
    const [url2] = await ev.waitFor('bridgeChannelOpened');
    expect(sid2).not.toBe(sid1);
    expect(url2).not.toBe(url1);
  });

  it('asks focus for a new session (bridge-session restart="true") when ICE fails', async () => {
    const r = t.room();
    const focusEvents = subscribeToEvents(t.focus, ['sessionTerminated']);
    const { p: a, media } = await t.join(r);
    await t.join(r);
    const sid1 = await activeSession(a);
    const ev = subscribeToEvents(a, ['restartRequested', 'sessionEnded']);
    media.simulateIceFailure(sid1);
    await ev.waitFor('restartRequested');
    const [, nick, condition, restart] = await focusEvents.waitFor('sessionTerminated', { predicate: (_r, n) => n === a.endpointId });
    expect([nick, condition, restart]).toEqual([a.endpointId, 'connectivity-error', true]);
    const sid2 = await activeSession(a, sid1);
    expect(sid2).not.toBe(sid1);
    expect(media.closedSessions).toContain(sid1);
  });

  it('ends the session when left alone (expired) and gets a new one when someone joins again', async () => {
    const r = t.room();
    const { p: a } = await t.join(r);
    const { p: b } = await t.join(r);
    const sid1 = await activeSession(a);
    const ev = subscribeToEvents(a, ['sessionEnded', 'sessionStarted']);
    await b.leave();
    const [ended, reason] = await ev.waitFor('sessionEnded', { timeoutMs: SINGLE_TIMEOUT_MS + 30_000 });
    expect(ended).toBe(sid1);
    expect(reason).toEqual({ condition: 'expired', text: 'Idle session timeout' });
    expect(a.state).toBe('joined'); // MUC membership survives the session
    await t.join(r);
    const sid2 = await activeSession(a, sid1);
    expect(sid2).not.toBe(sid1);
  });

  it('raises a typed websockets-disabled error when the offer has no <web-socket>', async () => {
    const r = t.room();
    t.focus.setRoomBehaviour(r, { omitWebSockets: true });
    const { p: a } = await t.join(r);
    const ev = subscribeToEvents(a, ['errorOccurred']);
    await t.join(r);
    const [err] = await ev.waitFor('errorOccurred', { predicate: (e) => e instanceof BridgeChannelError });
    expect((err as BridgeChannelError).reason).toBe('websockets-disabled');
    expect(err.message).toMatch(/videobridge\.websockets\.enabled/);
    expect(a.jingle.state).toBe('active'); // the media session itself was accepted
    expect(a.bridgeChannel).toBeUndefined();
  });
});

describe('bridge channel messages', () => {
  it('relays EndpointMessage between participants through the bridge', async () => {
    const r = t.room();
    const { p: a } = await t.join(r);
    const { p: b } = await t.join(r);
    await bridgeOpen(a);
    await bridgeOpen(b);
    const ev = subscribeToEvents(b, ['bridgeMessageReceived']);
    expect(a.sendEndpointMessage('', { type: 'stagecast-hello', n: 1 })).toBe(true);
    const [msg] = await ev.waitFor('bridgeMessageReceived', { predicate: (m) => m.colibriClass === 'EndpointMessage' });
    expect(msg).toMatchObject({ colibriClass: 'EndpointMessage', from: a.endpointId, msgPayload: { type: 'stagecast-hello', n: 1 } });
    // directed message + e2e ping answered automatically by b
    const evA = subscribeToEvents(a, ['bridgeMessageReceived']);
    a.sendEndpointMessage(b.endpointId, { type: 'e2e-ping-request', id: 7 });
    const [pong] = await evA.waitFor('bridgeMessageReceived', { predicate: (m) => m.colibriClass === 'EndpointMessage' });
    expect(pong).toMatchObject({ from: b.endpointId, msgPayload: { type: 'e2e-ping-response', id: 7 } });
  });
});

describe('foreign Jingle requests', () => {
  /** A "browser" occupant speaking raw XMPP: records the Jingle IQs it receives. */
  async function browser(room: string): Promise<{ conn: XmppConnection; jingle: JingleMessage[]; nick: string; received: (pred: (m: JingleMessage) => boolean) => Promise<JingleMessage> }> {
    const jingle: JingleMessage[] = [];
    const seen = new Set<(m: JingleMessage) => void>();
    const conn = new XmppConnection({ serviceUrl: serviceUrl(t.tb.websocketUrl, { room }), domain: t.tb.domain, auth: { kind: 'anonymous' } });
    conn.handleIq('set', NS.jingle, 'jingle', (_s, payload: Element) => {
      const m = parseJingle(payload);
      jingle.push(m);
      for (const l of [...seen]) l(m);
      return true;
    });
    await conn.connect();
    const nick = `br${Date.now().toString(16).slice(-6)}`;
    const muc = new MucRoom(conn, `${room}@${t.tb.muc}`, nick, silentLogger);
    conn.on('stanzaReceived', (s) => muc.handleStanza(s));
    await muc.join({ sourceInfo: {}, codecList: ['vp8'], bot: false, nick: 'Browser' });
    const received = (pred: (m: JingleMessage) => boolean) =>
      new Promise<JingleMessage>((resolve, reject) => {
        const hit = jingle.find(pred);
        if (hit) return resolve(hit);
        const timer = setTimeout(() => reject(new Error('no matching Jingle IQ received')), 30_000);
        const l = (m: JingleMessage): void => {
          if (!pred(m)) return;
          clearTimeout(timer);
          seen.delete(l);
          resolve(m);
        };
        seen.add(l);
      });
    return { conn, jingle, nick, received };
  }

  it('declines a P2P offer from a browser and answers unknown sessions with item-not-found + unknown-session', async () => {
    const r = t.room();
    const { p: a } = await t.join(r);
    const br = await browser(r);
    try {
      const ev = subscribeToEvents(a, ['p2pDeclined']);
      const aJid = `${r}@${t.tb.muc}/${a.endpointId}`;
      const p2p = buildOffer({
        sid: 'p2p-sid-1',
        initiator: br.conn.jid,
        features: new Set([FEATURE.audio, FEATURE.video, FEATURE.rtx]),
        transport: randomBridgeTransport(),
        webSockets: [],
        bridgeSessionId: 'none',
        jvbSsrcs: { audio: 1, video: 2 },
        others: [],
        rewriting: false,
      });
      delete p2p.bridgeSessionId;
      const res = await br.conn.request(xml('iq', { type: 'set', to: aJid }, buildJingle(p2p)));
      expect(res.attrs.type).toBe('result'); // ACK first (§13)
      const decline = await br.received((m) => m.action === 'session-terminate' && m.sid === 'p2p-sid-1');
      expect(decline.reason).toEqual({ condition: 'decline', text: 'P2P disabled' });
      const [from] = await ev.waitFor('p2pDeclined');
      expect(from).toBe(`${r}@${t.tb.muc}/${br.nick}`);
      expect(a.jingle.sid).not.toBe('p2p-sid-1');

      const unknown: JingleMessage = { action: 'source-add', sid: 'no-such-sid', contents: [], groups: [] };
      const err = await br.conn.request(xml('iq', { type: 'set', to: aJid }, buildJingle(unknown))).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StanzaError);
      expect((err as StanzaError).condition).toBe('item-not-found');
      expect((err as StanzaError).type).toBe('cancel');
      expect((err as StanzaError).application?.name).toBe('unknown-session');
      expect((err as StanzaError).application?.attrs.xmlns).toBe(NS.jingleErrors);
    } finally {
      await br.conn.close();
    }
  });
});
