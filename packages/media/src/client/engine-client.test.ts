import { afterEach, describe, expect, it } from 'vitest';
import { createEngine } from './create-engine.js';
import type { EngineClient } from './engine-client.js';
import { EngineDiedError, EngineRequestError, EngineStartError, InvalidStateError } from '../errors.js';
import { fakeEngineEntry } from '../testing/fake-engine-entry.js';
import { waitForEvent } from '../testing/wait-for.js';

const clients: EngineClient[] = [];
async function fake(mode = 'normal', timings = {}): Promise<EngineClient> {
  const c = await createEngine({
    entry: fakeEngineEntry(),
    args: [mode],
    timings: { heartbeatTimeoutMs: 3000, killGraceMs: 2000, ...timings },
  });
  clients.push(c);
  return c;
}
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

describe('EngineClient with a fake engine process', () => {
  it('resolves on ready and round-trips a request', async () => {
    const c = await fake();
    const r = await c.request('engine.stats', {});
    expect(r.sessions).toEqual([]);
    expect(r.rssBytes).toBeGreaterThan(0);
  }, 20_000);

  it('rejects params that fail the schema before sending', async () => {
    const c = await fake();
    // @ts-expect-error wrong params on purpose
    await expect(c.request('session.close', { sid: 42 })).rejects.toMatchObject({ reason: 'bad-request' });
  }, 20_000);

  it('maps an engine error response to EngineRequestError', async () => {
    const c = await fake();
    const err = await c
      .request('offerer.setSourceActive', { sid: 's', name: 'x', active: true })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineRequestError);
    expect((err as EngineRequestError).reason).toBe('unknown-method');
  }, 20_000);

  it('start failure: exit before ready → EngineStartError with stderr', async () => {
    const err = await createEngine({ entry: fakeEngineEntry(), args: ['exit-before-ready'] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineStartError);
    expect((err as EngineStartError).reason).toBe('exited-early');
    expect((err as Error).message).toContain('failing on purpose');
  }, 20_000);

  it('refuses a protocol version mismatch', async () => {
    const err = await createEngine({ entry: fakeEngineEntry(), args: ['bad-version'] }).catch((e: unknown) => e);
    expect(err).toMatchObject({ reason: 'protocol-mismatch' });
  }, 20_000);

  it('crash (kill) → died with the signal, pending requests rejected, sessionLost for open sessions', async () => {
    const c = await fake();
    await c.openSession({ sid: 's1', localSources: [], iceServers: [] });
    const lost: string[] = [];
    c.subscribe((e) => {
      if (e.type === 'sessionLost') lost.push(e.sid);
    });
    const died = waitForEvent(c, 'died');
    process.kill(c.pid!, 'SIGKILL');
    const [err] = await died;
    expect(err).toBeInstanceOf(EngineDiedError);
    expect(err.signal).toBe('SIGKILL');
    expect(err.reason).toBe('crashed');
    expect(lost).toEqual(['s1']);
    expect(c.state).toBe('died');
    await expect(c.request('engine.stats', {})).rejects.toBeInstanceOf(InvalidStateError);
  }, 20_000);

  it('hang (JS thread blocked, no heartbeat) → killed by the watchdog and died', async () => {
    const c = await fake();
    const died = waitForEvent(c, 'died');
    const blocked = c.request('debug.block', { ms: 60_000 }, { timeoutMs: 60_000 }).catch((e: unknown) => e);
    const [err] = await died;
    expect(err.reason).toBe('watchdog-heartbeat');
    // SIGTERM cannot run in a blocked JS thread's handlers; the process still goes (default action or SIGKILL).
    expect(['SIGTERM', 'SIGKILL']).toContain(err.signal);
    expect(await blocked).toMatchObject({ reason: 'engine-gone' });
  }, 20_000);

  it('a request timeout kills the engine', async () => {
    const c = await fake('silent-requests', { requestTimeoutMs: 500 });
    const died = waitForEvent(c, 'died');
    await expect(c.request('engine.stats', {})).rejects.toMatchObject({ reason: 'timeout' });
    const [err] = await died;
    expect(err.reason).toBe('watchdog-request-timeout');
  }, 20_000);

  it('close() asks for shutdown, emits closed (not died), is idempotent, later calls fail with InvalidStateError', async () => {
    const c = await fake();
    let died = false;
    c.on('died', () => (died = true));
    const closed = waitForEvent(c, 'closed');
    const p1 = c.close();
    const p2 = c.close();
    expect(p1).toBe(p2);
    await p1;
    await closed;
    expect(died).toBe(false);
    expect(c.state).toBe('closed');
    await expect(c.request('engine.stats', {})).rejects.toBeInstanceOf(InvalidStateError);
  }, 20_000);

  it('MediaPort subscribe maps engine events', async () => {
    const c = await fake();
    const seen: string[] = [];
    const off = c.subscribe((e) => seen.push(e.type));
    const cand = waitForEvent(c, 'localCandidate');
    await c.openSession({ sid: 's1', localSources: [], iceServers: [] });
    await cand;
    off();
    expect(seen).toContain('localCandidate');
  }, 20_000);
});
