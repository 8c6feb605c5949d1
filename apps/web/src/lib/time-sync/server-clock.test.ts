import { afterEach, describe, expect, it, vi } from 'vitest';
import { ClockOffsetError } from './clock-offset.js';
import { ServerClock } from './server-clock.js';

/**
 * A fake network on a fake client clock: each request takes `rtts[i]` ms, the server (clock `offset` ahead) reads
 * its clock `serverAt` of the way through the round trip.
 */
function fakeServer(offset: number, rtts: number[], serverAt = 0.5) {
  let clientNow = 1_700_000_000_000;
  let i = 0;
  const fetchImpl = vi.fn(async (_input: RequestInfo | URL, _init?: RequestInit) => {
    const rtt = rtts[i++ % rtts.length]!;
    const serverTimeMs = clientNow + rtt * serverAt + offset;
    clientNow += rtt;
    return new Response(JSON.stringify({ serverTimeMs }), { status: 200 });
  });
  return { fetchImpl, now: () => clientNow, advance: (ms: number) => (clientNow += ms) };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('ServerClock', () => {
  it('estimates the offset from several samples and tracks the client clock afterwards', async () => {
    const server = fakeServer(-37_000, [250, 20, 8, 9, 400, 8, 30, 12], 0.7);
    const clock = new ServerClock({ fetch: server.fetchImpl, now: server.now, gapMs: 0 });
    expect(clock.now()).toBeNull();
    const seen: number[] = [];
    clock.onChange((estimate) => seen.push(estimate.offsetMs));
    const estimate = await clock.sync();
    expect(server.fetchImpl).toHaveBeenCalledTimes(8);
    expect(Math.abs(estimate.offsetMs + 37_000)).toBeLessThanOrEqual(estimate.uncertaintyMs);
    expect(estimate.rttMs).toBe(8);
    expect(seen).toHaveLength(1);
    server.advance(5000);
    expect(Math.abs(clock.now()! - (server.now() - 37_000))).toBeLessThanOrEqual(4);
    clock.close();
  });

  it('rejects with a typed error naming the problem when the endpoint misbehaves', async () => {
    const notFound = new ServerClock({
      fetch: async () => new Response('nope', { status: 404 }),
      samples: 2,
      gapMs: 0,
    });
    await expect(notFound.sync()).rejects.toMatchObject({ reason: 'http-status' });
    const garbage = new ServerClock({
      fetch: async () => new Response(JSON.stringify({ time: 'now' })),
      samples: 1,
    });
    const error = await garbage.sync().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClockOffsetError);
    expect((error as Error).message).toContain('serverTimeMs');
  });

  it('uses the samples that succeeded when some requests fail', async () => {
    const server = fakeServer(500, [10]);
    let calls = 0;
    const clock = new ServerClock({
      fetch: async (...args) => {
        if (calls++ % 2 === 0) throw new TypeError('Failed to fetch');
        return server.fetchImpl(...args);
      },
      now: server.now,
      samples: 4,
      gapMs: 0,
    });
    const estimate = await clock.sync();
    expect(estimate.samples).toBe(2);
    expect(estimate.offsetMs).toBe(500);
  });

  it('re-syncs periodically after start() and stops on close()', async () => {
    vi.useFakeTimers();
    const server = fakeServer(100, [10]);
    const clock = new ServerClock({ fetch: server.fetchImpl, now: server.now, samples: 2, gapMs: 0, resyncMs: 1000 });
    clock.start();
    await vi.advanceTimersByTimeAsync(10);
    expect(server.fetchImpl).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(1000);
    expect(server.fetchImpl).toHaveBeenCalledTimes(4);
    clock.close();
    clock.close();
    await vi.advanceTimersByTimeAsync(5000);
    expect(server.fetchImpl).toHaveBeenCalledTimes(4);
  });
});
