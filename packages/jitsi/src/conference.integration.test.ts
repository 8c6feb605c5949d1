/**
 * In-room features against real Prosody + the test focus (docs/jitsi-protocol.md §4, §12, XEP-0045): mute state in
 * SourceInfo, moderator force-mute and the self-unmute IQ, chat, the room subject (moderators only), extdisco.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { JitsiParticipant } from './client.js';
import { ConferenceError } from './errors.js';
import { waitForEvent } from './events.js';
import type { Occupant } from './muc/muc-room.js';
import { subscribeToEvents } from './testing/subscribe-to-events.js';
import { startTestbedFixture, type TestbedFixture } from './testing/testbed-fixture.js';

let t: TestbedFixture;
beforeAll(async () => {
  t = await startTestbedFixture({ label: 'conf' });
});
afterEach(() => t.closeParticipants());
afterAll(() => t?.close());

/** Waits until `observer` sees `nick` with a presence satisfying `pred` (checks the current state first). */
async function seen(observer: JitsiParticipant, nick: string, pred: (o: Occupant) => boolean): Promise<Occupant> {
  const now = observer.occupants.find((o) => o.nick === nick);
  if (now && pred(now)) return now;
  const [o] = await waitForEvent(observer, 'occupantUpdated', { timeoutMs: 30_000, predicate: (x) => x.nick === nick && pred(x) });
  return o;
}

async function moderator(p: JitsiParticipant): Promise<void> {
  if (p.self?.role === 'moderator') return;
  await waitForEvent(p, 'roleChanged', { timeoutMs: 30_000, predicate: (role) => role === 'moderator' });
}

describe('mute (§12)', () => {
  it('self mute and unmute are visible in SourceInfo; muted video is announced to the bridge as videoType none', async () => {
    const r = t.room();
    const { p: a } = await t.join(r);
    const { p: b } = await t.join(r);
    const bridgeEvents = subscribeToEvents(t.bridge, ['messageReceived']);
    await seen(b, a.endpointId, (o) => o.sourceInfo[`${a.endpointId}-a0`]?.muted === false);
    await a.setMuted('audio', true);
    expect(a.isMuted('audio')).toBe(true);
    await seen(b, a.endpointId, (o) => o.sourceInfo[`${a.endpointId}-a0`]?.muted === true && o.sourceInfo[`${a.endpointId}-v0`]?.muted === false);
    if (a.bridgeChannel?.state !== 'open') await waitForEvent(a, 'bridgeChannelOpened', { timeoutMs: 30_000 });
    await a.setMuted('video', true);
    await seen(b, a.endpointId, (o) => o.sourceInfo[`${a.endpointId}-v0`]?.muted === true);
    const [none] = await bridgeEvents.waitFor('messageReceived', {
      predicate: (m) => m.endpointId === a.endpointId && m.message['colibriClass'] === 'SourceVideoTypeMessage' && m.message['videoType'] === 'none',
    });
    expect(none.message).toEqual({ colibriClass: 'SourceVideoTypeMessage', sourceName: `${a.endpointId}-v0`, videoType: 'none' });
    expect(none.rejected).toBeUndefined();
    await a.setMuted('audio', false);
    await a.setMuted('video', false);
    await seen(b, a.endpointId, (o) => o.sourceInfo[`${a.endpointId}-a0`]?.muted === false && o.sourceInfo[`${a.endpointId}-v0`]?.muted === false);
  });

  it('obeys a moderator force-mute and asks focus to unblock on self-unmute', async () => {
    const r = t.room();
    const { p: a } = await t.join(r);
    const { p: b } = await t.join(r);
    const focusEvents = subscribeToEvents(t.focus, ['selfUnmuted']);
    const ev = subscribeToEvents(a, ['mutedByModerator']);
    await t.focus.muteParticipant(r, a.endpointId, 'audio');
    const [media, actor] = await ev.waitFor('mutedByModerator');
    expect(media).toBe('audio');
    expect(actor).toBe(`${r}@${t.tb.muc}/focus`);
    expect(a.isMuted('audio')).toBe(true);
    await seen(b, a.endpointId, (o) => o.sourceInfo[`${a.endpointId}-a0`]?.muted === true);
    await a.setMuted('audio', false);
    const [, nick, unmuted] = await focusEvents.waitFor('selfUnmuted');
    expect([nick, unmuted]).toEqual([a.endpointId, 'audio']);
    await seen(b, a.endpointId, (o) => o.sourceInfo[`${a.endpointId}-a0`]?.muted === false);
  });
});

describe('chat and subject', () => {
  it('exchanges groupchat messages', async () => {
    const r = t.room();
    const { p: a } = await t.join(r);
    const { p: b } = await t.join(r);
    const ev = subscribeToEvents(b, ['messageReceived']);
    await a.sendMessage('Talk starts in 5 minutes');
    const [msg] = await ev.waitFor('messageReceived', { predicate: (m) => m.nick === a.endpointId });
    expect(msg.body).toBe('Talk starts in 5 minutes');
  });

  it('lets a moderator set the subject and refuses others with a typed not-moderator error', async () => {
    const r = t.room();
    const { p: a } = await t.join(r);
    await moderator(a); // the focus makes the first participant owner (jicofo auto-owner)
    const { p: b } = await t.join(r);
    const ev = subscribeToEvents(b, ['subjectChanged']);
    await a.setSubject('Keynote');
    const [subject] = await ev.waitFor('subjectChanged', { predicate: (s) => s === 'Keynote' });
    expect(subject).toBe('Keynote');
    expect(b.self?.role).toBe('participant');
    const err = await b.setSubject('Hijack').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConferenceError);
    expect((err as ConferenceError).reason).toBe('not-moderator');
    expect((err as Error).message).toMatch(/moderator/);
  });
});

describe('extdisco (§2)', () => {
  it('passes the STUN/TURN services of the deployment to the media session', async () => {
    const r = t.room();
    const { p: a, media } = await t.join(r);
    expect(a.iceServers).toEqual([
      { urls: 'stun:127.0.0.1:3478' },
      { urls: 'turn:127.0.0.1:3478?transport=tcp', username: 'stagecast', credential: 'testbed-turn' },
    ]);
    await t.join(r);
    if (a.jingle.state !== 'active') await waitForEvent(a, 'sessionStarted', { timeoutMs: 30_000 });
    expect(media.openedSessions.at(-1)?.iceServers).toEqual(a.iceServers);
  });
});
