/** MucRoom state machine (XEP-0045 as Jitsi uses it, docs/jitsi-protocol.md §4, §15, §16) with a fake connection. */
import { xml, type Element } from '@xmpp/xml';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConferenceError } from '../errors.js';
import { TypedEmitter } from '../events.js';
import { silentLogger } from '../logger.js';
import { NS } from '../xml/namespaces.js';
import { MucRoom, type MucConnection } from './muc-room.js';
import type { PresenceModel } from './presence.js';

const ROOM = 'talk@conference.example.test';
const ME = 'a1b2c3d4';
const MUC_USER = 'http://jabber.org/protocol/muc#user';
const JITMEET = 'http://jitsi.org/jitmeet';

class FakeConnection extends TypedEmitter<{ stanzaReceived: [Element] }> implements MucConnection {
  readonly sent: Element[] = [];
  room: MucRoom | undefined;
  /** Called for each sent stanza (to script the server's answer). */
  onSend: ((el: Element) => void) | undefined;
  async send(el: Element): Promise<void> {
    this.sent.push(el);
    this.onSend?.(el);
  }
  /** The server delivers a stanza: the client routes it to the room (as JitsiParticipant does) and to listeners. */
  deliver(el: Element): void {
    this.room?.handleStanza(el);
    this.safeEmit('stanzaReceived', el);
  }
}

const model: PresenceModel = { nick: 'Stage', sourceInfo: { [`${ME}-a0`]: { muted: false } }, codecList: ['vp8', 'h264'], bot: true };

function presence(nick: string, opts: { role?: string; affiliation?: string; jid?: string; codes?: string[]; type?: string; children?: Element[] } = {}): Element {
  return xml(
    'presence',
    { from: `${ROOM}/${nick}`, to: 'me@example.test/r', type: opts.type },
    xml('x', { xmlns: MUC_USER }, xml('item', { role: opts.role ?? 'participant', affiliation: opts.affiliation ?? 'none', jid: opts.jid }), ...(opts.codes ?? []).map((code) => xml('status', { code }))),
    ...(opts.children ?? []),
  );
}

function errorPresence(type: string, condition: string, ...app: Element[]): Element {
  return xml('presence', { from: `${ROOM}/${ME}`, type: 'error' }, xml('error', { type }, xml(condition, { xmlns: NS.stanzas }), ...app));
}

function setup() {
  const c = new FakeConnection();
  const room = new MucRoom(c, ROOM, ME, silentLogger, (jid, nick) => nick === 'focus' || !!jid?.startsWith('focus@auth.example.test/'));
  c.room = room;
  return { c, room };
}

