import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createParticipant, newEndpointId, type JitsiParticipant, type ParticipantOptions } from '../client.js';
import { ConferenceError, ConnectionError } from '../errors.js';
import { FakeMediaPort } from '../testing/fake-media-port.js';
import { TestBridge } from '../testing/test-bridge.js';
import { TestFocus } from '../testing/test-focus.js';
import { ConfigJsServer, signJwt, startProsody, testbedConfigJs, type ProsodyTestbed } from '../testing/testbed.js';

let tb: ProsodyTestbed;
let bridge: TestBridge;
let focus: TestFocus;
let config: ConfigJsServer;
const open: JitsiParticipant[] = [];
let n = 0;
const prefix = `acc-${process.pid}-${Date.now().toString(36)}-`;
const room = () => `${prefix}${n++}`;

beforeAll(async () => {
  tb = await startProsody();
  bridge = await TestBridge.start();
  focus = await TestFocus.start({ websocketUrl: tb.websocketUrl, domain: tb.domain, focusPassword: tb.focusPassword, bridge, roomPrefix: prefix });
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

async function join(r: string, extra: Partial<ParticipantOptions> = {}): Promise<JitsiParticipant> {
  const p = await createParticipant({ meetingUrl: `${config.origin}/${r}`, media: new FakeMediaPort(), ...extra });
  open.push(p);
  return p;
}

const jwt = (claims: Record<string, unknown>) =>
  signJwt(tb.jwtSecret, { iss: tb.jwtAppId, aud: 'jitsi', sub: tb.domain, exp: Math.floor(Date.now() / 1000) + 600, ...claims });

describe('room password', () => {
  it('refuses a wrong password with password-required and admits the right one', async () => {
    const r = room();
    await focus.ensureRoom(r);
    await focus.configureRoom(r, { password: 's3cret' });
    const err = await join(r, { roomPassword: 'wrong' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConferenceError);
    expect((err as ConferenceError).reason).toBe('password-required');
    const p = await join(r, { roomPassword: 's3cret' });
    expect(p.state).toBe('joined');
  });
});

describe('JWT (token in the WebSocket URL, SASL ANONYMOUS)', () => {
  it('joins with a valid token', async () => {
    const r = room();
    const p = await join(r, { auth: { kind: 'jwt', token: jwt({ room: r }) } });
    expect(p.state).toBe('joined');
  });
  it('refuses a badly signed token with auth-refused', async () => {
    const bad = signJwt('not-the-secret', { iss: tb.jwtAppId, aud: 'jitsi', sub: tb.domain, room: '*', exp: Math.floor(Date.now() / 1000) + 600 });
    const err = await join(room(), { auth: { kind: 'jwt', token: bad } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as ConnectionError).reason).toBe('auth-refused');
    expect((err as Error).message).not.toContain(bad);
  });
  it('refuses an expired token', async () => {
    const err = await join(room(), { auth: { kind: 'jwt', token: jwt({ room: '*', exp: 1000 }) } }).catch((e: unknown) => e);
    expect((err as ConnectionError).reason).toBe('auth-refused');
  });
});

describe('lobby', () => {
  it('knocks and is admitted by a moderator', async () => {
    const r = room();
    await focus.ensureRoom(r);
    await focus.configureRoom(r, { membersOnly: true });
    const ep = newEndpointId();
    const joining = join(r, { endpointId: ep, lobby: { knock: true, timeoutMs: 30_000 }, displayName: 'Knocker' });
    await focus.approveLobby(r, ep);
    const p = await joining;
    expect(p.state).toBe('joined');
  });
  it('reports lobby-denied when the moderator refuses', async () => {
    const r = room();
    await focus.ensureRoom(r);
    await focus.configureRoom(r, { membersOnly: true });
    const ep = newEndpointId();
    const joining = join(r, { endpointId: ep, lobby: { knock: true, timeoutMs: 30_000 } }).catch((e: unknown) => e);
    await focus.denyLobby(r, ep);
    const err = await joining;
    expect(err).toBeInstanceOf(ConferenceError);
    expect((err as ConferenceError).reason).toBe('lobby-denied');
  });
  it('without knocking, a lobby room is a typed room-locked error', async () => {
    const r = room();
    await focus.ensureRoom(r);
    await focus.configureRoom(r, { membersOnly: true });
    const err = await join(r).catch((e: unknown) => e);
    expect((err as ConferenceError).reason).toBe('room-locked');
  });
});
