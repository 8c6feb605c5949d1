/** Conference request state machine (docs/jitsi-protocol.md §3) with a scripted fake connection and fake timers. */
import { xml, type Element } from '@xmpp/xml';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { errorElement, StanzaError } from '../connection/stanza-error.js';
import { ConferenceError, ConnectionError } from '../errors.js';
import { silentLogger } from '../logger.js';
import { NS } from '../xml/namespaces.js';
import { requestConference, type ConferenceRequestOptions } from './conference-request.js';

type Reply = Element | Error;

class ScriptedConnection {
  readonly sent: Element[] = [];
  constructor(private readonly replies: Reply[]) {}
  async request(iq: Element): Promise<Element> {
    this.sent.push(iq);
    const r = this.replies.shift();
    if (!r) throw new Error('no scripted reply left');
    if (r instanceof Error) throw r;
    return r;
  }
}

const ready = (value: 'true' | 'false', focusjid?: string) =>
  xml('iq', { type: 'result' }, xml('conference', { xmlns: NS.focus, ready: value, room: 'r@muc', focusjid }));
const stanzaError = (type: 'cancel' | 'auth' | 'modify' | 'wait', condition: string, ...app: Element[]) =>
  StanzaError.fromStanza(xml('iq', { type: 'error' }, errorElement(type, condition, ...app)));

function options(connection: ScriptedConnection, extra: Partial<ConferenceRequestOptions> = {}): ConferenceRequestOptions {
  return { connection, focus: 'focus.example.test', roomJid: 'r@muc', machineUid: 'm-1', logger: silentLogger, timeoutMs: 60_000, ...extra };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('requestConference', () => {
  it('sends the conference IQ to focus and returns on ready="true"', async () => {
    const c = new ScriptedConnection([ready('true', 'focus@auth.example.test')]);
    const grant = await requestConference(options(c, { token: 'jwt-value' }));
    expect(grant).toEqual({ focusJid: 'focus@auth.example.test', viaHttp: false });
    const conf = c.sent[0]?.getChild('conference', NS.focus);
    expect(c.sent[0]?.attrs).toMatchObject({ type: 'set', to: 'focus.example.test' });
    expect(conf?.attrs).toMatchObject({ room: 'r@muc', 'machine-uid': 'm-1', token: 'jwt-value' });
    expect(conf?.getChild('property')?.attrs).toEqual({ name: 'rtcstatsEnabled', value: 'false' });
    expect(conf?.attrs['session-id']).toBeUndefined();
  });

  it('retries ready="false" with 1 s·2ⁿ backoff and reports not-ready while waiting', async () => {
    const c = new ScriptedConnection([ready('false'), ready('false'), ready('true')]);
    const waiting: string[] = [];
    const p = requestConference(options(c, { onWaiting: (w) => waiting.push(w) }));
    await vi.advanceTimersByTimeAsync(999);
    expect(c.sent).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(c.sent).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1999);
    expect(c.sent).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    await expect(p).resolves.toEqual({ viaHttp: false });
    expect(waiting).toEqual(['not-ready', 'not-ready']);
  });

  it('treats not-authorized as "waiting for the host" and gives up at the deadline with that reason', async () => {
    const c = new ScriptedConnection(Array.from({ length: 10 }, () => stanzaError('auth', 'not-authorized')));
    const waiting: string[] = [];
    const p = requestConference(options(c, { timeoutMs: 10_000, onWaiting: (w) => waiting.push(w) })).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(10_000);
    const err = await p;
    expect(err).toBeInstanceOf(ConferenceError);
    expect((err as ConferenceError).reason).toBe('waiting-for-host');
    expect(waiting.every((w) => w === 'waiting-for-host')).toBe(true);
    expect(c.sent.length).toBe(4); // t = 0, 1, 3, 7 s; the next wait (8 s) would end after the 10 s deadline
  });

  it('retries when focus is not connected or silent, then fails with focus-timeout', async () => {
    const timeout = new ConnectionError('timeout', 'no reply');
    const c = new ScriptedConnection([stanzaError('wait', 'service-unavailable'), timeout, stanzaError('cancel', 'item-not-found'), timeout]);
    const p = requestConference(options(c, { timeoutMs: 5_000 })).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(5_000);
    const err = await p;
    expect((err as ConferenceError).reason).toBe('focus-timeout');
    expect((err as Error).message).toMatch(/jicofo is running/);
  });

  it('drops the session on session-invalid and retries', async () => {
    const c = new ScriptedConnection([stanzaError('cancel', 'not-acceptable', xml('session-invalid', { xmlns: NS.focus })), ready('true')]);
    const p = requestConference(options(c));
    await vi.advanceTimersByTimeAsync(1000);
    await expect(p).resolves.toEqual({ viaHttp: false });
    expect(c.sent[1]?.getChild('conference', NS.focus)?.attrs['session-id']).toBeUndefined();
  });

  it('fails at once with focus-unavailable on a refusal it cannot wait out', async () => {
    const c = new ScriptedConnection([stanzaError('modify', 'bad-request')]);
    const err = await requestConference(options(c)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConferenceError);
    expect((err as ConferenceError).reason).toBe('focus-unavailable');
    expect((err as Error).message).toMatch(/bad-request/);
  });

  it('stops waiting when aborted', async () => {
    const c = new ScriptedConnection([ready('false'), ready('false')]);
    const ac = new AbortController();
    const p = requestConference(options(c, { signal: ac.signal })).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(10);
    ac.abort(new Error('left'));
    expect(((await p) as Error).message).toBe('left');
  });
});
