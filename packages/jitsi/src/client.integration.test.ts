import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createParticipant, type JitsiParticipant, type ParticipantOptions } from './client.js';
import { ConferenceError, ConnectionError } from './errors.js';
import type { RemoteSource } from './media-port.js';
import { FakeMediaPort } from './testing/fake-media-port.js';
import { subscribeToEvents } from './testing/subscribe-to-events.js';
import { TestBridge } from './testing/test-bridge.js';
import { TestFocus } from './testing/test-focus.js';
import { ConfigJsServer, startProsody, testbedConfigJs, type ProsodyTestbed } from './testing/testbed.js';

let tb: ProsodyTestbed;
let bridge: TestBridge;
let focus: TestFocus;
let config: ConfigJsServer;
const open: JitsiParticipant[] = [];
let roomCounter = 0;
const room = () => `it-${process.pid}-${Date.now().toString(36)}-${roomCounter++}`;

beforeAll(async () => {
  tb = await startProsody();
  bridge = await TestBridge.start();
  focus = await TestFocus.start({ websocketUrl: tb.websocketUrl, domain: tb.domain, focusPassword: tb.focusPassword, bridge, singleParticipantTimeoutMs: 3000, restartMinIntervalMs: 0 });
  config = await ConfigJsServer.start(testbedConfigJs(tb));
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((p) => p.close()));
});

afterAll(async () => {
  await focus?.close();
  await bridge?.close();
  await config?.close();
});

async function join(r: string, extra: Partial<ParticipantOptions> = {}): Promise<{ p: JitsiParticipant; media: FakeMediaPort }> {
  const media = new FakeMediaPort();
  const p = await createParticipant({ meetingUrl: `${config.origin}/${r}`, media, displayName: 'Stage', ...extra });
  open.push(p);
  return { p, media };
}

describe('participant against real Prosody + test focus + test bridge', () => {
  it('joins, is seen by a second participant, and both sessions are accepted by the strict focus', async () => {
    const r = room();
    const focusEvents = subscribeToEvents(focus, ['sessionAccepted', 'jingleRejected', 'sessionInitiated']);
    const { p: a } = await join(r.toUpperCase());
    expect(a.roomJid).toBe(`${r}@${tb.muc}`);
    const aEvents = subscribeToEvents(a, ['occupantJoined', 'sessionStarted', 'remoteSourcesChanged', 'bridgeChannelOpened', 'bridgeMessageReceived']);
    const { p: b } = await join(r, { displayName: 'Second' });
    const [occ] = await aEvents.waitFor('occupantJoined', { predicate: (o) => o.nick === b.endpointId });
    expect(occ.displayName).toBe('Second');
    expect(Object.keys(occ.sourceInfo)).toEqual([`${b.endpointId}-a0`, `${b.endpointId}-v0`]);
    await focusEvents.waitFor('sessionAccepted', { predicate: (_r, nick) => nick === a.endpointId });
    await focusEvents.waitFor('sessionAccepted', { predicate: (_r, nick) => nick === b.endpointId });
    expect(focusEvents.count('jingleRejected')).toBe(0);
    await aEvents.waitFor('sessionStarted');
    // b's sources reach a (source-add relayed by focus, in the JSON form a advertised)
    await aEvents.waitFor('remoteSourcesChanged', { predicate: (s) => s.some((x: RemoteSource) => x.owner === b.endpointId && x.media === 'video') });
    await aEvents.waitFor('bridgeChannelOpened');
    await aEvents.waitFor('bridgeMessageReceived', { predicate: (m) => m.colibriClass === 'ServerHello' });
    const conf = focus.conferenceId(r) as string;
    const deadline = Date.now() + 10_000;
    while (!bridge.received.some((m) => m.endpointId === a.endpointId && m.message['colibriClass'] === 'ReceiverVideoConstraints') && Date.now() < deadline) {
      await new Promise((res) => setTimeout(res, 50));
    }
    const fromA = bridge.received.filter((m) => m.endpointId === a.endpointId && m.conferenceId === conf);
    expect(fromA.map((m) => m.message['colibriClass'])).toContain('ReceiverVideoConstraints');
    expect(fromA.map((m) => m.message['colibriClass'])).toContain('SourceVideoTypeMessage');
    expect(fromA.filter((m) => m.rejected)).toEqual([]);
  });

  it('drops the other participant’s sources when it leaves', async () => {
    const r = room();
    const { p: a } = await join(r);
    const ev = subscribeToEvents(a, ['remoteSourcesChanged', 'occupantLeft']);
    const { p: b } = await join(r);
    await ev.waitFor('remoteSourcesChanged', { predicate: (s) => s.some((x: RemoteSource) => x.owner === b.endpointId) });
    await b.close();
    await ev.waitFor('occupantLeft', { predicate: (o) => o.nick === b.endpointId });
    await ev.waitFor('remoteSourcesChanged', { predicate: (s) => !s.some((x: RemoteSource) => x.owner === b.endpointId) });
  });

  it('rejoins after the XMPP websocket is killed', async () => {
    const r = room();
    const { p: a } = await join(r);
    const ev = subscribeToEvents(a, ['reconnected', 'stateChanged']);
    a.connection.killTransportForTesting();
    await ev.waitFor('reconnected', { timeoutMs: 30_000 });
    expect(a.state).toBe('joined');
  });

  it('raises typed errors for an unreachable host and a broken config.js', async () => {
    await expect(createParticipant({ meetingUrl: 'http://127.0.0.1:1/room', media: new FakeMediaPort() })).rejects.toMatchObject({ reason: 'unreachable' });
    const bad = await ConfigJsServer.start('var config = { hosts: ');
    try {
      const err = await createParticipant({ meetingUrl: `${bad.origin}/room`, media: new FakeMediaPort() }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConnectionError);
      expect((err as ConnectionError).reason).toBe('config-invalid');
    } finally {
      await bad.close();
    }
  });

  it('reports an unusable focus address as focus-unavailable', async () => {
    const err = await createParticipant({
      meetingUrl: `${config.origin}/${room()}`,
      overrides: { focus: 'nofocus.meet.stagecast.test' },
      media: new FakeMediaPort(),
      timeouts: { focusMs: 3000 },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConferenceError);
    expect((err as ConferenceError).reason).toBe('focus-unavailable');
    expect((err as ConferenceError).message).toMatch(/jicofo/);
  });
});
