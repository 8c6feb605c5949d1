import { EventEmitter } from 'node:events';
import type { EngineClient } from '@stagecast/media';
import { describe, expect, it, vi } from 'vitest';
import { SupervisedMediaPort } from './supervised-media-port.js';

/** The slice of EngineClient the port uses, recording calls. */
function stubEngine() {
  const ee = new EventEmitter();
  const calls: { method: string; params: unknown }[] = [];
  const e = {
    state: 'running',
    calls,
    openSession: vi.fn(async (p: unknown) => void calls.push({ method: 'open', params: p })),
    applyRemoteOffer: vi.fn(async (p: unknown) => {
      calls.push({ method: 'offer', params: p });
      return { sdp: 'v=0', localSources: [] };
    }),
    addRemoteCandidate: vi.fn(async (p: unknown) => void calls.push({ method: 'candidate', params: p })),
    closeSession: vi.fn(async (sid: string) => void calls.push({ method: 'close', params: sid })),
    subscribe(l: (e: unknown) => void) {
      ee.on('e', l);
      return () => ee.off('e', l);
    },
    fire: (ev: unknown) => ee.emit('e', ev),
  };
  return e as typeof e & EngineClient;
}

const local = [{ name: 'aaaa-a0', media: 'audio' as const, ssrc: 111, msid: 'aaaa-audio-0-1 x-1' }];

describe('SupervisedMediaPort', () => {
  it('forwards to the current engine, enriches nicks, and drops sessionLost (the supervisor restarts)', async () => {
    const port = new SupervisedMediaPort((ep) => (ep === 'bbbb' ? 'Bob' : undefined));
    const e1 = stubEngine();
    port.setEngine(e1);
    const events: unknown[] = [];
    port.subscribe((ev) => events.push(ev));
    await port.openSession({ sid: 's1', localSources: local, iceServers: [] });
    await port.applyRemoteOffer({
      sid: 's1',
      sdp: 'v=0',
      remoteSources: [
        { ssrc: 5, media: 'video', owner: 'bbbb', name: 'bbbb-v0' },
        { ssrc: 6, media: 'video', owner: 'jvb', name: 'jvb-v0' },
      ],
    });
    expect(e1.calls[0]).toEqual({ method: 'open', params: { sid: 's1', localSources: local, iceServers: [] } });
    expect((e1.calls[1]!.params as { remoteSources: unknown[] }).remoteSources).toEqual([
      { ssrc: 5, media: 'video', owner: 'bbbb', name: 'bbbb-v0', nick: 'Bob' },
      { ssrc: 6, media: 'video', owner: 'jvb', name: 'jvb-v0' },
    ]);
    e1.fire({ type: 'localCandidate', sid: 's1', mid: 'audio', mlineIndex: 0, candidate: 'candidate:1' });
    e1.fire({ type: 'sessionLost', sid: 's1', reason: 'crashed' });
    expect(events).toEqual([{ type: 'localCandidate', sid: 's1', mid: 'audio', mlineIndex: 0, candidate: 'candidate:1' }]);
  });

  it('queues calls while no engine runs, uses fresh SSRCs with the next engine, ignores the old session', async () => {
    const port = new SupervisedMediaPort(() => undefined);
    const e1 = stubEngine();
    port.setEngine(e1);
    await port.openSession({ sid: 's1', localSources: local, iceServers: [] });
    port.clearEngine();
    await port.closeSession('s1'); // dead engine: nothing to close
    await port.addRemoteCandidate({ sid: 's1', mid: 'audio', mlineIndex: 0, candidate: 'candidate:1' });
    const pending = port.openSession({ sid: 's2', localSources: local, iceServers: [] });
    const e2 = stubEngine();
    port.setEngine(e2);
    await pending;
    const opened = e2.calls[0]!.params as { localSources: { ssrc: number; name: string }[] };
    expect(opened.localSources[0]!.name).toBe('aaaa-a0');
    expect(opened.localSources[0]!.ssrc).not.toBe(111);
    expect(e1.calls.map((c) => c.method)).toEqual(['open']);
    await port.closeSession('s2');
    expect(e2.calls.map((c) => c.method)).toEqual(['open', 'close']);
  });

  it('rejects waiting calls on close and after the wait timeout', async () => {
    const port = new SupervisedMediaPort(() => undefined, 50);
    await expect(port.openSession({ sid: 's', localSources: [], iceServers: [] })).rejects.toThrow(/no media engine running within 50 ms/);
    const waiting = port.applyRemoteOffer({ sid: 's', sdp: 'v=0', remoteSources: [] });
    port.close();
    await expect(waiting).rejects.toThrow(/closed/);
  });
});