async function joined() {
  const t = setup();
  const p = t.room.join(model, { password: 'pw' });
  t.c.deliver(presence(ME, { codes: ['110'], role: 'participant' }));
  await p;
  return t;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('join', () => {
  it('sends one full presence with <x muc> (password) and resolves on the self-presence', async () => {
    const { c, room } = setup();
    const p = room.join(model, { password: 'pw', billingId: 'bill' });
    const sent = c.sent[0] as Element;
    expect(sent.attrs.to).toBe(`${ROOM}/${ME}`);
    const x = sent.getChild('x', 'http://jabber.org/protocol/muc');
    expect(x?.getChildText('password')).toBe('pw');
    expect(x?.getChildText('billingid')).toBe('bill');
    expect(sent.getChild('c', NS.caps)?.attrs.ver).toBe('154QeyzGNFbM3a60+VZcdjZvStE=');
    expect(sent.getChildText('SourceInfo')).toBe(JSON.stringify(model.sourceInfo));
    expect(sent.getChild('bot')?.attrs.type).toBe('poltergeist');
    c.deliver(presence(ME, { codes: ['110', '100'], role: 'moderator', affiliation: 'owner' }));
    const self = await p;
    expect(self.role).toBe('moderator');
    expect(room.isJoined).toBe(true);
    // later presences repeat everything except <x muc>
    await room.updatePresence({ ...model, nick: 'Renamed' });
    expect(c.sent[1]?.getChild('x', 'http://jabber.org/protocol/muc')).toBeUndefined();
    expect(c.sent[1]?.getChildText('nick', 'http://jabber.org/protocol/nick')).toBe('Renamed');
  });

  it.each([
    ['auth', 'not-authorized', [], 'password-required'],
    ['cancel', 'service-unavailable', [], 'room-full'],
    ['cancel', 'conflict', [], 'nickname-conflict'],
    ['cancel', 'not-allowed', [xml('authentication-required', { xmlns: JITMEET })], 'authentication-required'],
    ['cancel', 'not-allowed', [], 'focus-unavailable'],
    ['modify', 'not-acceptable', [xml('displayname-required', { xmlns: JITMEET })], 'displayname-required'],
  ] as const)('maps %s/%s to %s', async (type, condition, app, reason) => {
    const { c, room } = setup();
    const p = room.join(model).catch((e: unknown) => e);
    c.deliver(errorPresence(type, condition, ...app));
    const err = await p;
    expect(err).toBeInstanceOf(ConferenceError);
    expect((err as ConferenceError).reason).toBe(reason);
    expect(room.isJoined).toBe(false);
  });

  it('reports a lobby as room-locked with the lobby room, and waiting-for-host separately', async () => {
    const lobby = setup();
    const p1 = lobby.room.join(model).catch((e: unknown) => e);
    lobby.c.deliver(errorPresence('auth', 'registration-required', xml('lobbyroom', { xmlns: JITMEET }, 'talk@lobby.example.test')));
    const e1 = (await p1) as ConferenceError & { lobbyRoom?: string };
    expect([e1.reason, e1.lobbyRoom]).toEqual(['room-locked', 'talk@lobby.example.test']);

    const host = setup();
    const p2 = host.room.join(model).catch((e: unknown) => e);
    host.c.deliver(errorPresence('auth', 'registration-required', xml('lobbyroom', { xmlns: JITMEET }, 'talk@lobby.example.test'), xml('waiting-for-host', { xmlns: JITMEET })));
    const e2 = (await p2) as ConferenceError;
    expect(e2.reason).toBe('waiting-for-host');
    expect(e2.message).toMatch(/host/);
  });

  it('times out with join-timeout when the room never answers', async () => {
    vi.useFakeTimers();
    const { room } = setup();
    const p = room.join(model, { timeoutMs: 15_000 }).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(15_000);
    expect(((await p) as ConferenceError).reason).toBe('join-timeout');
  });
});

describe('occupants and room events', () => {
  it('tracks occupants (focus recognised by its real JID), their SourceInfo, updates and departures', async () => {
    const { c, room } = await joined();
    const events: string[] = [];
    room.on('occupantJoined', (o) => events.push(`joined ${o.nick} focus=${o.isFocus}`));
    room.on('occupantUpdated', (o) => events.push(`updated ${o.nick} ${JSON.stringify(o.sourceInfo)}`));
    room.on('occupantLeft', (o) => events.push(`left ${o.nick}`));
    c.deliver(presence('focus', { jid: 'focus@auth.example.test/x', role: 'moderator', affiliation: 'owner' }));
    c.deliver(presence('bbbb0001', { children: [xml('SourceInfo', {}, '{"bbbb0001-a0":{"muted":true}}'), xml('nick', { xmlns: 'http://jabber.org/protocol/nick' }, 'Bee')] }));
    c.deliver(presence('bbbb0001', { children: [xml('SourceInfo', {}, '{"bbbb0001-a0":{"muted":false}}')] }));
    c.deliver(presence('cccc0001', { children: [xml('audiomuted', {}, 'true')] })); // legacy client
    c.deliver(presence('bbbb0001', { type: 'unavailable' }));
    expect(events).toEqual([
      'joined focus focus=true',
      'joined bbbb0001 focus=false',
      'updated bbbb0001 {"bbbb0001-a0":{"muted":false}}',
      'joined cccc0001 focus=false',
      'left bbbb0001',
    ]);
    expect(room.occupants.get('cccc0001')?.sourceInfo).toEqual({ 'cccc0001-a0': { muted: true } });
    expect([...room.occupants.keys()]).toEqual(['focus', 'cccc0001']);
  });

  it('reports our own role changes after the join', async () => {
    const { c, room } = await joined();
    const changes: string[] = [];
    room.on('selfUpdated', (self, prev) => changes.push(`${prev.role}→${self.role}`));
    c.deliver(presence(ME, { codes: ['110'], role: 'moderator', affiliation: 'owner' }));
    expect(changes).toEqual(['participant→moderator']);
    expect(room.self?.affiliation).toBe('owner');
  });

  it('emits groupchat messages, subject changes and invites; ignores other rooms', async () => {
    const { c, room } = await joined();
    const seen: string[] = [];
    room.on('messageReceived', (m) => seen.push(`msg ${m.nick}: ${m.body}`));
    room.on('subjectChanged', (s) => seen.push(`subject ${s}`));
    room.on('invited', (from) => seen.push(`invite ${from}`));
    c.deliver(xml('message', { from: `${ROOM}/bbbb0001`, type: 'groupchat' }, xml('body', {}, 'hello')));
    c.deliver(xml('message', { from: `${ROOM}/bbbb0001`, type: 'groupchat' }, xml('subject', {}, 'Keynote')));
    c.deliver(xml('message', { from: ROOM }, xml('x', { xmlns: MUC_USER }, xml('invite', { from: `${ROOM}/focus` }))));
    c.deliver(xml('message', { from: 'other@conference.example.test/x', type: 'groupchat' }, xml('body', {}, 'elsewhere')));
    expect(seen).toEqual(['msg bbbb0001: hello', 'subject Keynote', `invite ${ROOM}/focus`]);
    await room.sendMessage('hi');
    await room.setSubject('New');
    expect(c.sent.at(-2)?.toString()).toBe(`<message to="${ROOM}" type="groupchat"><body>hi</body></message>`);
    expect(c.sent.at(-1)?.getChildText('subject')).toBe('New');
  });

  it('reports a kick (307) with its reason and a destroyed room', async () => {
    const kicked = await joined();
    const removed: string[] = [];
    kicked.room.on('removed', (why, text) => removed.push(`${why}:${text ?? ''}`));
    const item = xml('item', { role: 'none', affiliation: 'none' }, xml('reason', {}, 'Denied by moderator'));
    kicked.c.deliver(xml('presence', { from: `${ROOM}/${ME}`, type: 'unavailable' }, xml('x', { xmlns: MUC_USER }, item, xml('status', { code: '110' }), xml('status', { code: '307' }))));
    expect(removed).toEqual(['kicked:Denied by moderator']);
    expect(kicked.room.isJoined).toBe(false);

    const destroyed = await joined();
    destroyed.room.on('removed', (why) => removed.push(why));
    destroyed.c.deliver(xml('presence', { from: `${ROOM}/${ME}`, type: 'unavailable' }, xml('x', { xmlns: MUC_USER }, xml('destroy'), xml('status', { code: '110' }))));
    expect(removed.at(-1)).toBe('room-destroyed');
  });
});

describe('leave (§16)', () => {
  it('sends unavailable with a status and resolves true once the room confirms', async () => {
    const { c, room } = await joined();
    c.onSend = (el) => {
      if (el.attrs.type === 'unavailable') queueMicrotask(() => c.deliver(presence(ME, { type: 'unavailable', codes: ['110'] })));
    };
    await expect(room.leave(5000, 'talk over')).resolves.toBe(true);
    expect(c.sent.at(-1)?.getChildText('status')).toBe('talk over');
    expect(room.isJoined).toBe(false);
    await expect(room.leave()).resolves.toBe(false); // already left: nothing sent
  });

  it('resolves false after the timeout when the room stays silent', async () => {
    vi.useFakeTimers();
    const { room } = await joined();
    const p = room.leave(5000);
    await vi.advanceTimersByTimeAsync(5000);
    await expect(p).resolves.toBe(false);
  });
});
