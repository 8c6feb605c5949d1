/**
 * Secure domain with guest fallback and "waiting for the host" (docs/jitsi-protocol.md §2, §3, §15) against real
 * Prosody: `secure.stagecast.test` (username/password), guests anonymous on `guest.secure.stagecast.test`; the test
 * focus only lets authenticated users create rooms (jicofo with authentication → `not-authorized` for guests), and the
 * MUC's wait-for-host option refuses guests with `<waiting-for-host/>` until a moderator is in.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConferenceError } from '../errors.js';
import { waitForEvent } from '../events.js';
import { subscribeToEvents } from '../testing/subscribe-to-events.js';
import { startTestbedFixture, type JoinOptions, type TestbedFixture } from '../testing/testbed-fixture.js';

let t: TestbedFixture;
beforeAll(async () => {
  t = await startTestbedFixture({ label: 'sec' });
});
afterEach(() => t.closeParticipants());
afterAll(() => t?.close());

const secure = (): JoinOptions['overrides'] => ({ domain: t.tb.secureDomain, anonymousDomain: t.tb.guestDomain });
const host = (): JoinOptions => ({ overrides: secure(), auth: { kind: 'password', username: t.tb.secureUser, password: t.tb.securePassword }, displayName: 'Host' });

describe('secure domain', () => {
  it('logs in with username/password on the secure domain and becomes moderator', async () => {
    const r = t.room();
    const { p } = await t.join(r, host());
    expect(p.connection.jid.split('/')[0]).toBe(`${t.tb.secureUser}@${t.tb.secureDomain}`);
    if (p.self?.role !== 'moderator') await waitForEvent(p, 'roleChanged', { timeoutMs: 30_000, predicate: (role) => role === 'moderator' });
  });

  it('a guest (anonymous on hosts.anonymousdomain) waits for the host, then joins', async () => {
    const r = t.room();
    t.focus.setAuthenticatedDomain(t.tb.secureDomain);
    try {
      const { p: g } = await t.prepare(r, { overrides: secure(), displayName: 'Guest' });
      const ev = subscribeToEvents(g, ['stateChanged']);
      const joining = g.join();
      // the focus refuses the guest (not-authorized) → "waiting for the host", retried with backoff
      await ev.waitFor('stateChanged', { predicate: (_prev, next) => next === 'waiting-for-host' });
      const { p: h } = await t.join(r, host());
      await joining;
      expect(g.state).toBe('joined');
      expect(g.connection.jid.split('@')[1]?.split('/')[0]).toBe(t.tb.guestDomain);
      expect(g.occupants.some((o) => o.nick === h.endpointId)).toBe(true);
    } finally {
      t.focus.setAuthenticatedDomain(undefined);
    }
  });

  it('a guest gives up with a typed waiting-for-host error when no host comes in time', async () => {
    t.focus.setAuthenticatedDomain(t.tb.secureDomain);
    try {
      const err = await t.join(t.room(), { overrides: secure(), timeouts: { focusMs: 2500 } }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConferenceError);
      expect((err as ConferenceError).reason).toBe('waiting-for-host');
      expect((err as Error).message).toMatch(/host/);
    } finally {
      t.focus.setAuthenticatedDomain(undefined);
    }
  });
});

describe('MUC wait-for-host (lobby variant)', () => {
  it('reports waiting-for-host and retries until a moderator is in the room', async () => {
    const r = t.room();
    await t.focus.ensureRoom(r);
    await t.focus.configureRoom(r, { waitForHost: true });
    const { p: g } = await t.prepare(r, { displayName: 'Early guest' });
    const ev = subscribeToEvents(g, ['stateChanged']);
    const joining = g.join();
    await ev.waitFor('stateChanged', { predicate: (_prev, next) => next === 'waiting-for-host' });
    const { p: h } = await t.join(r, host()); // authenticated host: exempt, made owner by the focus
    await joining;
    expect(g.state).toBe('joined');
    expect(g.occupants.some((o) => o.nick === h.endpointId)).toBe(true);
  });

  it('gives up with waiting-for-host at the deadline', async () => {
    const r = t.room();
    await t.focus.ensureRoom(r);
    await t.focus.configureRoom(r, { waitForHost: true });
    const err = await t.join(r, { timeouts: { focusMs: 2500 } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConferenceError);
    expect((err as ConferenceError).reason).toBe('waiting-for-host');
  });
});
