import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createParticipant } from './client.js';
import { ConferenceError, ConnectionError } from './errors.js';
import type { RemoteSource } from './media-port.js';
import { FakeMediaPort } from './testing/fake-media-port.js';
import { subscribeToEvents } from './testing/subscribe-to-events.js';
import { startTestbedFixture, type TestbedFixture } from './testing/testbed-fixture.js';
import { ConfigJsServer } from './testing/testbed.js';

// Every wait below is event-driven (no sleeps, no polling deadlines); the generous timeouts only bound a broken run.
let t: TestbedFixture;

beforeAll(async () => {
  t = await startTestbedFixture({ label: 'it', focus: { singleParticipantTimeoutMs: 3000, restartMinIntervalMs: 0 } });
});
afterEach(() => t.closeParticipants());
afterAll(() => t?.close());

describe('participant against real Prosody + test focus + test bridge', () => {
  it('joins, is seen by a second participant, and both sessions are accepted by the strict focus', async () => {
    const r = t.room();
    const focusEvents = subscribeToEvents(t.focus, ['sessionAccepted', 'jingleRejected', 'sessionInitiated']);
    const bridgeEvents = subscribeToEvents(t.bridge, ['messageReceived']);
    const { p: a } = await t.join(r.toUpperCase());
    expect(a.roomJid).toBe(`${r}@${t.tb.muc}`);
    const aEvents = subscribeToEvents(a, ['occupantJoined', 'sessionStarted', 'remoteSourcesChanged', 'bridgeChannelOpened', 'bridgeMessageReceived']);
    const { p: b } = await t.join(r, { displayName: 'Second' });
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
    const fromA = (cls: string) => (m: { endpointId: string; message: Record<string, unknown> }) => m.endpointId === a.endpointId && m.message['colibriClass'] === cls;
    await bridgeEvents.waitFor('messageReceived', { predicate: fromA('ReceiverVideoConstraints') });
    await bridgeEvents.waitFor('messageReceived', { predicate: fromA('SourceVideoTypeMessage') });
    expect(t.bridge.received.filter((m) => m.endpointId === a.endpointId && m.rejected)).toEqual([]);
  });

  it('drops the other participant’s sources when it leaves', async () => {
    const r = t.room();
    const { p: a } = await t.join(r);
    const ev = subscribeToEvents(a, ['remoteSourcesChanged', 'occupantLeft']);
    const { p: b } = await t.join(r);
    await ev.waitFor('remoteSourcesChanged', { predicate: (s) => s.some((x: RemoteSource) => x.owner === b.endpointId) });
    await b.leave('bye');
    await ev.waitFor('occupantLeft', { predicate: (o) => o.nick === b.endpointId });
    await ev.waitFor('remoteSourcesChanged', { predicate: (s) => !s.some((x: RemoteSource) => x.owner === b.endpointId) });
  });

  it('rejoins after the XMPP websocket is killed', async () => {
    const r = t.room();
    const { p: a } = await t.join(r);
    const ev = subscribeToEvents(a, ['reconnected', 'stateChanged', 'errorOccurred']);
    a.connection.killTransportForTesting();
    await ev.waitFor('stateChanged', { predicate: (_prev, next) => next === 'reconnecting' });
    await ev.waitFor('reconnected', { timeoutMs: 45_000 });
    expect(a.state).toBe('joined');
    expect(ev.count('errorOccurred')).toBe(0);
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
      meetingUrl: t.meetingUrl(t.room()),
      overrides: { focus: 'nofocus.meet.stagecast.test' },
      media: new FakeMediaPort(),
      timeouts: { focusMs: 3000 },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConferenceError);
    expect((err as ConferenceError).reason).toBe('focus-unavailable');
    expect((err as ConferenceError).message).toMatch(/jicofo/);
  });
});
